"""`stephost dev`: reload what changed while the host keeps serving.

A changed step file (or a helper in the same language) starts fresh runtimes of its
language, which take over from the old ones; a changed .proto file reloads the
contracts (and then every runtime, since steps may import generated classes). Once
the project uses generated types (it has a generated/ folder, or contracts),
they are regenerated after each change.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from .catalog import Catalog
from .contracts import Contracts
from .errors import ProjectError
from .runtimes.languages import language_of_source, step_files
from .settings import Settings
from .telemetry import get_logger

log = get_logger(component="dev")


class DevHost(Protocol):
    """What dev mode needs of the host."""

    project: Path
    settings: Settings
    languages: list[str]
    catalog: Catalog
    contracts: Contracts

    async def reload_runtimes(self, language: str) -> None:
        """Fresh runtimes of ``language`` take over; ProjectError when they fail to start."""
        ...

    def use_contracts(self, contracts: Contracts) -> None:
        """Serve the steps again, checked against these contracts."""
        ...


class DevMode:
    """Watches the steps and contracts folders. The snapshot taken when it is made
    lets changes made while the host was starting count too."""

    def __init__(self, host: DevHost) -> None:
        self._host = host
        self._before: dict[Path, int] | None = self._snapshot()

    @property
    def _steps_dir(self) -> Path:
        return self._host.project / "steps"

    def _watched(self) -> list[Path]:
        contracts = self._host.project / self._host.settings.contracts_dir
        return [p for p in (self._steps_dir, contracts) if p.is_dir()]

    def _snapshot(self) -> dict[Path, int]:
        return {
            path: path.stat().st_mtime_ns
            for folder in self._watched()
            for path in folder.rglob("*")
            if path.is_file() and (language_of_source(path) or path.suffix == ".proto")
        }

    async def watch(self) -> None:
        """Reload runtimes when step files change, contracts when .proto files do."""
        from watchfiles import awatch  # only `stephost dev` needs it

        host = self._host
        async for changes in awatch(
            *self._watched(), debounce=200, step=50, rust_timeout=500, yield_on_timeout=True
        ):
            paths = {Path(path) for _change, path in changes}
            if self._before is not None:
                now = self._snapshot()
                before, self._before = self._before, None
                paths |= {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
                log.info("watching for changes", folders=[str(p) for p in self._watched()])
            languages = {lang for path in paths if (lang := language_of_source(path))}
            if any(path.suffix == ".proto" for path in paths):
                if not await self._reload_contracts():
                    continue
                languages |= set(host.languages)  # steps may import the generated classes
            current = set(step_files(self._steps_dir))
            for language in sorted(languages):
                log.info("reloading runtime", runtime=language)
                try:
                    await host.reload_runtimes(language)
                except ProjectError as exc:
                    log.error(
                        "reload failed; the previous version keeps serving", error=exc.message
                    )
                    continue
                if language not in current:
                    log.info("no more step files", runtime=language)
            if paths and self._generates():
                await asyncio.to_thread(self._regenerate)

    async def _reload_contracts(self) -> bool:
        host = self._host
        try:
            contracts = await asyncio.to_thread(
                Contracts.load, host.project, host.settings.contracts_dir
            )
        except ProjectError as exc:
            log.error("contracts not reloaded; the previous ones stay", error=exc.message)
            return False
        log.info("contracts reloaded", files=contracts.own_files)
        host.contracts = contracts
        if self._generates():
            await asyncio.to_thread(self._regenerate)  # fresh classes for the reloaded steps
        host.use_contracts(contracts)
        return True

    def _generates(self) -> bool:
        """Generated types are kept fresh once the project uses them."""
        host = self._host
        return (host.project / host.settings.gen_dir).is_dir() or bool(host.contracts.own_files)

    def _regenerate(self) -> None:
        from .gen.run import generate

        host = self._host
        try:
            result = generate(
                host.catalog,
                host.contracts,
                sorted(step_files(self._steps_dir)),
                host.project / host.settings.gen_dir,
            )
        except ProjectError as exc:
            log.error("types not regenerated", error=exc.message)
            return
        except Exception:
            log.exception("types not regenerated")
            return
        for change in result.breaking:
            log.warning("breaking contract change", change=change)
        log.info("types regenerated", files=len(result.files))
