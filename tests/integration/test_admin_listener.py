"""The admin API, the Workbench and metrics live on a listener of their own: the api
port serves the api steps, their docs and the public stream subscriptions, and
nothing else of /_stephost/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from websockets.sync.client import connect

from stephost_host.testing import StephostApp
from tests.ports import free_port

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).parents[1] / "conformance" / "python"


@pytest.fixture(scope="module")
def app() -> Iterator[StephostApp]:
    with StephostApp(PROJECT) as running:
        yield running


def test_the_api_port_serves_the_api_steps_and_their_docs_but_not_the_admin_api(
    app: StephostApp,
) -> None:
    assert app.admin_url and app.admin_url != app.url
    assert app.api_request("POST", "/ks/1", json={"action": "echo"}).status_code == 200
    assert app.api_request("GET", "/openapi.json").json()["paths"]
    assert app.api_request("GET", "/docs").status_code == 200
    for method, path in [
        ("GET", "/_stephost/health"),
        ("GET", "/_stephost/state"),
        ("PUT", "/_stephost/state/g/k"),
        ("POST", "/_stephost/emit"),
        ("GET", "/_stephost/metrics"),
        ("GET", "/_stephost/ui/"),
        ("GET", "/_stephost/streams/s/g"),
    ]:
        response = app.api_request(method, path, content=b"1")
        assert response.status_code == 404, path
        assert response.json()["error"]["message"] == (
            "the admin API is not served on this port: it has a listener of its own "
            "(admin_port in stephost.toml, 3112 by default)"
        )


def test_the_admin_port_serves_the_admin_api_the_workbench_and_metrics(app: StephostApp) -> None:
    assert app.get("/_stephost/health").json()["status"] == "ok"
    assert app.get("/_stephost/ui/").status_code == 200
    assert b"stephost_" in app.get("/_stephost/metrics").content
    assert app.get("/_stephost/health").headers["x-trace-id"]
    (serving,) = [line for line in app.lines if line["event"] == "stephost is serving"]
    assert serving["workbench"] == f"{app.admin_url}/_stephost/ui/"
    # the api steps are not served on the admin port
    assert app.admin_http is not None
    assert app.admin_http.post("/ks/1", json={"action": "echo"}).status_code == 404


def test_stream_subscriptions_stay_on_the_api_port(app: StephostApp) -> None:
    url = app.url.replace("http://", "ws://") + "/_stephost/streams/ks/g1"
    with connect(url) as ws:
        assert orjson.loads(ws.recv(timeout=5)) == {"type": "snapshot", "items": []}


def test_admin_port_and_admin_off_are_settings(tmp_path: Path) -> None:
    port = free_port()
    with StephostApp(PROJECT, args=("--admin-port", str(port))) as app:
        assert app.admin_url == f"http://127.0.0.1:{port}"
        assert app.get("/_stephost/health").status_code == 200
    with StephostApp(PROJECT, env={"STEPHOST_ADMIN": "false"}) as app:
        assert app.admin_url == ""
        response = app.get("/_stephost/health")
        assert response.status_code == 404
        assert "admin = false" in response.json()["error"]["message"]
