from stephost import ApiRequest, Context

config = {"type": "api", "name": "BenchEcho", "method": "POST", "path": "/echo"}


async def handler(req: ApiRequest, ctx: Context) -> dict[str, object]:
    return {"status": 200, "body": req.body}
