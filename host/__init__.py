"""The stephost host: HTTP routing, the durable event bus, cron, state and telemetry.

Handlers run in runtime processes (one per language) that dial the host's gRPC
gateway; see DESIGN.md for the architecture.
"""

import os

# The host forks runtime processes while gRPC threads run; gRPC's fork handlers
# only warn about that, and children exec at once, so they are not needed.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

__version__ = "0.1.0"
