from stephost import ApiRequest, ApiResponse, Context

config = {"type": "api", "name": "KitchenSinkInfo", "method": "GET", "path": "/ks/:id/info"}


async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
    return ApiResponse(
        body={
            "pathId": req.path_params["id"],
            "query": req.query_params,
            "xTest": req.headers.get("x-test"),
            "method": req.method,
            "body": req.body,
        }
    )
