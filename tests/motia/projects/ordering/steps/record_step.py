"""Records each item's seq in its group's list, after a random pause: were two items of
one group handled at once, or out of order, the list would show it."""

import asyncio
import random

config = {
    "type": "event",
    "name": "Record",
    "subscribes": ["item"],
    "emits": [],
    "input": {"type": "object", "required": ["group", "seq"]},
    "infrastructure": {"queue": {"type": "fifo"}},
}


async def handler(data, context):
    await asyncio.sleep(random.uniform(0, 0.02))
    seen = await context.state.get("seen", data["group"]) or []
    await context.state.set("seen", data["group"], [*seen, data["seq"]])
