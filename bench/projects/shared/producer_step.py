"""A Python producer, so that every language's no-op step is fed the same way."""

import asyncio

from stephost import ApiRequest, Context

config = {
    "type": "api",
    "name": "BenchProducer",
    "method": "POST",
    "path": "/produce",
    "emits": ["bench.noop", "bench.hop"],
    "timeoutMs": 600_000,
}


async def handler(req: ApiRequest, ctx: Context) -> dict[str, object]:
    topic, count = req.body["topic"], req.body["count"]
    await asyncio.gather(*(ctx.emit(topic, {"i": i}) for i in range(count)))
    return {"status": 200, "body": {"emitted": count}}
