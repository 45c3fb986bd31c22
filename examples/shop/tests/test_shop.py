"""The shop's own end-to-end tests, run by `stephost test` (and by this repo's CI).

`stephost_app` starts the shop's host with its Python, TypeScript and Ruby runtimes on a
free port and a fresh data folder.
"""

from __future__ import annotations

from stephost_host.testing import StephostApp


def test_an_order_flows_through_three_languages(stephost_app: StephostApp) -> None:
    response = stephost_app.post("/orders", json={"item": "book", "quantity": 12})
    assert response.status_code == 201
    order_id = response.json()["id"]
    stephost_app.wait_idle()

    assert stephost_app.state.get("orders", order_id)["status"] == "scored"  # Python
    assert stephost_app.state.get("notifications", order_id)["sent"] is True  # Python, sync
    audit = stephost_app.get(f"/orders/{order_id}/audit").json()  # TypeScript
    assert audit["flagged"] is True
    assert stephost_app.state.get("rewards", order_id)["points"] > 0  # Ruby
    assert stephost_app.captured("order.flagged") == [{"id": order_id, "quantity": 12}]

    trace = response.headers["x-trace-id"]
    hops = {line.get("language") for line in stephost_app.logs(trace)}
    assert {"python", "node", "ruby"} <= hops


def test_a_bad_order_is_refused_before_any_handler_runs(stephost_app: StephostApp) -> None:
    response = stephost_app.post("/orders", json={"item": "", "quantity": 0})
    assert response.status_code == 400
    paths = {error["path"] for error in response.json()["error"]["errors"]}
    assert paths == {"/item", "/quantity"}
    assert stephost_app.captured("order.created") == []


def test_a_payload_that_breaks_the_contract_is_parked(stephost_app: StephostApp) -> None:
    stephost_app.emit("order.created", {"id": "x1", "item": "pen", "quantity": "three"})
    stephost_app.wait_idle()
    (letter,) = stephost_app.dlq()
    assert letter["step"] == "ScoreOrder"
    assert letter["error"]["code"] == "VALIDATION_FAILED"
    assert "quantity" in letter["error"]["message"]
