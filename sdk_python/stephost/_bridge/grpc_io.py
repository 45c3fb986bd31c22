"""Which of gRPC's two I/O layers the host and the Python runtime use.

gRPC reads ``GRPC_EXPERIMENTS`` once, when it is imported. Its EventEngine (the default
since 1.6x) hands each read and write to a pool of threads; the older I/O layer
(iomgr) polls on gRPC's own thread. Over the Unix socket between the host and a
runtime, a round trip of a small frame measured 0.11-0.17 ms with iomgr against
0.20-0.22 ms with the EventEngine (0.49 against 0.65 ms after 10 ms idle; grpcio
1.85, two Python processes, uvloop), and an api hop's p50 0.65 against 0.80 ms.

The variable is set only while grpc is imported, so the processes a runtime or the
host starts (a Ruby runtime, whose older gRPC would log "Unknown experiment") never
see it; one set by the user is left alone.
"""

from __future__ import annotations

import os
import sys

EXPERIMENTS_ENV = "GRPC_EXPERIMENTS"
OLDER_IO = "-event_engine_client,-event_engine_listener"


def import_grpc() -> None:
    """Import grpc with the older I/O layer, unless it is imported already or the user
    chose gRPC's experiments."""
    if "grpc" in sys.modules or EXPERIMENTS_ENV in os.environ:
        return
    os.environ[EXPERIMENTS_ENV] = OLDER_IO
    try:
        import grpc  # noqa: F401
    finally:
        del os.environ[EXPERIMENTS_ENV]
