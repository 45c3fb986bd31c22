"""POST /orders: take an order, emit order.created, answer 201 at once."""

import uuid

from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "CreateOrder",
    "description": "Take an order; scoring and notifying happen in the background.",
    "method": "POST",
    "path": "/orders",
    "bodySchema": {
        "type": "object",
        "required": ["item", "quantity"],
        "properties": {
            "item": {"type": "string", "minLength": 1},
            "quantity": {"type": "integer", "minimum": 1},
            "email": {"type": "string"},
        },
        "additionalProperties": False,
    },
    "responseSchema": {
        "201": {"type": "object", "properties": {"id": {"type": "string"}}},
    },
    "emits": [{"topic": "order.created", "type": "shop.v1.OrderCreated"}],
    "flows": ["orders"],
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    order = {"id": uuid.uuid4().hex[:12], **req.body, "status": "new"}
    await ctx.state.set("orders", order["id"], order)
    await ctx.emit("order.created", order)
    ctx.logger.info("order taken", order_id=order["id"], item=order["item"])
    return ApiResponse(status=201, body={"id": order["id"]})
