"""Taking the HTTP ports: first, so that a port in use fails before anything starts."""

from __future__ import annotations

import errno
import socket

from ..errors import PortInUseError, ProjectError


def bind_http(host: str, port: int, flag: str = "--port") -> socket.socket:
    """Bind an HTTP port now, so that a port in use fails before anything starts;
    ``flag``: the option that chooses another (named in the error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is already in use; stop what holds it or pass {flag}"
            ) from None
        raise ProjectError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    sock.setblocking(False)
    return sock
