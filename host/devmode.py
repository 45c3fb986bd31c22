"""`stephost dev`: reload what changed while the host keeps serving.

The whole project is watched (``host.watching`` says which files count). A changed
source of a language (a step, or a helper anywhere in the project) starts fresh
runtimes of that language, which take over from the old ones once the host accepts
them; a changed .proto file of contracts/ reloads the contracts (and then every
runtime, since steps may import generated classes). Once the project uses generated
types (it has a generated/ folder, contracts, or a Motia project's types.d.ts), they
are regenerated after each change.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from . import motia
from .catalog import Catalog
from .contracts import Contracts
from .errors import ProjectError
from .runtimes.languages import language_of_source, step_files
from .settings import CONFIG_FILE, Settings
from .telemetry import get_logger
from .watching import ProjectFiles

log = get_logger(component="dev")


class DevHost(Protocol):
    """What dev mode needs of the host."""

    project: Path
    settings: Settings
    languages: list[str]
    catalog: Catalog
    contracts: Contracts

    async def reload_runtimes(self, language: str) -> None:
        """Fresh runtimes of ``language`` take over, unless they fail to start or the host
        refuses them (ProjectError): then the old ones keep serving."""
        ...

    def use_contracts(self, contracts: Contracts) -> None:
        """Serve the steps again, checked against these contracts."""
        ...


class DevMode:
    """Watches the project. The snapshot taken when it is made lets changes made while
    the host was starting count too."""

    def __init__(self, host: DevHost) -> None:
        self._host = host
        self._files = ProjectFiles(host.project, host.settings)
        self._before: dict[Path, int] | None = self._files.snapshot()

    async def watch(self) -> None:
        """Reload runtimes when the sources of a language change, contracts when .proto
        files do."""
        from watchfiles import awatch  # only `stephost dev` needs it

        host = self._host
        files = self._files
        async for changes in awatch(
            host.project,
            watch_filter=lambda _change, path: files.watched(Path(path)),
            debounce=200,
            step=50,
            rust_timeout=500,
            yield_on_timeout=True,
        ):
            paths = {Path(path) for _change, path in changes}
            if self._before is not None:
                now = files.snapshot()
                before, self._before = self._before, None
                paths |= {p for p in before.keys() | now.keys() if before.get(p) != now.get(p)}
                log.info("watching for changes", project=str(host.project))
            if any(files.is_settings(path) for path in paths):
                log.warning(f"{CONFIG_FILE} changed; restart stephost dev to apply it")
            current = set(step_files(host.project))
            languages = {lang for path in paths if (lang := language_of_source(path))}
            # A helper of a language without steps (now or before) reloads nothing.
            languages &= current | set(host.languages)
            if any(files.is_contract(path) for path in paths):
                if not await self._reload_contracts():
                    continue
                languages |= set(host.languages)  # steps may import the generated classes
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
        """Generated types are kept fresh once the project uses them (a Motia project's
        types.d.ts included)."""
        host = self._host
        return (
            (host.project / host.settings.gen_dir).is_dir()
            or bool(host.contracts.own_files)
            or (host.project / motia.TYPES_FILE).is_file()
        )

    def _regenerate(self) -> None:
        """Fresh generated types (and a Motia project's types.d.ts). While some step files do
        not load, the step types stay as they are (a catalog with steps missing would write
        fewer of them than the last generation has); the message classes of contracts/ are
        written all the same."""
        from .gen.motia import sync_types, wants_types
        from .gen.run import gen_languages, generate

        host = self._host
        partial = bool(host.catalog.problems)
        if partial:
            log.warning(
                "step types not regenerated while step files do not load; generated/ (and a "
                "Motia project's types.d.ts) keep the last ones",
                files=sorted({problem.file for problem in host.catalog.problems}),
            )
        stepped = sorted(step_files(host.project))
        types_file = host.project / motia.TYPES_FILE
        motia_types = types_file.is_file() and wants_types(host.project, stepped)
        if motia_types and not partial:
            sync_types(host.project, host.catalog, check=False)
        if not (host.project / host.settings.gen_dir).is_dir() and not host.contracts.own_files:
            return
        try:
            result = generate(
                host.catalog,
                host.contracts,
                gen_languages(host.project, stepped, host.contracts),
                host.project / host.settings.gen_dir,
                keep_baseline=True,
                keep_step_types=partial,
            )
        except ProjectError as exc:
            log.error("types not regenerated", error=exc.message)
            return
        except Exception:
            log.exception("types not regenerated")
            return
        for change in result.breaking:
            log.warning(
                "breaking contract change; `stephost gen` reports it against the baseline "
                "(generated/contracts.json), which dev leaves as it is",
                change=change,
            )
        log.info("types regenerated", files=len(result.files))
