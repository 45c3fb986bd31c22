"""Every minute: count the orders and keep the figure in state."""

from stephost import Context

config = {
    "type": "cron",
    "name": "OrderReport",
    "cron": "* * * * *",
    "flows": ["orders"],
}


async def handler(ctx: Context) -> None:
    orders = await ctx.state.list("orders")
    scored = sum(1 for item in orders if item["value"].get("status") == "scored")
    await ctx.state.set("reports", "latest", {"orders": len(orders), "scored": scored})
    ctx.logger.info("order report", orders=len(orders), scored=scored)
