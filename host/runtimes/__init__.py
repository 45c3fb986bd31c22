"""Runtime processes: the gRPC gateway they dial, the pool that routes invocations
to them, and the supervisor that launches and restarts them. Nothing here knows
about HTTP."""
