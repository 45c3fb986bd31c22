from stephost import ApiRequest, ApiResponse, Context

config = {
    "type": "api",
    "name": "KitchenSinkSigned",
    "method": "GET",
    "path": "/ks-signed",
    "auth": {
        "type": "jwt",
        "algorithms": ["HS256"],
        "secretEnv": "KS_JWT_SECRET",
        "audience": "ks",
        "issuer": "ks-test",
    },
}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    return ApiResponse(body={"language": "python", "auth": ctx.auth})
