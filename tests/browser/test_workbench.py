"""The Workbench, driven in headless chromium against examples/shop.

Every check goes through what a user sees (the page) and, where the issue asks for it,
through the host's JSON API as well; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from stephost_host.testing import StephostApp
from tests.conftest import write_project
from tests.integration.test_runtime_groups import HELD_PYTHON

pytestmark = pytest.mark.browser

EXPECTED_STEPS = {
    "CreateOrder": "python",
    "GetOrder": "python",
    "ScoreOrder": "python",
    "NotifyCustomer": "python",
    "OrderReport": "python",
    "AuditOrder": "node",
    "GetOrderAudit": "node",
    "RewardOrder": "ruby",
}


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_the_flow_graph_shows_every_step_with_its_language_and_the_topic_edges(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    shop.post("/orders", json={"item": "lamp", "quantity": 12}).raise_for_status()
    shop.wait_idle()
    page.goto(ui("/"))
    nodes = page.locator("[data-testid=step-node]")
    expect(nodes).to_have_count(len(EXPECTED_STEPS))
    shown = {
        nodes.nth(i).get_attribute("data-step"): nodes.nth(i).get_attribute("data-language")
        for i in range(nodes.count())
    }
    assert shown == EXPECTED_STEPS
    for name, language in EXPECTED_STEPS.items():
        badge = page.locator(f"[data-testid=step-node][data-step={name}] [data-testid=language]")
        expect(badge).to_have_attribute("data-language", language)
    # Edges run from the emitting step to each subscriber, labelled with the topic.
    for source, target, topic in [
        ("CreateOrder", "ScoreOrder", "order.created"),
        ("ScoreOrder", "AuditOrder", "order.scored"),
        ("ScoreOrder", "NotifyCustomer", "order.scored"),
        ("ScoreOrder", "RewardOrder", "order.scored"),
    ]:
        edge = page.locator(f'[data-testid="rf__edge-{source}->{target}:{topic}"]')
        expect(edge).to_have_count(1)
        expect(edge.locator(".react-flow__edge-text")).to_have_text(topic)
    # A topic nobody subscribes to gets its own node.
    expect(page.locator('[data-testid="rf__edge-AuditOrder->topic:order.flagged"]')).to_have_count(
        1
    )
    # Live counters: the order above went through every event step.
    expect(page.locator("[data-step=RewardOrder] .c-handled")).not_to_have_text("✓ 0")
    snap(page, "flows")
    page.locator("[data-testid=step-node][data-step=ScoreOrder]").click()
    detail = page.locator("[data-testid=step-detail]")
    expect(detail.locator("[data-testid=step-file]")).to_have_text("steps/score_order_step.py")
    expect(detail).to_contain_text("shop.v1.OrderCreated")
    expect(
        detail.locator("[data-testid=invocations] [data-testid=trace-link]").first
    ).to_be_visible()
    snap(page, "step-detail")


def test_a_dragged_node_stays_where_it_was_put(
    shop: StephostApp, page: Any, ui: Callable[[str], str]
) -> None:
    page.goto(ui("/"))
    node = page.locator("[data-testid=step-node][data-step=GetOrder]")
    expect(node).to_be_visible()
    box = node.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 90, steps=8)
    page.mouse.up()
    saved = shop.project / "stephost.workbench.json"
    shop.wait_for(saved.exists, 10, "the layout file")
    position = orjson.loads(saved.read_bytes())["flows"]["*"]["GetOrder"]
    assert shop.get("/_stephost/layout").json()["flows"]["*"]["GetOrder"] == position
    page.reload()
    expect(node).to_be_visible()
    transform = node.locator("xpath=..").get_attribute("style") or ""
    assert f"translate({position['x']:g}px, {position['y']:g}px)" in transform


def test_a_request_sent_from_the_endpoint_tester_opens_its_trace_across_three_languages(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    page.goto(ui("/endpoints?step=CreateOrder"))
    body = page.locator("[data-testid=tester-body]")
    expect(body).not_to_have_value("")
    prefilled = json.loads(body.input_value())
    assert set(prefilled) == {"item", "quantity"}  # the schema's required fields
    body.fill(json.dumps({"item": "kettle", "quantity": 3}))
    page.locator("[data-testid=tester-send]").click()
    expect(page.locator("[data-testid=tester-status]")).to_have_text("201")
    order_id = json.loads(page.locator("[data-testid=tester-body-out]").inner_text())["id"]
    assert shop.state.get("orders", order_id)["item"] == "kettle"
    snap(page, "endpoints")
    page.locator("[data-testid=tester-response] [data-testid=trace-link]").click()
    rows = page.locator("[data-testid=span-row]")
    for language in ("python", "node", "ruby"):
        expect(rows.and_(page.locator(f"[data-language={language}]")).first).to_be_visible()
    # Invocations and the calls inside them: emits and state calls are child spans.
    expect(rows.and_(page.locator("[data-kind=emit]")).first).to_be_visible()
    expect(rows.and_(page.locator("[data-kind=state]")).first).to_be_visible()
    expect(rows.and_(page.locator("[data-kind=event]"))).to_have_count(4)
    snap(page, "trace")


def test_a_dead_letter_shows_its_stack_and_replays_after_an_edit(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    # An order without a quantity: RewardOrder (Ruby) fails on it at every attempt.
    shop.state.set("orders", "broken", {"id": "broken", "item": "mug", "status": "scored"})
    shop.state.set("orders", "fixed", {"id": "fixed", "item": "mug", "quantity": 3})
    shop.emit("order.scored", {"id": "broken", "score": 0.5})
    shop.wait_for(lambda: shop.dlq("RewardOrder"), 30, "the dead letter")

    page.goto(ui("/dlq"))
    letter = page.locator("[data-testid=dead-letter][data-step=RewardOrder]")
    expect(letter).to_have_count(1)
    letter.locator("[data-testid=letter-toggle]").click()
    expect(letter.locator("[data-testid=stack]")).to_contain_text("reward_order_step.rb")
    frames = letter.locator("[data-testid=frame]")
    expect(frames.first).to_have_text(re.compile(r"^steps/reward_order_step\.rb:\d+$"))
    expect(letter).to_contain_text("3 attempts")
    snap(page, "dead-letters")

    letter.locator("[data-testid=letter-edit]").click()
    letter.locator("[data-testid=letter-editor]").fill('{"id": "fixed", "score": 0.5}')
    letter.locator("[data-testid=letter-replay-edited]").click()
    expect(letter).to_have_count(0)
    shop.wait_idle()
    assert shop.state.get("rewards", "fixed")["points"] == 15
    assert shop.dlq("RewardOrder") == []


def test_a_state_value_edited_in_the_ui_is_what_the_api_returns(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    shop.state.set("workbench", "edit-me", {"n": 1})
    page.goto(ui("/state"))
    page.locator("[data-testid=state-group]", has_text="workbench").click()
    page.locator("[data-testid=state-key]", has_text="edit-me").click()
    page.locator("[data-testid=state-edit]").click()
    editor = page.locator("[data-testid=state-editor]")
    editor.fill("not json")
    page.locator("[data-testid=state-save]").click()
    expect(page.locator("[data-testid=state-value] .error-banner")).to_contain_text(
        "not valid JSON"
    )
    assert shop.state.get("workbench", "edit-me") == {"n": 1}  # nothing was lost
    editor.fill('{"n": 2, "by": "the workbench"}')
    page.locator("[data-testid=state-save]").click()
    expect(page.locator("[data-testid=state-edit]")).to_be_visible()
    assert shop.get("/_stephost/state/workbench/edit-me").json()["value"] == {
        "n": 2,
        "by": "the workbench",
    }
    page.locator("[data-testid=state-search]").fill("the workbench")
    expect(page.locator("[data-testid=state-search-results]")).to_contain_text("workbench/edit-me")
    page.locator("[data-testid=state-search]").fill("")
    snap(page, "state")


def test_a_large_state_group_is_listed_a_page_at_a_time(
    shop: StephostApp, page: Any, ui: Callable[[str], str]
) -> None:
    """500 keys at a time (each poll asks for no more than are shown); a key past them,
    picked from the search, still opens, and shows its value once edited."""
    for i in range(510):
        shop.state.set("big", f"big-{i:03}", {"n": i})
    page.goto(ui("/state"))
    page.locator("[data-testid=state-group]", has_text="big").click()
    keys = page.locator("[data-testid=state-key]")
    expect(keys).to_have_count(500)
    expect(keys.last).to_have_text("big-499")
    page.locator("[data-testid=state-search]").fill("big-509")
    page.locator("[data-testid=state-search-results] button", has_text="big/big-509").click()
    value = page.locator("[data-testid=state-value]")
    expect(value.locator("h3")).to_have_text("big/big-509")
    expect(value).to_contain_text("509")
    page.locator("[data-testid=state-edit]").click()
    page.locator("[data-testid=state-editor]").fill('{"n": 5090}')
    page.locator("[data-testid=state-save]").click()
    expect(value).to_contain_text("5090")
    assert shop.state.get("big", "big-509") == {"n": 5090}
    page.locator("[data-testid=state-more]").click()
    expect(keys).to_have_count(510)
    expect(page.locator("[data-testid=state-more]")).to_have_count(0)
    shop.delete("/_stephost/state/big").raise_for_status()


def test_the_live_log_tail_shows_a_request_within_a_second(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    page.goto(ui("/logs"))
    expect(page.locator("[data-testid=log-connection]")).to_have_text("live")
    response = shop.post("/orders", json={"item": "teapot", "quantity": 1})
    answered = time.monotonic()
    trace_id = response.headers["x-trace-id"]
    line = page.locator(f"[data-testid=log-line][data-trace='{trace_id}']").first
    line.wait_for(state="visible", timeout=1000)
    assert time.monotonic() - answered <= 1.0
    # Filtered by trace: only that request's lines; its trace id links to the trace.
    page.locator("[data-testid=log-trace]").fill(trace_id)
    expect(page.locator(f"[data-testid=log-line][data-trace='{trace_id}']").first).to_be_visible()
    expect(page.locator(f"[data-testid=log-line]:not([data-trace='{trace_id}'])")).to_have_count(0)
    snap(page, "logs")
    page.locator("[data-testid=log-line] [data-testid=trace-link]").first.click()
    expect(page.locator("[data-testid=waterfall]")).to_be_visible()


def test_cron_run_now_runs_the_step_and_pause_resume_work(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    page.goto(ui("/cron"))
    row = page.locator("[data-testid=cron-row][data-step=OrderReport]")
    row.locator("[data-testid=cron-pause]").click()
    expect(row.locator("[data-testid=cron-next]")).to_have_text("paused")
    assert shop.get("/_stephost/cron").json()["items"][0]["paused"] is True

    def handled() -> int:
        return int(shop.get("/_stephost/counters").json()["steps"]["OrderReport"]["handled"])

    before = handled()
    shop.state.set("reports", "latest", {"orders": -1})
    row.locator("[data-testid=cron-run]").click()
    shop.wait_for(lambda: handled() > before, 30, "the cron step to run")
    assert shop.state.get("reports", "latest")["orders"] >= 0  # the step wrote its report
    expect(row.locator("[data-testid=cron-last] .status-ok")).to_be_visible()
    row.locator("[data-testid=cron-resume]").click()
    expect(row.locator("[data-testid=cron-next]")).not_to_have_text("paused")
    snap(page, "cron")


def test_every_other_panel_renders_on_the_example(
    shop: StephostApp, page: Any, ui: Callable[[str], str], snap: Callable[[Any, str], None]
) -> None:
    order_id = shop.post("/orders", json={"item": "vase", "quantity": 1}).json()["id"]
    page.goto(ui("/runtimes"))
    runtimes = page.locator("[data-testid=runtime-row]")
    expect(runtimes).to_have_count(3)
    languages = {runtimes.nth(i).get_attribute("data-language") for i in range(3)}
    assert languages == {"python", "node", "ruby"}
    expect(page.locator("[data-testid=runtime-where]")).to_have_text(["local"] * 3)
    snap(page, "runtimes")
    page.goto(ui("/traces"))
    expect(page.locator("[data-testid=trace-row]").first).to_be_visible()
    snap(page, "traces")
    page.goto(ui("/streams"))
    page.locator("[data-testid=stream-group]", has_text="orders / status").click()
    item = page.locator("[data-testid=stream-item]", has_text=order_id)
    expect(item).to_contain_text("scored")
    # Live: a change made now shows up without a reload.
    later = shop.post("/orders", json={"item": "bowl", "quantity": 1}).json()["id"]
    expect(page.locator("[data-testid=stream-item]", has_text=later)).to_contain_text("scored")
    snap(page, "streams")


def test_steps_without_a_runtime_show_as_unavailable_until_it_is_back(
    make_app: Callable[..., StephostApp], page: Any, tmp_path: Any
) -> None:
    app = make_app(write_project(tmp_path / "p", HELD_PYTHON))
    page.goto(f"{app.admin_url}/_stephost/ui/")
    ping = page.locator("[data-testid=step-node][data-step=Ping]")
    expect(ping).to_have_attribute("data-available", "true")
    expect(page.locator("[data-testid=unavailable]")).to_have_count(0)
    (pid,) = app.runtime_pids("python")
    (app.project / "hold").write_text("")  # its restart waits until the file goes
    os.kill(pid, signal.SIGKILL)

    expect(ping).to_have_attribute("data-available", "false", timeout=15_000)
    expect(page.locator("[data-testid=step-node][data-step=Note]")).to_have_attribute(
        "data-available", "true"
    )
    expect(page.locator("[data-testid=unavailable]")).to_contain_text("Count, Ping")
    (app.project / "hold").unlink()
    expect(ping).to_have_attribute("data-available", "true", timeout=15_000)
    expect(page.locator("[data-testid=unavailable]")).to_have_count(0)
