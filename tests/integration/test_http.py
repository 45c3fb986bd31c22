"""Bad input gets a clear error and the host keeps serving."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stephost_host.testing import StephostApp
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shop() -> Iterator[StephostApp]:
    with StephostApp(ROOT / "examples" / "shop", env={"STEPHOST_MAX_BODY_BYTES": "200000"}) as app:
        yield app


def good(app: StephostApp) -> None:
    response = app.post("/orders", json={"item": "pen", "quantity": 1})
    assert response.status_code == 201


def test_schema_violation_is_400_with_each_field(shop: StephostApp) -> None:
    response = shop.post("/orders", json={"quantity": 0, "colour": "red"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert error["traceId"] == response.headers["x-trace-id"]
    paths = [e["path"] for e in error["errors"]]
    assert "/item" in paths
    assert "/quantity" in paths
    assert "/" in paths  # additionalProperties: colour
    good(shop)


def test_malformed_json_is_400(shop: StephostApp) -> None:
    response = shop.post(
        "/orders", content=b'{"item": "pen", ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_JSON"
    good(shop)


def test_body_over_the_limit_is_413(shop: StephostApp) -> None:
    big = {"item": "x" * 300_000, "quantity": 1}
    response = shop.post("/orders", json=big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "200000" in response.json()["error"]["message"]
    good(shop)


def test_chunked_body_over_the_limit_is_413(shop: StephostApp) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"item": "'
        for _ in range(30):
            yield b"y" * 10_000
        yield b'", "quantity": 1}'

    response = shop.post("/orders", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    good(shop)


def test_64_kib_body_is_served(shop: StephostApp) -> None:
    response = shop.post("/orders", json={"item": "z" * 65_536, "quantity": 2})
    assert response.status_code == 201


def test_unknown_route_is_404_and_wrong_method_is_405(shop: StephostApp) -> None:
    missing = shop.get("/nothing/here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"
    assert "GET /nothing/here" in missing.json()["error"]["message"]
    assert missing.headers["x-trace-id"]
    wrong = shop.request("DELETE", "/orders")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "POST"
    good(shop)


def test_unsupported_media_type_is_415(shop: StephostApp) -> None:
    response = shop.post(
        "/orders", content=b"\x00\x01", headers={"content-type": "application/octet-stream"}
    )
    assert response.status_code == 415


def test_json_sent_as_a_form_gets_a_hint_about_the_header(shop: StephostApp) -> None:
    # What `curl -d '{...}'` sends without -H 'content-type: application/json'.
    body = b'{"item": "pen", "quantity": 1}'
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = shop.post("/orders", content=body, headers=form)
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.endswith(
        "(the body is JSON but came as application/x-www-form-urlencoded, so it was not "
        "read as JSON: send it with the header content-type: application/json)"
    )
    real_form = shop.post("/orders", content=b"item=pen", headers=form)
    assert (
        real_form.status_code == 400 and "content-type" not in real_form.json()["error"]["message"]
    )


def test_swagger_ui_needs_no_network(shop: StephostApp) -> None:
    page = shop.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "/docs/assets/swagger-ui.css" in page.text
    assert "https://" not in page.text  # no CDN
    script = shop.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    assert shop.get("/docs/assets/swagger-ui.css").status_code == 200
    assert shop.get("/docs/assets/nope.js").status_code == 404


def test_every_response_has_a_trace_id(shop: StephostApp) -> None:
    for response in (
        shop.get("/_stephost/health"),
        shop.get("/openapi.json"),
        shop.get("/_stephost/state/none/none"),
        shop.post("/orders", json={"item": "a", "quantity": 1}),
    ):
        assert len(response.headers["x-trace-id"]) == 32


def test_openapi_describes_api_steps(shop: StephostApp) -> None:
    spec = shop.get("/openapi.json").json()
    create = spec["paths"]["/orders"]["post"]
    assert create["operationId"] == "CreateOrder"
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["item", "quantity"]
    assert "201" in create["responses"]
    assert spec["paths"]["/orders/{id}"]["get"]["parameters"][0]["name"] == "id"
    assert not any(path.startswith("/_stephost") for path in spec["paths"])
    docs = shop.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_state_api(shop: StephostApp) -> None:
    assert shop.put("/_stephost/state/cfg/limits", json={"max": 3}).status_code == 200
    assert shop.get("/_stephost/state/cfg/limits").json()["value"] == {"max": 3}
    assert shop.get("/_stephost/state/cfg").json()["items"] == [
        {"key": "limits", "value": {"max": 3}}
    ]
    shop.put("/_stephost/state/cfg/other", json=2)
    # A page at a time: `next` names the last key when more follow.
    first = shop.get("/_stephost/state/cfg?limit=1").json()
    assert first == {
        "group": "cfg",
        "items": [{"key": "limits", "value": {"max": 3}}],
        "next": "limits",
    }
    rest = shop.get("/_stephost/state/cfg?limit=1&after=limits").json()
    assert rest == {"group": "cfg", "items": [{"key": "other", "value": 2}], "next": None}
    assert shop.get("/_stephost/state/cfg?after=limits").json()["items"] == [
        {"key": "other", "value": 2}
    ]
    # The Workbench's search: keys and values, either case, the first 200 and whether more.
    found = shop.get("/_stephost/state-search?q=LIMITS").json()
    assert found == {
        "items": [{"group": "cfg", "key": "limits", "value": {"max": 3}}],
        "truncated": False,
    }
    for i in range(201):
        shop.put(f"/_stephost/state/many/hit-{i:03}", json=i).raise_for_status()
    many = shop.get("/_stephost/state-search?q=hit-").json()
    assert [item["key"] for item in many["items"]] == [f"hit-{i:03}" for i in range(200)]
    assert many["truncated"] is True
    assert shop.delete("/_stephost/state/many").json() == {"group": "many", "deleted": 201}
    zero = shop.get("/_stephost/state/cfg?limit=0")
    assert zero.status_code == 400 and "limit" in zero.text
    assert shop.delete("/_stephost/state/cfg/other").status_code == 204
    bad = shop.put(
        "/_stephost/state/cfg/x", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 400
    assert shop.delete("/_stephost/state/cfg/limits").status_code == 204
    assert shop.get("/_stephost/state/cfg/limits").status_code == 404
    assert "cfg" not in shop.get("/_stephost/state").json()["groups"]


def test_health_lists_runtimes_and_steps(shop: StephostApp) -> None:
    health = shop.health()
    (runtime,) = [r for r in health["runtimes"] if r["language"] == "python"]
    assert runtime["pid"] > 0
    assert "CreateOrder" in runtime["steps"]
    steps = shop.get("/_stephost/steps").json()
    names = {s["name"] for s in steps["steps"]}
    assert {"CreateOrder", "GetOrder", "ScoreOrder", "NotifyCustomer", "OrderReport"} <= names
