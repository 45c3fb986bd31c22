"""The Workbench in a real browser: Debian's chromium, headless, driven by Playwright.

One host of examples/shop (a copy, so the tests may write its layout file) and one
browser serve every test of a module; each test gets a fresh page. With
STEPHOST_SCREENSHOTS=DIR (``make screenshots``), the tests also save pictures of the
panels they visit into DIR.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from stephost_host.testing import StephostApp

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "examples" / "shop"
DIST = ROOT / "host" / "workbench" / "dist" / "index.html"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StephostApp]:
    """A running host of a copy of examples/shop."""
    project = tmp_path_factory.mktemp("workbench") / "shop"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".stephost"))
    with StephostApp(project) as app:
        yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(
            "chromium is not installed: `make install` installs it (apt-get install chromium)"
        )
    if not DIST.is_file():
        pytest.fail("the Workbench is not built: run `make workbench`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"the page raised: {errors}"


@pytest.fixture
def ui(shop: StephostApp) -> Callable[[str], str]:
    return lambda path="/": f"{shop.admin_url}/_stephost/ui{path}"


@pytest.fixture
def snap() -> Callable[[Any, str], None]:
    """snap(page, name): a screenshot of the page, when STEPHOST_SCREENSHOTS is set."""
    folder = os.environ.get("STEPHOST_SCREENSHOTS", "")

    def take(page: Any, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"))

    return take
