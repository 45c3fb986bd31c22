from typing import Any

from stephost import Context

config = {"type": "event", "name": "BenchNoop", "subscribes": ["bench.noop"]}


async def handler(data: Any, ctx: Context) -> None:
    return None
