import os

from stephost import ApiRequest, ApiResponse, Context

config = {"type": "api", "name": "WhereLocal", "method": "GET", "path": "/where/local"}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    return ApiResponse(status=200, body={"language": "python", "pid": os.getpid()})
