"""The Python kitchen sink for the conformance suite (see ../../README.md)."""

import asyncio
from typing import Any

from stephost import ApiRequest, ApiResponse, Context, StepError

config = {
    "type": "api",
    "name": "KitchenSink",
    "method": "POST",
    "path": "/ks/:id",
    "emits": ["ks.out", "ks.in"],
}


async def handler(req: ApiRequest, ctx: Context) -> Any:
    body = req.body or {}
    action = body.get("action")
    if action == "echo":
        return ApiResponse(
            body={
                "language": "python",
                "pathId": req.path_params["id"],
                "query": req.query_params,
                "xTest": req.headers.get("x-test"),
                "value": body.get("value"),
                "traceId": ctx.trace_id,
                "attempt": ctx.attempt,
            }
        )
    if action == "respond":
        return {"status": body["status"], "body": body.get("body"), "headers": body.get("headers")}
    if action == "raise":
        raise ValueError(body["message"])
    if action == "sleep":
        await asyncio.sleep(body["ms"] / 1000)
        return ApiResponse(body={"slept": body["ms"]})
    if action == "emit":
        message_id = await ctx.emit("ks.out", body.get("data"))
        return ApiResponse(body={"messageId": message_id})
    if action == "emit_big":  # over max_message_bytes: refused before it is sent
        try:
            await ctx.emit("ks.out", "x" * (body["mb"] << 20))
        except StepError as exc:
            return ApiResponse(body={"code": exc.code, "message": exc.message})
        return ApiResponse(status=500, body={"error": "emit did not fail"})
    if action == "respond_big":
        return ApiResponse(body="y" * (body["mb"] << 20))
    if action == "emit_undeclared":
        try:
            await ctx.emit("ks.undeclared", {})
        except StepError as exc:
            return ApiResponse(body={"code": exc.code, "message": exc.message})
        return ApiResponse(status=500, body={"error": "emit did not fail"})
    if action == "state":
        g = body["group"]
        await ctx.state.set(g, "a", {"n": 1})
        await ctx.state.set(g, "b", [1, 2])
        result = {
            "got": await ctx.state.get(g, "a"),
            "missing": await ctx.state.get(g, "zzz"),
            "list1": await ctx.state.list(g),
            "deleted": await ctx.state.delete(g, "a"),
            "deletedAgain": await ctx.state.delete(g, "a"),
            "list2": await ctx.state.list(g),
            "cleared": await ctx.state.clear(g),
            "list3": await ctx.state.list(g),
        }
        return ApiResponse(body=result)
    if action == "log":
        ctx.logger.info("kitchen sink log", marker=body["marker"])
        return ApiResponse(body={"logged": True})
    if action == "stream":
        await ctx.streams.set("ks", body["group"], "item", body["value"])
        return ApiResponse(body={"streamed": True})
    if action == "streams":
        g = body["group"]
        await ctx.streams.set("ks", g, "a", {"n": 1})
        await ctx.streams.set("ks", g, "b", [1, 2])
        result = {
            "got": await ctx.streams.get("ks", g, "a"),
            "missing": await ctx.streams.get("ks", g, "zzz"),
            "list": await ctx.streams.list("ks", g),
            "deleted": await ctx.streams.delete("ks", g, "a"),
            "after": await ctx.streams.list("ks", g),
        }
        return ApiResponse(body=result)
    if action == "motia":
        message_id = await ctx.emit({"topic": "ks.out", "data": body.get("data")})
        await ctx.state.set(body["group"], "x", 1)
        values = await ctx.state.get_group(body["group"])
        return ApiResponse(
            body={"messageId": message_id, "values": values, "traceId": ctx.trace_id}
        )
    if action == "bad_response":
        return "nope"
    if action == "context":
        deadline = ctx.deadline
        return ApiResponse(
            body={
                "traceState": ctx.trace_state,
                "deadlineMs": round(deadline.timestamp() * 1000) if deadline else None,
                "deadlineType": type(deadline).__name__,
                "auth": ctx.auth,
            }
        )
    if action == "emit_priority":
        message_id = await ctx.emit("ks.out", body.get("data"), priority=body.get("priority"))
        return ApiResponse(body={"messageId": message_id})
    if action == "forward":
        return ApiResponse(body={"messageId": await ctx.emit("ks.in", body.get("data"))})
    if action == "wait_for_cancel":
        key = body["key"]
        await ctx.state.set("ks-cancel", key, {"started": True})
        try:
            await asyncio.sleep(20)
        except asyncio.CancelledError:
            await ctx.state.set("ks-cancel", key, {"cancelled": ctx.cancelled})
            raise
        return ApiResponse(body={"cancelled": False})
    return ApiResponse(status=400, body={"error": f"unknown action {action!r}"})
