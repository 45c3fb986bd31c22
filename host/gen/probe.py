"""Step configs for `stephost gen`, read by starting the project's runtimes briefly.

Configs are code (a TypeScript file's ``config`` is only known to Node), so gen asks
each runtime the same way the host does (``host.lifecycle.Runtimes``), without
touching the data folder: it may run while `stephost dev` serves the same project.
"""

from __future__ import annotations

from pathlib import Path

from ..bridge.calls import HostServices
from ..catalog import Catalog
from ..contracts import Contracts
from ..lifecycle import Runtimes
from ..runtimes.languages import step_files
from ..settings import Settings


class _NoCalls(HostServices):
    """Nothing is invoked while probing, so every call is refused."""


async def probe_catalog(
    project: Path, settings: Settings, contracts: Contracts, gen_dir: Path | None = None
) -> Catalog:
    """The catalog of ``project``; its runtimes see generated code in ``gen_dir``."""
    runtimes = Runtimes(
        project,
        settings,
        processes={},
        drain_grace_s=1.0,
        env={"STEPHOST_GEN_DIR": str(gen_dir or settings.gen_dir)},
    )
    try:
        launched = await runtimes.start(sorted(step_files(project)), _NoCalls())
        await runtimes.until_ready(launched)
    finally:
        await runtimes.stop(grace_s=0)
    return Catalog.of_runtimes(runtimes.infos(), contracts)
