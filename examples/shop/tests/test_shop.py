"""The shop's own end-to-end tests, run by `stephost test` (and by this repo's CI).

`stephost_app` starts the shop's host with its Python, TypeScript and Ruby runtimes on a
free port and a fresh data folder.
"""

from __future__ import annotations

import time

from stephost_host.cron import next_tick
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


def test_a_payload_without_its_required_fields_is_parked_naming_each(
    stephost_app: StephostApp,
) -> None:
    # contracts/: item and quantity are REQUIRED (google.api.field_behavior), so ScoreOrder
    # never sees an order without them.
    stephost_app.emit("order.created", {"id": "nope"})
    stephost_app.wait_idle()
    (letter,) = stephost_app.dlq()
    assert letter["error"]["code"] == "VALIDATION_FAILED"
    assert "/item: is required; /quantity: is required" in letter["error"]["message"]
    assert stephost_app.state.get("orders", "nope") is None


def test_the_daily_report_runs_daily_and_on_demand(stephost_app: StephostApp) -> None:
    steps = stephost_app.get("/_stephost/steps").json()["steps"]
    (report,) = [s for s in steps if s["name"] == "OrderReport"]
    first = next_tick(report["cron"], time.time())
    assert 23 * 3600 <= next_tick(report["cron"], first) - first <= 25 * 3600  # DST aside
    stephost_app.post("/orders", json={"item": "book", "quantity": 1})
    stephost_app.wait_idle()
    stephost_app.run_cron("OrderReport")
    stephost_app.wait_idle()
    assert stephost_app.state.get("reports", "latest") == {"orders": 1, "scored": 1}
