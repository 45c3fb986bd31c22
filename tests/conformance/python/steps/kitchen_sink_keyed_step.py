from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "KitchenSinkKeyed",
    "method": "GET",
    "path": "/ks-keyed",
    "auth": {"type": "apiKey", "in": "header", "name": "x-api-key"},
}


def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    ctx.logger.info("keyed handler ran")
    return ApiResponse(body={"language": "python", "auth": ctx.auth})
