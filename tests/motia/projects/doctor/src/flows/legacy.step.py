config = {"type": "event", "name": "Legacy", "subscribes": ["done"], "emits": []}


async def handler(data, context):
    pass
