"""How the runtime reaches the host: the channel (plain, or TLS) and the retries.

Read from the environment the host (or ``stephost runtime --connect``) gives it:

    STEPHOST_HOST_ADDRESS      the gateway: ``unix:/path`` (local) or ``host:port``
    STEPHOST_TLS_CA            a PEM file of the certificates to trust: dial over TLS
    STEPHOST_TLS               ``1``: TLS, trusting the system's certificates
    STEPHOST_TLS_SERVER_NAME   the name the host's certificate must carry (default:
                               the address's host)
    STEPHOST_CONNECT_TIMEOUT_S how long to keep dialing a host that does not answer
                               (default: until the process that started us is gone)

A host that is not up yet (or restarting) is dialed again with backoff, one line on
stderr for each failure; a host that answers and refuses the runtime is not.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc

# Seconds between tries; the last one repeats.
BACKOFF_S = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True, slots=True)
class Dial:
    address: str
    tls: bool = False
    tls_ca: bytes | None = None  # the certificates to trust; None: the system's
    server_name: str = ""
    timeout_s: float = 0.0  # 0: no limit

    @classmethod
    def from_env(cls, address: str) -> Dial:
        """The dial settings in the environment; ValueError says which one is wrong."""
        ca_file = os.environ.get("STEPHOST_TLS_CA", "")
        ca = None
        if ca_file:
            try:
                ca = Path(ca_file).read_bytes()
            except OSError as exc:
                raise ValueError(f"cannot read STEPHOST_TLS_CA {ca_file}: {exc.strerror}") from None
        raw_timeout = os.environ.get("STEPHOST_CONNECT_TIMEOUT_S", "") or "0"
        try:
            timeout_s = float(raw_timeout)
        except ValueError:
            raise ValueError(
                f"STEPHOST_CONNECT_TIMEOUT_S must be a number of seconds, got {raw_timeout!r}"
            ) from None
        return cls(
            address=address,
            tls=bool(ca) or os.environ.get("STEPHOST_TLS", "") in ("1", "true"),
            tls_ca=ca,
            server_name=os.environ.get("STEPHOST_TLS_SERVER_NAME", ""),
            timeout_s=timeout_s,
        )

    def channel(self, options: Sequence[tuple[str, int | str]]) -> grpc.aio.Channel:
        if not self.tls:
            return grpc.aio.insecure_channel(self.address, options=options)
        if self.server_name:
            options = [*options, ("grpc.ssl_target_name_override", self.server_name)]
        credentials = grpc.ssl_channel_credentials(root_certificates=self.tls_ca)
        return grpc.aio.secure_channel(self.address, credentials, options=options)


class Retry:
    """When to dial again: the next wait, or None once giving up (the time limit passed,
    or the process that started the runtime is gone, so nobody waits for it)."""

    def __init__(self, timeout_s: float) -> None:
        self._deadline = time.monotonic() + timeout_s if timeout_s > 0 else None
        self._parent = os.getppid()
        self._tries = 0

    def next_wait(self) -> float | None:
        if self._deadline is not None and time.monotonic() >= self._deadline:
            return None
        if os.getppid() != self._parent:
            return None
        wait = BACKOFF_S[min(self._tries, len(BACKOFF_S) - 1)]
        self._tries += 1
        return wait
