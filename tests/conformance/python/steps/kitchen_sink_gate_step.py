"""The conformance suite's custom auth step (see ../../README.md)."""

from typing import Any

from stephost import ApiRequest, Context, StepError

config = {"type": "auth", "name": "KitchenSinkGate"}


async def handler(req: ApiRequest, ctx: Context) -> Any:
    token = req.headers.get("x-ks-token")
    if token == "forbidden":
        raise StepError("this token may not pass", code="FORBIDDEN")
    if token != "let-me-in":
        return None
    return {
        "user": "ks-user",
        "gate": "python",
        "pathId": req.path_params.get("id"),
        "method": req.method,
        "body": req.body,
        "traceId": ctx.trace_id,
    }
