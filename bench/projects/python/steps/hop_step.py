from typing import Any

from stephost import Context

config = {
    "type": "event",
    "name": "BenchHop",
    "subscribes": ["bench.hop"],
    "emits": ["bench.noop"],
}


async def handler(data: Any, ctx: Context) -> None:
    await ctx.emit("bench.noop", data)
