"""The pytest plugin (loaded automatically once stephost is installed).

    def test_order_flow(stephost_app):
        response = stephost_app.post("/orders", json={"item": "book", "quantity": 1})
        stephost_app.wait_idle()
        assert stephost_app.state.get("orders", response.json()["id"])["status"] == "scored"

``stephost_app`` starts the host of the project the test file lives in (the nearest
folder above it with a ``steps/`` folder, or a Motia project with ``src/``, or the
``stephost_project`` ini option), with every runtime the project needs, on a free port
and a fresh data folder. Its verbs are those of ``stephost_host.testing.StephostApp``.
The ``stephost_scope`` ini option (function by default) shares one host across a module
or the session.

A step file that cannot be loaded fails the test at once, with the file, the error and
its stack (rather than a 404 later). A test about broken files says
``@pytest.mark.stephost_allow_load_problems`` and reads ``stephost_app.problems()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .motia import is_motia_project
from .testing import HarnessError, StephostApp, describe_problems


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("stephost_project", "the project folder for stephost_app", default="")
    parser.addini(
        "stephost_scope", "scope of stephost_app: function, module or session", default="function"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "stephost_allow_load_problems: stephost_app serves even when step files fail to load",
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
    allow = request.node.get_closest_marker("stephost_allow_load_problems") is not None
    app = StephostApp(project)
    try:
        app.start()
    except HarnessError as exc:
        app.close()
        pytest.fail(f"stephost_app: {exc}", pytrace=False)
    try:
        problems = app.problems()
        if problems and not allow:
            pytest.fail(f"stephost_app: {describe_problems(problems)}", pytrace=False)
        yield app
    finally:
        app.close()
