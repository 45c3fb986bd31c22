"""order.scored: record a notification (a real project would send mail here)."""

from typing import Any

from stephost import SyncContext

config = {
    "type": "event",
    "name": "NotifyCustomer",
    "subscribes": ["order.scored"],
    "input": "shop.v1.OrderScored",
    "flows": ["orders"],
}


def handler(data: dict[str, Any], ctx: SyncContext) -> None:
    # A plain `def` handler runs on a worker thread; its context calls block.
    ctx.state.set("notifications", data["id"], {"score": data["score"], "sent": True})
    ctx.logger.info("customer notified", order_id=data["id"])
