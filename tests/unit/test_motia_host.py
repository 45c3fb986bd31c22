"""Motia configs on the host: infrastructure mapped onto our settings, notes for what
cannot be honoured, stream declarations, and a Motia project's own files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stephost_host import motia
from stephost_host.catalog import Catalog, StepReport, StreamReport, parse_step
from stephost_host.doctor import report
from stephost_host.gen.motia import motia_types

EVENT = {"type": "event", "name": "E", "subscribes": ["a"]}


def event(**extra: Any) -> dict[str, Any]:
    return {**EVENT, **extra}


def test_infrastructure_maps_onto_native_settings() -> None:
    raw = event(
        infrastructure={
            "handler": {"timeout": 12.5, "ram": 1024},
            "queue": {
                "type": "fifo",
                "maxRetries": 5,
                "visibilityTimeout": 2,
                "delaySeconds": 3,
                "concurrency": 4,
            },
        }
    )
    step = parse_step(raw, language="node", file="src/e.step.ts")
    assert (step.timeout_ms, step.max_attempts, step.backoff_ms, step.delay_ms) == (
        12_500,
        5,
        2_000,
        3_000,
    )
    assert step.concurrency == 4
    assert step.raw == raw  # the config as sent stays as sent


def test_native_keys_win_over_infrastructure() -> None:
    step = parse_step(
        event(maxAttempts=9, infrastructure={"queue": {"maxRetries": 2}}),
        language="python",
        file="f",
    )
    assert step.max_attempts == 9


def test_zero_retries_is_one_attempt() -> None:
    step = parse_step(event(infrastructure={"queue": {"maxRetries": 0}}), language="n", file="f")
    assert step.max_attempts == 1


def test_notes_name_the_file_step_and_field() -> None:
    raw = event(
        infrastructure={
            "handler": {"ram": 512, "cpu": 1, "timeout": "soon", "disk": 1},
            "queue": {"type": "lifo", "maxRetries": -1},
            "region": "eu",
        }
    )
    notes = motia.infrastructure_notes(raw, "src/e.step.ts")
    assert [(n.file, n.name, n.field) for n in notes] == [
        ("src/e.step.ts", "E", "infrastructure.region"),
        ("src/e.step.ts", "E", "infrastructure.handler.ram"),
        ("src/e.step.ts", "E", "infrastructure.handler.cpu"),
        ("src/e.step.ts", "E", "infrastructure.handler.disk"),
        ("src/e.step.ts", "E", "infrastructure.handler.timeout"),
        ("src/e.step.ts", "E", "infrastructure.queue.type"),
        ("src/e.step.ts", "E", "infrastructure.queue.maxRetries"),
    ]
    assert notes[4].message == "must be a number >= 0, got 'soon'; ignored"
    assert motia.native_settings(raw) == {}  # nothing usable to map


def test_queue_settings_on_an_api_step_are_noted() -> None:
    raw = {
        "type": "api",
        "name": "A",
        "method": "GET",
        "path": "/",
        "infrastructure": {"queue": {"maxRetries": 2}},
    }
    (note,) = motia.infrastructure_notes(raw, "f")
    assert (note.field, note.message) == (
        "infrastructure.queue",
        "applies to event steps only; ignored",
    )


def test_catalog_collects_notes_and_streams() -> None:
    reports = [
        StepReport("node", "src/e.step.ts", "E", event(infrastructure={"handler": {"ram": 1}})),
        StepReport("node", "src/f.step.ts", "F", {**EVENT, "name": "F", "virtualEmits": ["a"]}),
    ]
    streams = [
        StreamReport("node", "src/todo.stream.ts", "todo", {"name": "todo", "canAccess": "fn"}),
        StreamReport("python", "src/todo_stream.py", "todo", {"name": "todo"}),
    ]
    catalog = Catalog.build(reports, [], streams=streams)
    assert [(n.file, n.field) for n in catalog.notes] == [
        ("src/todo.stream.ts", "canAccess"),
        ("src/e.step.ts", "infrastructure.handler.ram"),
    ]
    assert list(catalog.streams) == ["todo"]
    (duplicate,) = catalog.problems
    assert duplicate.failure.code == "DUPLICATE_STREAM"
    assert "src/todo.stream.ts and src/todo_stream.py" in duplicate.failure.message
    # "a" is only emitted virtually (from outside the project): not a mistake.
    assert catalog.topic_warnings() == []
    assert catalog.warnings()[0].startswith("src/todo.stream.ts: todo: `canAccess`")


def test_custom_stream_storage_is_noted() -> None:
    (note,) = motia.stream_notes(
        {"name": "s", "baseConfig": {"storageType": "custom", "factory": "make"}}, "f"
    )
    assert note.field == "baseConfig.storageType"


def test_project_notes_read_motias_own_files(tmp_path: Path) -> None:
    assert not motia.is_motia_project(tmp_path)
    (tmp_path / "motia.config.ts").write_text(
        "export default config({ plugins: [a], adapters: { state: x }, streamAuth: {} })\n"
    )
    (tmp_path / "requirements.txt").write_text("# a comment\npydantic>=2\nno-such-pkg-xyz\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "old.step.py").write_text("")
    assert motia.is_motia_project(tmp_path)
    notes = motia.project_notes(tmp_path, [tmp_path / "src"])
    assert [(n.file, n.field) for n in notes] == [
        ("motia.config.ts", "plugins"),
        ("motia.config.ts", "adapters"),
        ("motia.config.ts", "streamAuth"),
        ("requirements.txt", "no-such-pkg-xyz"),
        ("src/old.step.py", "file name"),
    ]
    assert "rename it to old_step.py" in notes[-1].message


def test_types_d_ts_types_handlers_and_streams() -> None:
    body = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    reports = [
        StepReport(
            "node",
            "f",
            "Api",
            {
                "type": "api",
                "name": "Api",
                "method": "POST",
                "path": "/",
                "emits": ["work"],
                "bodySchema": body,
                "responseSchema": {"201": {"type": "object", "properties": {"id": {}}}},
            },
        ),
        StepReport(
            "python",
            "g",
            "Work",
            {
                **EVENT,
                "name": "Work",
                "subscribes": ["work"],
                "input": body,
                "infrastructure": {"queue": {"type": "fifo"}},
            },
        ),
    ]
    streams = [StreamReport("node", "s", "todo", {"name": "todo", "schema": body})]
    text = motia_types(Catalog.build(reports, [], streams=streams))
    assert "declare module 'motia' {" in text
    assert '    "todo": MotiaStream<TodoStreamItem>\n' in text
    assert (
        '    "Api": ApiRouteHandler<ApiBody, ApiResponse<201, ApiResponse201>, '
        '{ topic: "work"; data: WorkInput; messageGroupId: string }>\n'
    ) in text
    assert '    "Work": EventHandler<WorkInput, never>\n' in text
    assert "export interface WorkInput {\n  n: number\n}\n" in text


def test_catalog_keeps_each_topics_delays_once() -> None:
    reports = [
        StepReport("node", "f", "Now", event(name="Now")),
        StepReport("node", "g", "Later", event(name="Later", delayMs=500)),
        StepReport("node", "h", "Other", event(name="Other", subscribes=["b"])),
    ]
    catalog = Catalog.build(reports, [])
    assert [s.name for s in catalog.subscribers("a")] == ["Now", "Later"]
    assert catalog.delays == {"a": (0, 500)}  # topics where no step waits are left out


def test_the_pytest_plugin_finds_a_motia_project_by_its_src_folder(tmp_path: Path) -> None:
    from stephost_host.pytest_plugin import find_project

    (tmp_path / "src").mkdir()
    (tmp_path / "tests" / "flows").mkdir(parents=True)
    (tmp_path / "motia-workbench.json").write_text("[]")
    assert find_project(tmp_path / "tests" / "flows", "", tmp_path) == tmp_path


MOTIA_CONFIGS = {
    "api": {
        "type": "api",
        "name": "A",
        "description": "d",
        "path": "/a",
        "method": "POST",
        "emits": [{"topic": "t", "label": "when", "conditional": True}],
        "virtualEmits": ["v"],
        "virtualSubscribes": ["w"],
        "flows": ["f"],
        "middleware": ["auth"],
        "bodySchema": {"type": "object"},
        "responseSchema": {"200": {"type": "object"}},
        "queryParams": [{"name": "q", "description": "d"}],
        "includeFiles": ["x.txt"],
    },
    "event": {
        **EVENT,
        "description": "d",
        "emits": ["t"],
        "virtualEmits": [{"topic": "v", "label": "l"}],
        "virtualSubscribes": ["w"],
        "input": {"type": "object"},
        "flows": ["f"],
        "includeFiles": ["x.txt"],
        "infrastructure": {"handler": {"timeout": 3}, "queue": {"type": "fifo"}},
    },
    "cron": {
        "type": "cron",
        "name": "C",
        "description": "d",
        "cron": "0 0 * * 1",
        "emits": ["t"],
        "virtualEmits": ["v"],
        "virtualSubscribes": ["w"],
        "flows": ["f"],
        "includeFiles": ["x.txt"],
    },
    "noop": {
        "type": "noop",
        "name": "N",
        "description": "d",
        "virtualEmits": ["v"],
        "virtualSubscribes": ["w"],
        "flows": ["f"],
    },
}


def test_every_key_of_motias_configs_is_known() -> None:
    for step_type, raw in MOTIA_CONFIGS.items():
        step = parse_step(raw, language="node", file=f"src/{step_type}.step.ts")
        assert step.config_warnings == (), step_type


def test_the_doctor_reports_an_unknown_key_under_its_file(tmp_path: Path) -> None:
    typo = {**MOTIA_CONFIGS["event"], "subscribes": ["t"], "maxAttempt": 3}
    reports = [
        StepReport("node", "src/api.step.ts", "A", MOTIA_CONFIGS["api"]),
        StepReport("node", "src/event.step.ts", "E", typo),
    ]
    text, code = report(tmp_path, Catalog.build(reports, []))
    assert code == 0
    assert text.splitlines()[2:] == [
        "src/event.step.ts",
        "  warning: E: unknown key `maxAttempt` (did you mean `maxAttempts`?)",
        "",
        "2 steps and 0 streams load; 0 errors and 1 warning in 1 file.",
    ]
