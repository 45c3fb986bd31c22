"""stephost: what a Python step imports.

A step is a file named ``*_step.py`` under ``steps/`` that defines ``config`` and
``handler``::

    from stephost import ApiRequest, ApiResponse, Context

    config = {"type": "api", "name": "Hello", "method": "GET", "path": "/hello/:name"}

    async def handler(req: ApiRequest, ctx: Context) -> ApiResponse:
        await ctx.emit("greeted", {"name": req.path_params["name"]})
        return ApiResponse(status=200, body={"hello": req.path_params["name"]})

The host runs handlers in a separate runtime process (``python -m stephost.runtime``).
"""

from stephost.context import Context, Logger, State, Streams, SyncContext, SyncState, SyncStreams
from stephost.errors import StepError
from stephost.types import (
    ApiConfig,
    ApiRequest,
    ApiResponse,
    AuthConfig,
    CronConfig,
    EmitSpec,
    EventConfig,
    NoopConfig,
    StateItem,
    StepConfig,
    StreamItem,
)

__version__ = "0.1.0"

__all__ = [
    "ApiConfig",
    "ApiRequest",
    "ApiResponse",
    "AuthConfig",
    "Context",
    "CronConfig",
    "EmitSpec",
    "EventConfig",
    "Logger",
    "NoopConfig",
    "State",
    "StateItem",
    "StepConfig",
    "StepError",
    "StreamItem",
    "Streams",
    "SyncContext",
    "SyncState",
    "SyncStreams",
    "__version__",
]
