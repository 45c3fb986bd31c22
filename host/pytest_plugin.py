"""The pytest plugin (loaded automatically once stephost is installed).

    def test_order_flow(stephost_app):
        response = stephost_app.post("/orders", json={"item": "book", "quantity": 1})
        stephost_app.wait_idle()
        assert stephost_app.state.get("orders", response.json()["id"])["status"] == "scored"

``stephost_app`` starts the host of the project the test file lives in (the nearest
folder above it with a ``steps/`` folder, or a Motia project with ``src/``, or the
``stephost_project`` ini option), with every runtime the project needs, on a free port
and a fresh data folder. Its
verbs are those of ``host.testing.StephostApp``. The ``stephost_scope`` ini option
(function by default) shares one host across a module or the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .motia import is_motia_project
from .testing import StephostApp


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("stephost_project", "the project folder for stephost_app", default="")
    parser.addini(
        "stephost_scope", "scope of stephost_app: function, module or session", default="function"
    )


def _scope(fixture_name: str, config: pytest.Config) -> Any:
    return str(config.getini("stephost_scope") or "function")


def find_project(start: Path, configured: str, rootdir: Path) -> Path:
    if configured:
        return (rootdir / configured).resolve()
    for folder in [start, *start.parents]:
        if (folder / "steps").is_dir():
            return folder
        if (folder / "src").is_dir() and is_motia_project(folder):
            return folder
    raise pytest.UsageError(
        f"stephost_app: no folder with steps/ (or a Motia project) above {start}; set "
        "stephost_project in the pytest configuration"
    )


@pytest.fixture(scope=_scope)
def stephost_app(request: pytest.FixtureRequest) -> Iterator[StephostApp]:
    """A running host of the project under test; stopped (and its data dropped) after."""
    project = find_project(
        Path(str(request.path)).parent,
        str(request.config.getini("stephost_project")),
        Path(str(request.config.rootpath)),
    )
    with StephostApp(project) as app:
        yield app
