"""Every day at 06:00: count the orders and keep the figures in state.

`stephost cron run OrderReport` (or `stephost_app.run_cron` in a test) runs it now.
"""

from stephost import Context

config = {
    "type": "cron",
    "name": "OrderReport",
    "cron": "0 6 * * *",
    "flows": ["orders"],
}


async def handler(ctx: Context) -> None:
    orders = await ctx.state.list("orders")
    scored = sum(1 for item in orders if item["value"].get("status") == "scored")
    await ctx.state.set("reports", "latest", {"orders": len(orders), "scored": scored})
    ctx.logger.info("order report", orders=len(orders), scored=scored)
