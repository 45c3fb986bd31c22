"""A small client of the host's JSON API, for the CLI (and tests)."""

from __future__ import annotations

from typing import Any

import httpx


class ClientError(Exception):
    """The host answered with an error, or could not be reached; the message says which."""


class HostClient:
    def __init__(self, url: str, timeout_s: float = 10.0, token: str = "") -> None:
        """``url``: the host's admin listener; ``token``: a bearer token (needed when the
        admin listener is off loopback)."""
        self.url = url.rstrip("/")
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.url, timeout=timeout_s, headers=headers)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, f"/_stephost{path}", **kwargs)
        except httpx.ConnectError:
            raise ClientError(
                f"no stephost host answers at {self.url}; start one with `stephost dev` "
                "(or pass --url)"
            ) from None
        except httpx.HTTPError as exc:
            raise ClientError(f"{method} {self.url}{path} failed: {exc}") from None
        if response.status_code == 204:
            return None
        try:
            body = response.json()
        except ValueError:
            raise ClientError(f"{self.url} answered {response.status_code} without JSON") from None
        if response.status_code >= 400:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise ClientError(
                f"{error.get('code', response.status_code)}: {error.get('message', body)}"
            )
        return body

    def close(self) -> None:
        self._http.close()
