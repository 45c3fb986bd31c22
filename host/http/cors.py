"""Cross-origin access to the api steps, through Starlette's CORSMiddleware.

Off unless the project lists origins (``[cors]`` in stephost.toml). It wraps the api
steps only: the admin API and the Workbench (``/_stephost/``) never answer other
origins. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
answered by the middleware, before any step's route or auth.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.middleware.cors import CORSMiddleware

from ..settings import CorsSettings

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def with_cors(app: ASGIApp, cors: CorsSettings | None) -> ASGIApp:
    """``app`` behind CORS as ``cors`` says; ``app`` itself when CORS is off."""
    if cors is None or not cors.allow_origins:
        return app
    middleware = CORSMiddleware(
        app,
        allow_origins=cors.allow_origins,
        allow_methods=cors.allow_methods,
        allow_headers=cors.allow_headers,
        allow_credentials=cors.allow_credentials,
        expose_headers=cors.expose_headers,
        max_age=cors.max_age,
    )
    return middleware
