"""POST /orders: take an order, emit order.created, answer 201 at once.

The body schema holds what the order.created contract holds (quantity is an int32), so
a body that passes it also makes a valid emit. Should the emit fail anyway (the queue's
disk is full: STORAGE_UNAVAILABLE), the order just stored is taken back, and the
error goes on to the client (503): no order is left "new" with nobody to score it.
"""

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
            "quantity": {"type": "integer", "minimum": 1, "maximum": 2147483647},  # int32
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
    try:
        await ctx.emit("order.created", order)
    except Exception:
        await ctx.state.delete("orders", order["id"])
        raise
    ctx.logger.info("order taken", order_id=order["id"], item=order["item"])
    return ApiResponse(status=201, body={"id": order["id"]})
