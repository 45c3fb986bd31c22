import uuid

from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "CreateJob",
    "method": "POST",
    "path": "/jobs",
    "bodySchema": {"type": "object", "required": ["kind"]},
    "emits": ["job.created"],
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    job = {"id": uuid.uuid4().hex[:8], "kind": req.body["kind"], "via": ["python"]}
    await ctx.emit("job.created", job)
    return ApiResponse(status=202, body={"id": job["id"]})
