from typing import Any

from stephost import Context

config = {"type": "event", "name": "KitchenSinkChain", "subscribes": ["ks.chain"]}


async def handler(data: dict[str, Any], ctx: Context) -> None:
    await ctx.state.set("ks-chain", data["key"], {"language": "python", "traceId": ctx.trace_id})
