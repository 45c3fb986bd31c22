"""order.created: score the order, store the score, emit order.scored."""

from typing import Any

from stephost import Context

config = {
    "type": "event",
    "name": "ScoreOrder",
    "subscribes": ["order.created"],
    "emits": ["order.scored"],
    "input": {
        "type": "object",
        "required": ["id", "item", "quantity"],
        "properties": {"id": {"type": "string"}, "quantity": {"type": "integer"}},
    },
    "flows": ["orders"],
    "maxAttempts": 5,
}


async def handler(data: dict[str, Any], ctx: Context) -> None:
    score = min(1.0, 0.2 + 0.1 * data["quantity"])
    order = await ctx.state.get("orders", data["id"]) or data
    await ctx.state.set("orders", data["id"], {**order, "score": score, "status": "scored"})
    await ctx.emit("order.scored", {"id": data["id"], "score": score})
    ctx.logger.info("order scored", order_id=data["id"], score=score)
