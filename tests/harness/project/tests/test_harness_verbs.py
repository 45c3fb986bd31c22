"""The pytest plugin's `stephost_app` on a flow through Python, Ruby and TypeScript."""

from __future__ import annotations

import pytest

from stephost_host.testing import StephostApp
from tests.toolchains import missing_toolchain

MISSING = [reason for language in ("node", "ruby") if (reason := missing_toolchain(language))]
pytestmark = [pytest.mark.e2e, *[pytest.mark.skip(reason=r) for r in MISSING]]


def test_flow_through_three_languages_with_retries(stephost_app: StephostApp) -> None:
    response = stephost_app.post("/jobs", json={"kind": "report"})
    assert response.status_code == 202
    job_id = response.json()["id"]
    stephost_app.wait_idle()  # waits through CheckJob's two failed attempts
    job = stephost_app.state.get("jobs", job_id)
    assert job == {"id": job_id, "kind": "report", "via": ["python", "ruby", "node"], "done": True}
    assert stephost_app.captured("job.checked") == [
        {"id": job_id, "kind": "report", "via": ["python", "ruby"]}
    ]
    assert stephost_app.dlq() == []
    languages = {line.get("language") for line in stephost_app.logs(response.headers["x-trace-id"])}
    assert {"python", "ruby", "node"} <= languages


def test_poison_job_lands_in_the_dlq(stephost_app: StephostApp) -> None:
    stephost_app.post("/jobs", json={"kind": "poison"})
    stephost_app.wait_idle()
    (letter,) = stephost_app.dlq()
    assert letter["step"] == "CheckJob"
    assert letter["attempts"] == 3
    assert letter["error"]["type"] == "ArgumentError"
    assert stephost_app.captured("job.checked") == []


def test_each_test_gets_a_fresh_host(stephost_app: StephostApp) -> None:
    assert stephost_app.state.list("jobs") == []
    assert stephost_app.post("/jobs", json={}).status_code == 400
