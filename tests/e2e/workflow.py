"""Runs a GitHub Actions workflow's steps by hand, on this machine, as CI would.

Every ``run:`` step runs for real (bash -e, in the project, with the given environment).
What only a hosted runner does is checked instead of done:

- ``actions/checkout``: the project is the working folder already;
- ``actions/setup-python`` / ``actions/setup-node``: the Python and Node on PATH must be
  the versions the workflow asks for;
- a step that installs Debian packages with apt-get (this machine's system is not ours
  to change): those packages must be installed (``dpkg -s``).

A step's ``if: hashFiles('glob') != ''`` (or ``== ''``) is evaluated against the project.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_HASH_FILES = re.compile(r"^hashFiles\('([^']+)'\)\s*(!=|==)\s*''$")


@dataclass
class StepResult:
    name: str
    how: str  # "ran", "checked" or "skipped"
    output: str = ""


class WorkflowFailed(AssertionError):
    pass


def _applies(step: dict[str, Any], project: Path) -> bool:
    condition = step.get("if")
    if condition is None:
        return True
    match = _HASH_FILES.match(str(condition).strip())
    if match is None:
        raise WorkflowFailed(f"cannot evaluate the condition {condition!r}")
    found = any(project.glob(match.group(1)))
    return found if match.group(2) == "!=" else not found


def _check_setup(step: dict[str, Any], env: dict[str, str], project: Path) -> str:
    uses = step["uses"].split("@")[0]
    wanted = str((step.get("with") or {}).get(f"{uses.split('-')[-1]}-version", ""))
    if uses == "actions/checkout":
        return "the project is the working folder"
    if uses == "actions/setup-python":
        command = ["python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    elif uses == "actions/setup-node":
        command = ["node", "-p", "process.versions.node.split('.')[0]"]
    else:
        raise WorkflowFailed(f"no stand-in for the action {uses}")
    found = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    if found != wanted:
        raise WorkflowFailed(f"{uses} wants {wanted}, this machine has {found}")
    return f"{uses}: {found}"


def _check_apt(command: str, env: dict[str, str]) -> str:
    install = command.split("apt-get install", 1)[1]
    packages = [word for word in shlex.split(install) if not word.startswith("-")]
    status = subprocess.run(
        ["dpkg", "-s", *packages], env=env, capture_output=True, text=True, check=False
    )
    if status.returncode != 0:
        raise WorkflowFailed(f"the step installs {packages}; not all are installed here")
    return f"installed: {', '.join(packages)}"


def run_workflow(path: Path, project: Path, env: dict[str, str]) -> list[StepResult]:
    """Every step of every job of the workflow at ``path``; raises at the first failure."""
    workflow = yaml.safe_load(path.read_text())
    results: list[StepResult] = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            name = step.get("name") or step.get("uses") or step.get("run", "")
            if not _applies(step, project):
                results.append(StepResult(name, "skipped"))
            elif "uses" in step:
                results.append(StepResult(name, "checked", _check_setup(step, env, project)))
            elif "apt-get install" in step["run"]:
                results.append(StepResult(name, "checked", _check_apt(step["run"], env)))
            else:
                done = subprocess.run(
                    ["bash", "-e", "-c", step["run"]],
                    cwd=project,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=600,
                    check=False,
                )
                output = done.stdout + done.stderr
                if done.returncode != 0:
                    raise WorkflowFailed(f"step {name!r} failed ({done.returncode}):\n{output}")
                results.append(StepResult(name, "ran", output))
    return results
