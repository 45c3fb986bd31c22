"""Serves the Workbench's built front end at ``/_stephost/ui/``.

``make workbench`` (run by ``make install``) builds ``ui/`` into ``dist/`` beside this
module; a wheel built afterwards carries it, so a pip user needs no Node. Paths that
are not files get ``index.html`` (the front end routes them). Built assets have
content hashes in their names, so they are cached for good; ``index.html`` never is.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..http.app import ADMIN_PREFIX

DIST = Path(__file__).resolve().parent / "dist"
UI_PREFIX = f"{ADMIN_PREFIX}/ui"

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>stephost Workbench</title>
<body style="font-family: system-ui; max-width: 40em; margin: 4em auto">
<h1>The Workbench is not built</h1>
<p>This stephost was installed from source without its front end. Build it with
<code>make workbench</code> (needs Node 20 and npm) in the stephost checkout, or install
stephost from a wheel, which carries it.</p>
<p>The host's JSON API is at <a href="../health">/_stephost/health</a>.</p>
</body>"""


def build_assets_router(dist: Path = DIST) -> APIRouter:
    router = APIRouter()
    root = dist.resolve()

    @router.get(UI_PREFIX, include_in_schema=False)
    async def ui_root() -> Response:
        return RedirectResponse(f"{UI_PREFIX}/", status_code=308)

    @router.get(UI_PREFIX + "/{path:path}", include_in_schema=False)
    async def ui(path: str) -> Response:
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        target = (root / path).resolve()
        if path and target.is_file() and target.is_relative_to(root):
            media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            cache = (
                "public, max-age=31536000, immutable" if "assets" in target.parts else "no-cache"
            )
            return Response(
                target.read_bytes(), media_type=media_type, headers={"cache-control": cache}
            )
        return HTMLResponse(index.read_text(), headers={"cache-control": "no-cache"})

    return router
