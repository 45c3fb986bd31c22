"""GET /orders/:id: read an order from state."""

from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "GetOrder",
    "method": "GET",
    "path": "/orders/:id",
    "flows": ["orders"],
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    order = await ctx.state.get("orders", req.path_params["id"])
    if order is None:
        return ApiResponse(status=404, body={"error": f"no order {req.path_params['id']}"})
    return ApiResponse(status=200, body=order)
