"""Text for people: stacks on a terminal, numbered log lines, trace trees."""

from __future__ import annotations

import asyncio
import io

import orjson

from stephost_host.console import render_error, span_tree
from stephost_host.telemetry import (
    LineWriter,
    RecentLogs,
    configure_logging,
    get_logger,
    recent_logs,
)

STACK = "TypeError: card declined\n    at charge (steps/charge.step.ts:9:11)\n    at run (x.ts:2)"


def test_a_stack_prints_as_lines_on_a_terminal() -> None:
    out = io.StringIO()
    configure_logging("info", "console", out)
    cause = {"code": "E", "message": "inner", "stack": "RangeError: inner\n    at f (a.py:3)"}
    get_logger().error("api handler failed", step="Charge", error={"code": "X", "stack": STACK,
                                                                      "cause": cause})  # fmt: skip
    get_logger().error("step file not loaded", file="steps/a_step.py", stack="Traceback:\n  a")
    text = out.getvalue()
    assert "\\n" not in text  # no repr with escaped newlines
    assert "TypeError: card declined\n    at charge (steps/charge.step.ts:9:11)\n" in text
    assert "caused by:\nRangeError: inner\n    at f (a.py:3)" in text
    assert "Traceback:\n  a" in text
    configure_logging("info", "json", io.TextIOWrapper(io.BytesIO()))


def test_json_logs_keep_the_stack_in_the_line() -> None:
    raw = io.BytesIO()
    configure_logging("info", "json", io.TextIOWrapper(raw))
    get_logger().error("api handler failed", error={"stack": STACK})
    text = raw.getvalue().decode()
    assert text.count("\n") == 1 and "card declined\\n    at charge" in text


def test_json_logs_keep_an_exceptions_traceback() -> None:
    """log.exception, and exc_info given an exception, write the traceback as text."""
    raw = io.BytesIO()
    configure_logging("info", "json", io.TextIOWrapper(raw))
    try:
        raise RuntimeError("the cron table is gone")
    except RuntimeError as exc:
        get_logger().exception("cron tick could not be queued", step="Tick")
        caught = exc
    get_logger().error("host call failed", call="emit", exc_info=caught)
    get_logger().info("nothing went wrong")
    lines = [orjson.loads(line) for line in raw.getvalue().splitlines()]
    for line in lines[:2]:
        assert line["exception"].startswith("Traceback (most recent call last):")
        assert "RuntimeError: the cron table is gone" in line["exception"]
        assert "test_console.py" in line["exception"]
        assert "exc_info" not in line
    assert "exception" not in lines[2]


def test_recent_lines_are_numbered_across_the_bound() -> None:
    logs = RecentLogs(size=3)
    for i in range(5):
        logs(None, "info", {"event": f"e{i}"})
    assert logs.total == 5
    assert [(seq, line["event"]) for seq, line in logs.after(0)] == [
        (3, "e2"),
        (4, "e3"),
        (5, "e4"),
    ]
    assert [seq for seq, _ in logs.after(4)] == [5]
    assert logs.after(5) == []


def test_spans_nest_under_their_parents() -> None:
    spans = [
        {"spanId": "b", "parentId": "a", "startUnixMs": 2, "name": "event x"},
        {"spanId": "a", "parentId": "", "startUnixMs": 1, "name": "POST /x"},
        {"spanId": "c", "parentId": "b", "startUnixMs": 3, "name": "event y"},
        {"spanId": "d", "parentId": "a", "startUnixMs": 4, "name": "event z"},
    ]
    assert [(d, s["name"]) for d, s in span_tree(spans)] == [
        (0, "POST /x"), (1, "event x"), (2, "event y"), (1, "event z"),
    ]  # fmt: skip


def test_an_error_renders_with_its_cause() -> None:
    text = render_error({"code": "X", "type": "TypeError", "message": "m", "stack": STACK,
                         "language": "node", "cause": {"code": "Y", "message": "n"}})  # fmt: skip
    assert text.splitlines()[0] == "  error     X TypeError: m  (node)"
    assert "      TypeError: card declined" in text
    assert text.splitlines()[-1] == "  caused by     Y n"


def test_json_lines_of_one_loop_turn_are_written_together() -> None:
    raw = io.BytesIO()
    configure_logging("info", "json", io.TextIOWrapper(raw))
    log = get_logger()

    async def go() -> tuple[bytes, bytes]:
        log.info("first")
        log.debug("below the level")
        log.warning("second")
        during = raw.getvalue()
        await asyncio.sleep(0)
        return during, raw.getvalue()

    during, after = asyncio.run(go())
    assert during == b""
    lines = [orjson.loads(line) for line in after.splitlines()]
    assert [line["event"] for line in lines] == ["first", "second"]


def test_lines_due_for_an_output_closed_meanwhile_are_dropped_not_raised() -> None:
    raw = io.BytesIO()
    writer = LineWriter(raw)
    problems: list[dict[str, object]] = []

    async def go() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _l, c: problems.append(c))
        writer.msg(b'{"event":"late"}')  # its flush is due at the end of this turn
        raw.close()
        await asyncio.sleep(0)

    asyncio.run(go())
    assert problems == []
    open_raw = io.BytesIO()
    LineWriter(open_raw).msg(b'{"event":"now"}')  # no loop: written at once
    assert open_raw.getvalue() == b'{"event":"now"}\n'


def test_a_json_line_is_kept_as_it_was_written() -> None:
    raw = io.BytesIO()
    configure_logging("info", "json", io.TextIOWrapper(raw))
    get_logger(component="t").info("kept once", trace_id="a" * 32, count=3)
    get_logger(component="t").debug("below the level")
    written = orjson.loads(raw.getvalue().splitlines()[-1])
    assert recent_logs.for_trace("a" * 32) == [written]
    assert recent_logs.recent()[-1] == written
