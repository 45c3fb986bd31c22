"""Text for a terminal: the CLI's log lines, errors with their stacks, trace trees."""

from __future__ import annotations

from typing import Any

import orjson


def problem_text(problem: dict[str, Any]) -> str:
    """A load problem in one line: its file (once, though runtimes often name it in the
    message too), then the message."""
    message = str(problem["error"]["message"])
    return message if problem["file"] in message else f"{problem['file']}: {message}"


def span_tree(spans: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Spans in tree order (each after its parent, siblings by start), with their depth."""
    ids = {s["spanId"] for s in spans}
    children: dict[str, list[dict[str, Any]]] = {}
    for span in sorted(spans, key=lambda s: s["startUnixMs"]):
        parent = span["parentId"] if span["parentId"] in ids else ""
        children.setdefault(parent, []).append(span)
    out: list[tuple[int, dict[str, Any]]] = []

    def walk(parent: str, depth: int) -> None:
        for span in children.get(parent, []):
            out.append((depth, span))
            walk(span["spanId"], depth + 1)

    walk("", 0)
    return out


_LOG_KEYS = ("timestamp", "level", "event", "seq", "stack", "error")


def render_log_line(line: dict[str, Any]) -> str:
    """``time level event key=value ...``, then an error's message and stack below."""
    fields = " ".join(
        f"{k}={v if isinstance(v, str) else orjson.dumps(v).decode()}"
        for k, v in line.items()
        if k not in _LOG_KEYS
    )
    head = f"{line.get('timestamp', '')} {line.get('level', ''):<7} {line.get('event', '')}"
    text = f"{head}  {fields}".rstrip()
    if isinstance(line.get("error"), dict):
        text += "\n" + render_error(line["error"])
    elif isinstance(line.get("error"), str):
        text += f"  error={line['error']}"
    if isinstance(line.get("stack"), str) and line["stack"]:
        text += "\n" + _indent(line["stack"])
    return text


def render_error(error: dict[str, Any], label: str = "error") -> str:
    """A StepError as text: code, type and message, then its stack, then its cause."""
    where = ", ".join(p for p in (error.get("language", ""), error.get("step", "")) if p)
    kind = f" {error['type']}:" if error.get("type") else ""
    text = f"  {label}     {error.get('code', '')}{kind} {error.get('message', '')}"
    if where:
        text += f"  ({where})"
    if error.get("stack"):
        text += "\n" + _indent(error["stack"])
    if isinstance(error.get("cause"), dict):
        text += "\n" + render_error(error["cause"], "caused by")
    return text


def _indent(text: str) -> str:
    return "\n".join(f"      {line}" for line in text.rstrip().splitlines())
