import asyncio
from typing import Any

from stephost import Context

config = {
    "type": "event",
    "name": "KitchenSinkEvent",
    "subscribes": ["ks.in"],
    "emits": ["ks.chain"],
    "maxAttempts": 3,
    "backoffMs": 10,
    "timeoutMs": 3000,
    "input": {"type": "object", "required": ["action", "key"]},
}


async def _record(data: dict[str, Any], ctx: Context) -> None:
    await ctx.state.set(
        "ks-events",
        data["key"],
        {
            "data": data,
            "attempt": ctx.attempt,
            "traceId": ctx.trace_id,
            "traceState": ctx.trace_state,
        },
    )


async def handler(data: dict[str, Any], ctx: Context) -> None:
    action = data["action"]
    if action == "fail":
        raise ValueError(data["message"])
    if action == "flaky" and ctx.attempt < data["succeedOn"]:
        raise ValueError(f"flaky attempt {ctx.attempt}")
    if action == "emit":
        await ctx.emit("ks.chain", {"key": data["key"]})
    if action == "sleep":
        await asyncio.sleep(data["ms"] / 1000)
    await _record(data, ctx)
