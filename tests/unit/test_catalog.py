from __future__ import annotations

from typing import Any

import pytest

from stephost_host.catalog import Catalog, ConfigError, StepReport, parse_path, parse_step


def step(**config: Any) -> Any:
    return parse_step(config, language="python", file="steps/x_step.py")


def test_api_step_defaults() -> None:
    parsed = step(type="api", name="A", method="post", path="/orders/:id")
    assert parsed.method == "POST"
    assert parsed.route == "/orders/{id}"
    assert parsed.timeout_ms == 30_000
    assert parsed.concurrency == 0


def test_event_step_defaults() -> None:
    parsed = step(type="event", name="E", subscribes=["a"], emits=["b", {"topic": "c"}])
    assert parsed.max_attempts == 3
    assert parsed.concurrency == 100
    assert parsed.emits == frozenset({"b", "c"})


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"type": "api", "method": "GET", "path": "/"}, "`name`"),
        ({"type": "nope", "name": "X"}, "`type` must be one of"),
        ({"type": "api", "name": "X", "method": "FETCH", "path": "/"}, "`method`"),
        ({"type": "api", "name": "X", "method": "GET"}, "`path`"),
        ({"type": "api", "name": "X", "method": "GET", "path": "/a/:id/:id"}, "twice"),
        ({"type": "api", "name": "X", "method": "GET", "path": "/a/x:y"}, "neither literal"),
        ({"type": "event", "name": "X"}, "`subscribes` is required"),
        ({"type": "event", "name": "X", "subscribes": []}, "at least one"),
        ({"type": "event", "name": "X", "subscribes": ["a"], "maxAttempts": 0}, "`maxAttempts`"),
        ({"type": "event", "name": "X", "subscribes": ["a"], "input": {"type": 5}}, "`input`"),
        ({"type": "cron", "name": "X", "cron": "* * *"}, "5 fields"),
        ({"type": "cron", "name": "X", "cron": "99 * * * *"}, "not a valid cron"),
        ({"type": "api", "name": "X", "method": "GET", "path": "/", "emits": [3]}, "`emits`"),
        ({"type": "api", "name": "X", "method": "GET", "path": "/", "timeoutMs": -1}, "timeoutMs"),
    ],
)
def test_bad_configs_name_the_field(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        step(**config)


def test_six_field_cron_has_seconds_first() -> None:
    assert step(type="cron", name="C", cron="*/5 * * * * *").cron == "*/5 * * * * *"


def test_root_path() -> None:
    assert parse_path("/") == ()


def test_catalog_reports_duplicates_with_both_files() -> None:
    reports = [
        StepReport("python", "steps/a_step.py", "Same", {"type": "noop", "name": "Same"}),
        StepReport("node", "steps/b.step.ts", "Same", {"type": "noop", "name": "Same"}),
    ]
    catalog = Catalog.build(reports, [])
    assert catalog.duplicates == [("Same", "steps/a_step.py", "steps/b.step.ts")]
    assert "steps/a_step.py" in catalog.problems[0].failure.message
    assert "steps/b.step.ts" in catalog.problems[0].failure.message


def test_catalog_keeps_good_steps_beside_a_bad_one() -> None:
    reports = [
        StepReport("python", "steps/ok_step.py", "Ok", {"type": "noop", "name": "Ok"}),
        StepReport("python", "steps/bad_step.py", "Bad", {"type": "api", "name": "Bad"}),
    ]
    catalog = Catalog.build(reports, [])
    assert list(catalog.steps) == ["Ok"]
    assert catalog.problems[0].file == "steps/bad_step.py"
    assert catalog.problems[0].failure.code == "BAD_CONFIG"


def test_catalog_warns_about_topics_nobody_emits() -> None:
    reports = [
        StepReport("python", "f", "E", {"type": "event", "name": "E", "subscribes": ["ghost"]}),
    ]
    warnings = Catalog.build(reports, []).warnings()
    assert warnings == ["topic 'ghost' (subscribed by E) is emitted by no step"]


def test_typos_in_configs_are_warnings_with_a_suggestion() -> None:
    parsed = step(type="event", name="E", subscribes=["a"], maxAttempt=5, timeoutMS=10)
    assert parsed.config_warnings == (
        "unknown key `maxAttempt` (did you mean `maxAttempts`?)",
        "unknown key `timeoutMS` (did you mean `timeoutMs`?)",
    )
    assert parsed.max_attempts == 3  # the typo did not set anything


def test_a_key_of_another_step_type_is_a_warning() -> None:
    parsed = step(type="api", name="A", method="GET", path="/", subscribes=["x"], cron="* * * * *")
    assert parsed.config_warnings == (
        "`subscribes` is not a key of api steps (only of event, noop steps)",
        "`cron` is not a key of api steps (only of cron steps)",
    )


def test_a_missing_required_key_names_the_typo() -> None:
    with pytest.raises(ConfigError) as caught:
        step(type="event", name="E", subscribe=["a"])
    assert str(caught.value) == (
        "`subscribes` is required for event steps (the config has `subscribe`: "
        "did you mean `subscribes`?)"
    )


def test_motia_keys_are_known() -> None:
    emits = [{"topic": "t", "label": "Done", "conditional": True}]
    motia = {"virtualEmits": ["v"], "virtualSubscribes": ["w"], "includeFiles": ["x.txt"]}
    api = step(type="api", name="A", method="POST", path="/a", emits=emits, queryParams=[],
               middleware=[], responseSchema={}, **motia)  # fmt: skip
    event = step(type="event", name="E", subscribes=["t"], input={}, emits=emits,
                 infrastructure={"queue": {"maxRetries": 2}}, **motia)  # fmt: skip
    cron = step(type="cron", name="C", cron="0 * * * *", emits=emits, **motia)
    noop = step(type="noop", name="N", **motia)
    assert [s.config_warnings for s in (api, event, cron, noop)] == [()] * 4
    typo = step(type="noop", name="N", emits=[{"topic": "t", "lable": "x"}])
    assert typo.config_warnings == (
        "`emits` entry 't': unknown key `lable` (did you mean `label`?)",
    )


def test_strict_refuses_configs_with_unknown_keys() -> None:
    reports = [
        StepReport("python", "steps/a_step.py", "A", {"type": "noop", "name": "A", "nmae": "x"}),
        StepReport("python", "steps/b_step.py", "B", {"type": "noop", "name": "B"}),
    ]
    catalog = Catalog.build(reports, [])
    assert sorted(catalog.steps) == ["A", "B"]
    assert catalog.warnings() == ["steps/a_step.py: A: unknown key `nmae` (did you mean `name`?)"]
    strict = catalog.strict()
    assert sorted(strict.steps) == ["B"]
    (problem,) = strict.problems
    assert problem.failure.code == "BAD_CONFIG"
    assert problem.failure.message == "steps/a_step.py: unknown key `nmae` (did you mean `name`?)"


def test_isolated_steps_and_their_limits() -> None:
    from stephost_host.model import Limits

    plain = step(type="event", name="E", subscribes=["a"])
    assert (plain.isolated, plain.limits) == (False, None)
    alone = step(type="api", name="A", method="GET", path="/", isolated=True)
    assert (alone.isolated, alone.limits) == (True, None)
    limited = step(type="cron", name="C", cron="* * * * *", isolated=True, limits={"memoryMb": 256})
    assert limited.limits == Limits(memory_mb=256, cpu_seconds=0)
    assert limited.to_json()["settings"]["limits"] == {"memoryMb": 256, "cpuSeconds": 0}
    assert not step(type="noop", name="N", isolated=True).isolated  # nothing to run
    assert step(type="noop", name="N", isolated=True).config_warnings


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"isolated": "yes"}, "`isolated` must be true or false, got 'yes'"),
        ({"limits": {"memoryMb": 256}}, "set `isolated: true` as well"),
        ({"isolated": True, "limits": {}}, "one or both"),
        ({"isolated": True, "limits": {"memory": 256}}, "one or both"),
        ({"isolated": True, "limits": {"memoryMb": "1G"}}, "limits: `memoryMb` must be"),
        ({"isolated": True, "limits": {"cpuSeconds": 0}}, "limits: `cpuSeconds` must be"),
        ({"isolated": True, "limits": {"memoryMb": 16}}, "at least 64"),
    ],
)
def test_bad_isolation_names_the_field(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        step(type="event", name="E", subscribes=["a"], **extra)
