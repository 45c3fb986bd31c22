"""A plain (sync) handler uses the same Motia forms; its calls block instead of awaiting."""

config = {
    "type": "api",
    "name": "SyncJob",
    "method": "GET",
    "path": "/sync-jobs/:job",
    "emits": [],
}


def handler(req, context):
    job = req["pathParams"]["job"]
    context.streams.progress.set(job, "sync", {"percent": 1})
    context.state.set("jobs", job, {"seen": True})
    return {
        "status": 200,
        "body": {
            "group": context.streams.progress.get_group(job),
            "states": context.state.get_group("jobs"),
        },
    }
