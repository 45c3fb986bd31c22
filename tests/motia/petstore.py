"""A stand-in for the pet store the tutorial templates call over the internet.

Motia's `nodejs` and `python` templates create pets and orders at
``https://xnigaj-xtnawg.motiahub.com`` (Node with ``fetch``, Python with httpx). The
tests reach no such host, so ``PetStore`` serves those two calls over real HTTP on
loopback, and ``redirect_env`` points the runtimes' HTTP clients at it: Node preloads
``fakes/petstore_redirect.mjs`` (``NODE_OPTIONS=--import``), Python imports
``fakes/python/sitecustomize.py`` (``PYTHONPATH``). The step files stay as Motia wrote
them.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PETSTORE_HOST = "xnigaj-xtnawg.motiahub.com"
FAKES = Path(__file__).parent / "fakes"


class PetStore:
    """What the templates were sent, and what they got back."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def answer(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.requests.append((path, body))
            n = next(self._ids)
        if path == "/pet":
            photos = body.get("photoUrls") or [""]
            return {
                "id": f"pet-{n}",
                "name": body.get("name"),
                "photoUrl": photos[0],
                "photoUrls": photos,
                "status": body.get("status"),
            }
        if path == "/store/order":
            return {
                "id": f"order-{n}",
                "petId": body.get("petId"),
                "quantity": body.get("quantity"),
                "shipDate": body.get("shipDate"),
                "status": body.get("status"),
                "complete": False,
            }
        raise KeyError(path)


@contextmanager
def serve_petstore() -> Iterator[tuple[PetStore, str]]:
    """A running pet store and its base URL."""
    store = PetStore()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            try:
                status, payload = 200, store.answer(self.path, body)
            except KeyError:
                status, payload = 404, {"error": f"no route {self.path}"}
            content = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on ``PetStore.requests``."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield store, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def redirect_env(url: str) -> dict[str, str]:
    """Environment that sends the runtimes' calls to the pet store to ``url``."""
    python_path = os.pathsep.join(
        p for p in (str(FAKES / "python"), os.environ.get("PYTHONPATH", "")) if p
    )
    node_options = " ".join(
        p
        for p in (f"--import={FAKES / 'petstore_redirect.mjs'}", os.environ.get("NODE_OPTIONS"))
        if p
    )
    return {
        "PETSTORE_URL": url,
        "PETSTORE_HOST": PETSTORE_HOST,
        "PYTHONPATH": python_path,
        "NODE_OPTIONS": node_options,
    }
