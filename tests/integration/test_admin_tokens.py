"""Bearer tokens with roles on the admin listener: off loopback (or with
admin_auth = "token") every admin request needs one, and its role must allow it."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from stephost_host.admin_tokens import TokenStore
from stephost_host.http.guard import SUBPROTOCOL
from stephost_host.testing import StephostApp
from tests.conftest import run_cli

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).parents[1] / "conformance" / "python"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tokens")


@pytest.fixture(scope="module")
def tokens(data_dir: Path) -> dict[str, str]:
    """A token of each role, made by the CLI (which prints it once)."""
    made = {}
    for role in ("viewer", "operator", "admin"):
        done = run_cli(
            "token",
            "create",
            "--role",
            role,
            "--name",
            f"test {role}",
            cwd=PROJECT,
            env={"STEPHOST_DATA_DIR": str(data_dir)},
        )
        assert done.returncode == 0, done.stderr
        made[role] = done.stdout.strip()
        assert made[role].startswith("sht_")
    return made


@pytest.fixture(scope="module")
def app(
    data_dir: Path, tokens: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StephostApp]:
    project = tmp_path_factory.mktemp("project") / "p"  # PUT layout writes into it
    shutil.copytree(PROJECT, project)
    env = {"STEPHOST_ADMIN_AUTH": "token"}
    with StephostApp(project, data_dir=data_dir, env=env, token=tokens["admin"]) as running:
        yield running


def call(
    app: StephostApp, method: str, path: str, token: str | None, body: bytes | None = None
) -> int:
    """The status of one request to the admin listener (``body``: JSON)."""
    headers = {"content-type": "application/json"} if body is not None else {}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    with httpx.Client(base_url=app.admin_url, timeout=30) as client:
        return client.request(method, path, headers=headers, content=body).status_code


# (method, path, body, the weakest role allowed, the status that role gets)
REQUESTS = [
    ("GET", "/_stephost/health", None, "viewer", 200),
    ("GET", "/_stephost/state/g", None, "viewer", 200),
    ("GET", "/_stephost/metrics", None, "viewer", 200),
    ("PUT", "/_stephost/state/g/k", b"1", "operator", 200),
    ("POST", "/_stephost/emit", b'{"topic": "ks.in", "data": {}}', "operator", 202),
    ("POST", "/_stephost/dlq/nope/replay", None, "operator", 404),
    ("POST", "/_stephost/cron/nope/run", None, "operator", 404),
    ("DELETE", "/_stephost/state/g/k", None, "admin", 204),
    ("DELETE", "/_stephost/dlq/nope", None, "admin", 404),
    ("PUT", "/_stephost/layout", b'{"flows": {}}', "admin", 200),
]
ROLES = ["viewer", "operator", "admin"]


@pytest.mark.parametrize(("method", "path", "body", "weakest", "status"), REQUESTS)
def test_each_request_needs_a_token_with_a_role_that_allows_it(
    app: StephostApp,
    tokens: dict[str, str],
    method: str,
    path: str,
    body: bytes | None,
    weakest: str,
    status: int,
) -> None:
    assert call(app, method, path, None, body) == 401
    assert call(app, method, path, "sht_not-a-token", body) == 401
    for role in ROLES[: ROLES.index(weakest)]:
        assert call(app, method, path, tokens[role], body) == 403, role
    if path == "/_stephost/state/g/k" and method == "DELETE":
        app.state.set("g", "k", 1)
    assert call(app, method, path, tokens[weakest], body) == status


def test_refusals_say_what_is_needed(app: StephostApp, tokens: dict[str, str]) -> None:
    with httpx.Client(base_url=app.admin_url) as client:
        missing = client.get("/_stephost/health")
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert missing.json()["error"]["code"] == "UNAUTHENTICATED"
        assert "stephost token create" in missing.json()["error"]["message"]
        weak = client.delete(
            "/_stephost/dlq/x", headers={"authorization": f"Bearer {tokens['operator']}"}
        )
        error = weak.json()["error"]
        assert (weak.status_code, error["code"]) == (403, "FORBIDDEN")
        assert "needs the admin role" in error["message"] and "operator's" in error["message"]


def ws_url(app: StephostApp, path: str) -> str:
    return app.admin_url.replace("http://", "ws://") + path


def refused_socket(url: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """The status and error a refused WebSocket handshake gets."""
    with pytest.raises(InvalidStatus) as refused, connect(url, open_timeout=5, **kwargs):
        pass
    response = refused.value.response
    return response.status_code, orjson.loads(response.body or b"{}").get("error", {})


def test_live_feeds_need_a_viewer_token(app: StephostApp, tokens: dict[str, str]) -> None:
    url = ws_url(app, "/_stephost/live/counters")
    status, error = refused_socket(url)
    assert (status, error["code"]) == (401, "UNAUTHENTICATED")
    assert "bearer.<token>" in error["message"] and "stephost token create" in error["message"]
    with connect(url, additional_headers={"authorization": f"Bearer {tokens['viewer']}"}) as ws:
        assert ws.recv(timeout=5)


FEEDS = ["/_stephost/live/counters", "/_stephost/live/logs", "/_stephost/streams/s/g"]


@pytest.mark.parametrize("path", FEEDS)
def test_a_browser_socket_carries_its_token_as_a_subprotocol(
    app: StephostApp, tokens: dict[str, str], path: str
) -> None:
    """A browser cannot set headers on a WebSocket: it offers ``stephost.admin.v1`` and
    ``bearer.<token>``, and the listener answers with ``stephost.admin.v1`` (never the token)."""
    url = ws_url(app, path)
    assert refused_socket(url, subprotocols=[SUBPROTOCOL])[0] == 401
    status, error = refused_socket(url, subprotocols=[SUBPROTOCOL, "bearer.sht_not-a-token"])
    assert (status, error["code"]) == (401, "UNAUTHENTICATED")
    assert "does not know this token" in error["message"]
    origin = app.admin_url
    offered = [SUBPROTOCOL, f"bearer.{tokens['viewer']}"]
    with connect(url, subprotocols=offered, origin=origin) as ws:  # type: ignore[arg-type]
        assert ws.subprotocol == SUBPROTOCOL
        if path.endswith("/logs"):
            ws.send(orjson.dumps({"level": "debug"}).decode())
        if not path.startswith("/_stephost/streams/"):
            assert orjson.loads(ws.recv(timeout=5))["type"] in ("counters", "lines")
    # The Origin check still holds with a good token: another site's page is refused.
    foreign = refused_socket(url, subprotocols=offered, origin="https://evil.example")
    assert foreign[0] == 403 and foreign[1]["code"] == "FORBIDDEN_ORIGIN"


def test_a_token_in_the_url_is_not_taken(app: StephostApp, tokens: dict[str, str]) -> None:
    """URLs end up in access logs and browser history: a token there is never read."""
    for query in ("token", "access_token", "bearer"):
        url = ws_url(app, f"/_stephost/live/counters?{query}={tokens['admin']}")
        assert refused_socket(url)[0] == 401
        assert call(app, "GET", f"/_stephost/health?{query}={tokens['admin']}", None) == 401


def test_the_host_never_logs_a_token(app: StephostApp, tokens: dict[str, str]) -> None:
    offered = [SUBPROTOCOL, f"bearer.{tokens['operator']}"]
    with connect(ws_url(app, "/_stephost/live/counters"), subprotocols=offered) as ws:  # type: ignore[arg-type]
        ws.recv(timeout=5)
    assert call(app, "GET", "/_stephost/health", tokens["operator"]) == 200
    app.get("/_stephost/idle")  # a request after the others, so their lines were written
    logged = "\n".join(app.raw_output)
    assert all(token not in logged for token in tokens.values())


@pytest.mark.parametrize("role", ROLES)
def test_whoami_names_the_role_of_the_token(
    app: StephostApp, tokens: dict[str, str], role: str
) -> None:
    with httpx.Client(base_url=app.admin_url) as client:
        answer = client.get(
            "/_stephost/whoami", headers={"authorization": f"Bearer {tokens[role]}"}
        )
        assert answer.status_code == 200
        assert answer.json() == {
            "role": role,
            "authRequired": True,
            "tokenId": TokenStore(app.data_dir).find(tokens[role]).id,  # type: ignore[union-attr]
            "tokenName": f"test {role}",
        }
        assert client.get("/_stephost/whoami").status_code == 401


def test_the_workbench_files_need_no_token_but_what_the_page_reads_does(
    app: StephostApp,
) -> None:
    """The page (the same for everyone, no data in it) loads, then signs in itself."""
    with httpx.Client(base_url=app.admin_url) as client:
        page = client.get("/_stephost/ui/state")
        assert page.status_code in (200, 503)  # 503: the front end is not built
        assert page.headers["content-type"].startswith("text/html")
        assert client.get("/_stephost/ui", follow_redirects=False).status_code == 308
        assert client.post("/_stephost/ui/x", json={}).status_code == 401
        assert client.get("/_stephost/uix").status_code == 401
        assert client.get("/_stephost/whoami").status_code == 401


def test_the_api_port_needs_no_admin_token(app: StephostApp) -> None:
    assert app.api_request("POST", "/ks/1", json={"action": "echo"}).status_code == 200


def test_token_list_and_revoke(app: StephostApp, data_dir: Path, tokens: dict[str, str]) -> None:
    env = {"STEPHOST_DATA_DIR": str(data_dir)}
    listed = run_cli("token", "list", cwd=PROJECT, env=env)
    assert listed.returncode == 0
    for role, token in tokens.items():
        assert role in listed.stdout and token[:8] in listed.stdout
        assert token not in listed.stdout  # never the token itself
    extra = TokenStore(data_dir).create("viewer", "short-lived")[1]
    assert call(app, "GET", "/_stephost/health", extra) == 200
    (made,) = [t for t in TokenStore(data_dir).listed() if t.name == "short-lived"]
    revoked = run_cli("token", "revoke", made.id, cwd=PROJECT, env=env)
    assert revoked.returncode == 0 and made.id in revoked.stdout
    assert call(app, "GET", "/_stephost/health", extra) == 401
    unknown = run_cli("token", "revoke", "nope", cwd=PROJECT, env=env)
    assert unknown.returncode == 1 and "no admin token has the id 'nope'" in unknown.stderr
    bad_role = run_cli("token", "create", "--role", "root", cwd=PROJECT, env=env)
    assert bad_role.returncode == 1
    assert "a role is one of viewer, operator, admin, runtime, got 'root'" in bad_role.stderr


def test_the_stored_tokens_are_hashes(data_dir: Path, tokens: dict[str, str]) -> None:
    stored = (data_dir / "admin-tokens.json").read_text()
    assert all(token not in stored for token in tokens.values())
    assert (data_dir / "admin-tokens.json").stat().st_mode & 0o777 == 0o600


def _non_loopback_address() -> str | None:
    """An address of this machine that is not loopback (None when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_off_loopback_the_admin_listener_refuses_to_start_without_tokens_then_needs_one(
    tmp_path: Path,
) -> None:
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    env = {"STEPHOST_DATA_DIR": str(tmp_path)}
    refused = run_cli("start", "--port", "0", "--admin-host", address, cwd=PROJECT, env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"error: refusing to serve the admin API on {address}: it needs tokens there, and "
        "there is none; make one (`stephost token create --role admin`), listen on "
        "127.0.0.1 (--admin-host), or set STEPHOST_ADMIN=false"
    )
    _, token = TokenStore(tmp_path).create("viewer")
    with StephostApp(
        PROJECT, data_dir=tmp_path, args=("--admin-host", address), token=token
    ) as app:
        assert app.admin_url.startswith(f"http://{address}:")
        assert call(app, "GET", "/_stephost/health", None) == 401
        assert call(app, "GET", "/_stephost/health", token) == 200
        assert call(app, "POST", "/_stephost/emit", token, b'{"topic": "ks.in"}') == 403
