import asyncio

from stephost import Context

config = {
    "type": "event",
    "name": "Work",
    "subscribes": ["work.requested"],
    "input": {"type": "object", "required": ["id"]},
    "concurrency": 4,
}


async def handler(data: dict, ctx: Context) -> None:
    await ctx.state.set("work-started", data["id"], ctx.attempt)
    await asyncio.sleep(data.get("sleep_s", 0))
    await ctx.state.set("work-done", data["id"], True)
