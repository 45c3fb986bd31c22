"""schemathesis against the shop example's own OpenAPI: requests generated from every
operation's schema, valid and not, get no server error (5xx). A bounded number of cases
per operation keeps this well under a minute. (Driven through hypothesis directly:
schemathesis's pytest fixture loader does not run on pytest 9.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case

from stephost_host.testing import StephostApp
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

CASES_PER_OPERATION = 60


def test_no_generated_request_gets_a_server_error() -> None:
    with StephostApp(ROOT / "examples" / "shop") as shop:
        schema = schemathesis.openapi.from_url(f"{shop.url}/openapi.json")
        server_errors: list[str] = []
        calls = 0
        for result in schema.get_all_operations():
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(
                max_examples=CASES_PER_OPERATION,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def call(case: Case) -> None:
                nonlocal calls
                calls += 1
                response = case.call(base_url=shop.url, timeout=30)
                if response.status_code >= 500:
                    server_errors.append(
                        f"{case.method} {case.formatted_path} {case.body!r} -> "
                        f"{response.status_code}: {response.text[:300]}"
                    )

            call()
        assert len(schema) >= 3 and calls >= 3 * 10  # every api step was tried, many times
        assert server_errors == []
