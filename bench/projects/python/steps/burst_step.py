import asyncio

from stephost import ApiRequest, Context

config = {
    "type": "api",
    "name": "BenchBurst",
    "method": "POST",
    "path": "/burst",
    "emits": ["bench.noop", "bench.hop"],
    "timeoutMs": 600_000,
}


async def handler(req: ApiRequest, ctx: Context) -> dict[str, object]:
    topic, count = req.body["topic"], req.body["count"]
    await asyncio.gather(*(ctx.emit(topic, {"i": i}) for i in range(count)))
    return {"status": 200, "body": {"emitted": count}}
