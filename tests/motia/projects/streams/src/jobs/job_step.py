"""Motia's per-stream calls from Python: context.streams.progress.set / get_group / ..."""

config = {
    "type": "api",
    "name": "Job",
    "method": "POST",
    "path": "/jobs/:job",
    "emits": [],
}


async def handler(req, context):
    job = req["pathParams"]["job"]
    progress = context.streams.progress
    first = await progress.set(job, "step-1", {"percent": 50})
    await progress.set(job, "step-2", {"percent": 100})
    await progress.send({"groupId": job}, {"type": "finished", "data": {"job": job}})
    return {
        "status": 200,
        "body": {
            "first": first,
            "got": await progress.get(job, "step-2"),
            "missing": await progress.get(job, "nope"),
            "group": await progress.get_group(job),
            "todos": await context.streams.todo.getGroup("shared"),
        },
    }
