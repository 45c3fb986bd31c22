"""Api steps behind each kind of auth, answering with ctx.auth (see ../../README.md)."""

from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "KitchenSinkGuarded",
    "method": "POST",
    "path": "/ks/:id/guarded",
    "auth": {"type": "step", "step": "KitchenSinkGate"},
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    return ApiResponse(body={"language": "python", "auth": ctx.auth, "body": req.body})
