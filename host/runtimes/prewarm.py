"""Runtime processes started before the host has loaded itself.

A cold start used to run the host's imports (about 0.35 s of CPU) and only then a
runtime's start (importing its SDK, loading the steps: about 0.13 s for Python).
`stephost start` now starts one runtime of each of the project's languages as soon as
the settings are read (not `dev`: its watcher must note the files before a runtime
loads them, or a change made meanwhile would go unseen): each loads its steps
meanwhile, then reads one JSON line on its stdin, ``{"address", "id", "key"}``,
which a runtime started later finds in its environment instead (``PARAMS_ENV``).

The supervisor takes such a process for the first launch of a language's shared
group, when it would start the same command with the same environment; the
others are stopped (``discard``). Restarts, reloads and isolated groups start
their processes as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

import orjson

from ..children import stop_group
from ..errors import ProjectError
from ..settings import Settings
from .languages import LANGUAGES, step_files

PARAMS_ENV = "STEPHOST_RUNTIME_PARAMS"  # "stdin": the runtime waits there for its params
# Where a runtime started with its params finds each in its environment.
PARAM_ENVS = {
    "address": "STEPHOST_HOST_ADDRESS",
    "id": "STEPHOST_RUNTIME_ID",
    "key": "STEPHOST_RUNTIME_KEY",  # the runtime takes it out of its environment at once
}
STOP_GRACE_S = 2.0


def runtime_env(settings: Settings) -> dict[str, str]:
    """What the host adds to the environment of each runtime it starts."""
    return {
        "STEPHOST_GEN_DIR": settings.gen_dir,
        # Runtimes check what they send against it, before sending.
        "STEPHOST_MAX_MESSAGE_BYTES": str(settings.max_message_bytes),
    }


def launch_env(project: Path, env: dict[str, str]) -> dict[str, str]:
    """A runtime's environment, but for where to connect and its key."""
    return {
        **os.environ,
        "STEPHOST_PROJECT_DIR": str(project),
        "PYTHONUNBUFFERED": "1",
        **env,
    }


async def spawn(
    command: list[str], project: Path, env: dict[str, str], params: dict[str, str] | None
) -> asyncio.subprocess.Process:
    """A runtime process of ``command`` in ``env`` (``launch_env``), in a session of its
    own, its output piped: given ``params`` in its environment, or (None) waiting for
    them on its stdin."""
    if params is None:
        env, stdin = {**env, PARAMS_ENV: "stdin"}, asyncio.subprocess.PIPE
    else:
        env = {**env, **{PARAM_ENVS[name]: value for name, value in params.items()}}
        stdin = asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        *command,
        cwd=project,
        env=env,
        stdin=stdin,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )


class Prewarmed:
    """The runtime processes started early, waiting to be taken, by language, with the
    command each was started as; all in the same environment."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self._env = env or {}
        self._waiting: dict[str, tuple[asyncio.subprocess.Process, list[str]]] = {}

    @classmethod
    async def start(cls, project: Path, settings: Settings) -> Prewarmed:
        """Starts one runtime of each language the project has steps in."""
        env = launch_env(project, runtime_env(settings))
        prewarmed = cls(env)
        for language in sorted(step_files(project)):
            with contextlib.suppress(OSError, ProjectError):  # the supervisor says what is wrong
                command = LANGUAGES[language].command()
                prewarmed._waiting[language] = (await spawn(command, project, env, None), command)
        return prewarmed

    async def take(
        self, language: str, command: list[str], env: dict[str, str], params: dict[str, str]
    ) -> asyncio.subprocess.Process | None:
        """The waiting runtime of ``language``, given ``params``, if it was started as
        ``command`` in ``env`` and still runs; else None (and it is stopped)."""
        found = self._waiting.pop(language, None)
        if found is None:
            return None
        process, started_as = found
        if (command, env) == (started_as, self._env) and process.returncode is None:
            assert process.stdin is not None
            try:
                process.stdin.write(orjson.dumps(params) + b"\n")
                await process.stdin.drain()
                process.stdin.close()
                return process
            except (BrokenPipeError, ConnectionResetError):
                pass
        await _stop(process)
        return None

    async def discard(self) -> None:
        """Stops the runtimes nobody took."""
        waiting, self._waiting = self._waiting, {}
        for process, _command in waiting.values():
            await _stop(process)


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Its stdin closed (a waiting runtime exits then), and its group stopped."""
    if process.stdin is not None:
        process.stdin.close()
    await stop_group(process, STOP_GRACE_S)
