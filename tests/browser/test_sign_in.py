"""Signing in to the Workbench of a host that needs admin tokens (``admin_auth =
"token"``), in headless chromium: tokens made with the CLI, typed into the page, sent
as a bearer header on every call and as a subprotocol on every live feed; the page
offers what the token's role allows. Nothing is mocked.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from stephost_host.testing import StephostApp
from tests.browser.conftest import SHOP
from tests.conftest import run_cli

pytestmark = pytest.mark.browser

VIEWER_TIP = "needs the operator role (you are signed in as a viewer)"
ORDERS = re.compile(r"^orders$")


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def make_token(project: Path, data_dir: Path, role: str, name: str) -> str:
    """A token made the way a user makes one: `stephost token create` prints it once."""
    env = {"STEPHOST_DATA_DIR": str(data_dir)}
    done = run_cli("token", "create", "--role", role, "--name", name, cwd=project, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def locked(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StephostApp, dict[str, str]]]:
    """A host of a copy of examples/shop that needs a token on its admin listener even on
    loopback, and a token of each role."""
    root = tmp_path_factory.mktemp("locked")
    project, data_dir = root / "shop", root / "data"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".stephost"))
    data_dir.mkdir()
    tokens = {
        role: make_token(project, data_dir, role, f"browser {role}")
        for role in ("viewer", "operator", "admin")
    }
    env = {"STEPHOST_ADMIN_AUTH": "token"}
    with StephostApp(project, data_dir=data_dir, env=env, token=tokens["admin"]) as app:
        yield app, tokens


@pytest.fixture
def shop(locked: tuple[StephostApp, dict[str, str]]) -> StephostApp:
    return locked[0]


@pytest.fixture
def tokens(locked: tuple[StephostApp, dict[str, str]]) -> dict[str, str]:
    return locked[1]


@pytest.fixture
def ui(shop: StephostApp) -> Callable[[str], str]:
    return lambda path="/": f"{shop.admin_url}/_stephost/ui{path}"


def sign_in(page: Any, token: str) -> None:
    page.locator("[data-testid=sign-in-token]").fill(token)
    page.locator("[data-testid=sign-in-submit]").click()


def test_the_sign_in_screen_says_how_to_make_a_token_and_shows_the_hosts_refusal(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    page.goto(ui("/"))
    screen = page.locator("[data-testid=sign-in]")
    expect(screen).to_contain_text("stephost token create --role viewer")
    expect(page.locator("[data-testid=nav-flows]")).to_have_count(0)
    sign_in(page, "sht_not-a-token")
    error = page.locator("[data-testid=sign-in-error]")
    expect(error).to_contain_text("the admin API does not know this token (mistyped, or revoked)")
    expect(page.locator("[data-testid=nav-flows]")).to_have_count(0)
    assert page.evaluate("sessionStorage.length") == 0  # a refused token is not kept
    snap(page, "sign-in")


def test_a_viewer_sees_the_panels_and_live_updates_but_not_the_operators_controls(
    shop: StephostApp, tokens: dict[str, str], page: Any, ui: Callable[[str], str]
) -> None:
    sockets: list[Any] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.goto(ui("/"))
    sign_in(page, tokens["viewer"])
    expect(page.locator("[data-testid=session-role]")).to_have_text("viewer")
    nodes = page.locator("[data-testid=step-node]")
    expect(nodes).to_have_count(8)
    # The token is kept for this tab only (sessionStorage), and survives a reload.
    assert page.evaluate("Object.values(sessionStorage)") == [tokens["viewer"]]
    assert page.evaluate("localStorage.length") == 0
    page.reload()
    expect(page.locator("[data-testid=session-role]")).to_have_text("viewer")

    # Live counters arrive over the socket that carries the token (the host refuses one
    # without it: tests/integration/test_admin_tokens.py).
    counter = page.locator("[data-step=RewardOrder] .c-handled")
    handled = shop.get("/_stephost/counters").json()["steps"]["RewardOrder"]["handled"]
    expect(counter).to_have_text(f"✓ {handled}")
    shop.post("/orders", json={"item": "globe", "quantity": 2}).raise_for_status()
    expect(counter).to_have_text(f"✓ {handled + 1}")
    page.goto(ui("/logs"))
    expect(page.locator("[data-testid=log-connection]")).to_have_text("live")
    expect(page.locator("[data-testid=log-line]", has_text="order scored").first).to_be_visible()
    feeds = [s.url for s in sockets]
    assert any(url.endswith("/_stephost/live/counters") for url in feeds), feeds
    assert any(url.endswith("/_stephost/live/logs") for url in feeds), feeds
    assert all(tokens["viewer"] not in url for url in feeds)  # never in the URL

    # What a viewer may not do is disabled, and says which role it needs.
    page.goto(ui("/"))
    page.locator("[data-testid=step-node][data-step=ScoreOrder]").click()
    emit = page.locator("[data-testid=emit-send]")
    expect(emit).to_be_disabled()
    expect(emit).to_have_attribute("title", VIEWER_TIP)
    page.goto(ui("/state"))
    page.locator("[data-testid=state-group]", has_text=ORDERS).click()
    page.locator("[data-testid=state-key]").first.click()
    expect(page.locator("[data-testid=state-edit]")).to_be_disabled()
    expect(page.locator("[data-testid=state-edit]")).to_have_attribute("title", VIEWER_TIP)
    expect(page.locator("[data-testid=state-delete]")).to_have_attribute(
        "title", "needs the admin role (you are signed in as a viewer)"
    )
    page.goto(ui("/cron"))
    expect(page.locator("[data-testid=cron-run]")).to_be_disabled()
    expect(page.locator("[data-testid=cron-pause]")).to_have_attribute("title", VIEWER_TIP)
    # The endpoint tester reads the api's description with the token, but may not send.
    page.goto(ui("/endpoints?step=CreateOrder"))
    expect(page.locator("[data-testid=tester-body]")).not_to_have_value("")
    expect(page.locator("[data-testid=tester-send]")).to_have_attribute("title", VIEWER_TIP)


def test_an_operator_emits_from_the_page_and_signs_out(
    shop: StephostApp, tokens: dict[str, str], page: Any, ui: Callable[[str], str]
) -> None:
    page.goto(ui("/"))
    sign_in(page, tokens["operator"])
    expect(page.locator("[data-testid=session-role]")).to_have_text("operator")
    page.locator("[data-testid=step-node][data-step=ScoreOrder]").click()
    form = page.locator("[data-testid=emit]")
    expect(form.locator("[data-testid=emit-topic]")).to_have_value("order.created")
    order = {"id": "from-the-workbench", "item": "atlas", "quantity": 3}
    form.locator("[data-testid=emit-data]").fill(json.dumps(order))
    form.locator("[data-testid=emit-send]").click()
    expect(form.locator("[data-testid=emit-result]")).to_contain_text("sent to ScoreOrder")
    shop.wait_for(
        lambda: (shop.state.get("orders", order["id"]) or {}).get("status") == "scored",
        30,
        "ScoreOrder to handle the emitted order",
    )
    # An operator edits state, but deleting needs an admin.
    page.goto(ui("/state"))
    page.locator("[data-testid=state-group]", has_text=ORDERS).click()
    page.locator("[data-testid=state-key]", has_text=order["id"]).click()
    expect(page.locator("[data-testid=state-edit]")).to_be_enabled()
    expect(page.locator("[data-testid=state-delete]")).to_be_disabled()
    page.locator("[data-testid=sign-out]").click()
    expect(page.locator("[data-testid=sign-in]")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0


def test_a_token_revoked_while_signed_in_brings_the_sign_in_screen_back(
    shop: StephostApp, page: Any, ui: Callable[[str], str]
) -> None:
    token = make_token(shop.project, shop.data_dir, "viewer", "short-lived")
    page.goto(ui("/runtimes"))
    sign_in(page, token)
    expect(page.locator("[data-testid=session-role]")).to_have_text("viewer")
    listed = run_cli(
        "token", "list", cwd=shop.project, env={"STEPHOST_DATA_DIR": str(shop.data_dir)}
    )
    (line,) = [line for line in listed.stdout.splitlines() if "short-lived" in line]
    revoked = run_cli(
        "token",
        "revoke",
        line.split()[0],
        cwd=shop.project,
        env={"STEPHOST_DATA_DIR": str(shop.data_dir)},
    )
    assert revoked.returncode == 0, revoked.stderr
    # The next call the page makes (it polls) is refused: back to the sign-in screen.
    expect(page.locator("[data-testid=sign-in-error]")).to_contain_text("does not know this token")
    assert page.evaluate("sessionStorage.length") == 0


def test_off_loopback_the_workbench_asks_for_a_token_too(tmp_path: Path, page: Any) -> None:
    """Bound to an address other machines reach (the default admin_auth, "auto", needs
    tokens there), the Workbench signs in the same way, and its live feeds work."""
    from tests.integration.test_admin_tokens import _non_loopback_address

    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    project, data_dir = tmp_path / "shop", tmp_path / "data"
    shutil.copytree(SHOP, project, ignore=shutil.ignore_patterns(".stephost"))
    data_dir.mkdir()
    token = make_token(project, data_dir, "viewer", "remote")
    args = ("--admin-host", address)
    with StephostApp(project, data_dir=data_dir, args=args, token=token) as app:
        assert app.admin_url.startswith(f"http://{address}:")
        page.goto(f"{app.admin_url}/_stephost/ui/logs")
        expect(page.locator("[data-testid=sign-in]")).to_be_visible()
        sign_in(page, token)
        expect(page.locator("[data-testid=session-role]")).to_have_text("viewer")
        expect(page.locator("[data-testid=log-connection]")).to_have_text("live")
        app.post("/orders", json={"item": "compass", "quantity": 1}).raise_for_status()
        line = page.locator("[data-testid=log-line]", has_text="order scored")
        expect(line.first).to_be_visible()
