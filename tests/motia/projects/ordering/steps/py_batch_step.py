"""The other direction: Python emits in Motia's dict form, TypeScript records."""

config = {
    "type": "api",
    "name": "PyBatch",
    "method": "POST",
    "path": "/py-batch",
    "emits": ["py-item"],
}


async def handler(req, context):
    groups, count = req["body"]["groups"], req["body"]["count"]
    for seq in range(count):
        group = f"p{seq % groups}"
        await context.emit(
            {"topic": "py-item", "data": {"group": group, "seq": seq}, "messageGroupId": group}
        )
    return {"status": 202, "body": {"emitted": count}}
