"""The Workbench: a browser view of a running host, at ``/_stephost/ui/``.

- ``ui/``: the front end (React, TypeScript, Vite; its own package.json), built into
  ``dist/`` by ``make workbench``;
- ``assets``: serves the built files;
- ``api``: the admin JSON endpoints the Workbench adds; ``live``: its WebSocket feeds;
- ``models`` and ``openapi``: the admin API's description, from which the front end's
  types are generated;
- ``layout``: the dragged node positions, saved in the project.

It reads only the admin JSON API, so everything it shows a script can read too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from .api import WorkbenchHost


def mount(app: FastAPI, host: WorkbenchHost) -> None:
    """Add the Workbench's endpoints, feeds and files to the admin app."""
    from .api import build_router
    from .assets import build_assets_router
    from .live import build_live_router
    from .openapi import admin_openapi

    app.include_router(build_router(host))
    app.include_router(build_live_router(host))
    app.include_router(build_assets_router())
    document: dict[str, Any] = {}

    @app.get("/_stephost/openapi.json", include_in_schema=False)
    async def openapi() -> dict[str, Any]:
        """The admin API's own OpenAPI description."""
        if not document:
            document.update(admin_openapi())
        return document
