"""Imported by every Python process of the Motia template tests (PYTHONPATH): httpx calls
to the tutorial's pet store (PETSTORE_HOST) go to the local stand-in at PETSTORE_URL
instead. See ../../petstore.py."""

from __future__ import annotations

import os

_TARGET = os.environ.get("PETSTORE_URL")
_HOST = os.environ.get("PETSTORE_HOST")

if _TARGET and _HOST:
    import httpx

    _original = httpx.AsyncHTTPTransport.handle_async_request

    async def _redirected(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        if request.url.host == _HOST:
            target = httpx.URL(_TARGET)
            request.url = request.url.copy_with(
                scheme=target.scheme, host=target.host, port=target.port
            )
        return await _original(self, request)

    httpx.AsyncHTTPTransport.handle_async_request = _redirected  # type: ignore[method-assign]
