"""flow.checked: record a notification (the flow's last Python hop)."""

from typing import Any

from stephost import Context

config = {
    "type": "event",
    "name": "FlowNotify",
    "subscribes": ["flow.checked"],
    "input": {"type": "object", "required": ["id", "score"]},
}


async def handler(data: dict[str, Any], ctx: Context) -> None:
    await ctx.state.set("flow_notified", data["id"], {"score": data["score"], "sent": True})
    ctx.logger.info("customer notified", order_id=data["id"])
