"""schemathesis against the admin API's own OpenAPI description, on a real host, as an
operator token: whatever it generates (valid or not), the answer is never a 5xx.

The number of cases is bounded (``MAX_EXAMPLES`` per operation, derandomized), so the
whole file stays well under a minute.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from stephost_host.admin_tokens import TokenStore
from stephost_host.testing import StephostApp
from stephost_host.workbench.openapi import admin_openapi

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).parents[1] / "conformance" / "python"
MAX_EXAMPLES = 6

schema = schemathesis.openapi.from_dict(admin_openapi())


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StephostApp, str]]:
    """A host whose admin listener needs tokens, and an operator's token."""
    project = tmp_path_factory.mktemp("schemathesis") / "p"
    shutil.copytree(PROJECT, project)
    data_dir = tmp_path_factory.mktemp("data")
    _, token = TokenStore(data_dir).create("operator", "schemathesis")
    env = {"STEPHOST_ADMIN_AUTH": "token", "STEPHOST_LOG_LEVEL": "info"}
    with StephostApp(project, data_dir=data_dir, env=env, token=token) as app:
        yield app, token


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_admin_api_never_answers_with_a_server_error(
    case: schemathesis.Case, operator: tuple[StephostApp, str]
) -> None:
    app, token = operator
    response = case.call(base_url=app.admin_url, headers={"authorization": f"Bearer {token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
