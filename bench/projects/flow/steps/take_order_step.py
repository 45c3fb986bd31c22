"""POST /flow: store the order, emit flow.created (the flow's first hop, Python)."""

import uuid

from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "FlowTakeOrder",
    "method": "POST",
    "path": "/flow",
    "bodySchema": {
        "type": "object",
        "required": ["item", "quantity"],
        "properties": {
            "item": {"type": "string", "minLength": 1},
            "quantity": {"type": "integer", "minimum": 1},
        },
    },
    "emits": ["flow.created"],
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    order = {"id": uuid.uuid4().hex, **req.body, "status": "new"}
    await ctx.state.set("flow_orders", order["id"], order)
    await ctx.emit("flow.created", order)
    ctx.logger.info("order taken", order_id=order["id"])
    return ApiResponse(status=201, body={"id": order["id"]})
