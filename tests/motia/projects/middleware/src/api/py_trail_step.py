"""The same middleware chain in Python (Motia's `middleware` on a Python api step)."""


def mark(name):
    async def middleware(req, context, next_fn):
        req["body"]["trail"].append(f"{name}>")
        response = await next_fn()
        response["body"]["trail"].append(f"<{name}")
        response.setdefault("headers", {})[f"x-{name}"] = "seen"
        return response

    middleware.__qualname__ = f"mark_{name}"
    return middleware


config = {
    "type": "api",
    "name": "PyTrail",
    "method": "POST",
    "path": "/py-trail",
    "emits": [],
    "middleware": [mark("first"), mark("second")],
}


async def handler(req, context):
    req["body"]["trail"].append("handler")
    context.logger.info("handler ran", {"trail": req["body"]["trail"]})
    return {"status": 200, "body": req["body"]}
