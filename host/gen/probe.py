"""Step configs for `stephost gen`, read by starting the project's runtimes briefly.

Configs are code (a TypeScript file's ``config`` is only known to Node), so gen asks
each runtime the same way the host does, without touching the data folder: it may
run while `stephost dev` serves the same project.
"""

from __future__ import annotations

from pathlib import Path

from stephost.v1 import calls_pb2, runtime_pb2

from ..catalog import Catalog
from ..contract import catalog_from_hellos
from ..contracts import Contracts
from ..runtimes.connection import RuntimeConnection
from ..runtimes.gateway import Gateway
from ..runtimes.languages import step_files
from ..runtimes.pool import RuntimePool
from ..runtimes.supervisor import RuntimeSupervisor
from ..settings import Settings


class _NoCalls:
    def handle(self, conn: RuntimeConnection, call: calls_pb2.HostCall) -> None:
        """Nothing is invoked while probing, so no handler can call back."""


async def probe_catalog(
    project: Path, settings: Settings, contracts: Contracts, gen_dir: Path | None = None
) -> Catalog:
    """The catalog of ``project``; its runtimes see generated code in ``gen_dir``."""
    languages = sorted(step_files(project))
    pool = RuntimePool()
    gateway = Gateway(pool, _NoCalls())
    hellos: dict[str, runtime_pb2.Hello] = {}

    def remember(conn: RuntimeConnection, attached: bool) -> None:
        if attached:
            hellos[conn.language] = conn.hello

    pool.add_listener(remember)
    address = await gateway.start()
    supervisor = RuntimeSupervisor(
        project,
        pool,
        address,
        processes={},
        start_timeout_s=settings.runtime_start_timeout_s,
        drain_grace_s=1.0,
        env={"STEPHOST_GEN_DIR": str(gen_dir or settings.gen_dir)},
    )
    try:
        await supervisor.until_ready(await supervisor.launch(languages))
    finally:
        await supervisor.stop()
        await gateway.stop(0)
    return catalog_from_hellos([hellos[lang] for lang in sorted(hellos)], contracts)
