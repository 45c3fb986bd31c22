"""An api step's `auth` entry: what is accepted, and the error for what is not."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from stephost_host.auth.config import ApiKeyAuth, JwtAuth, StepAuth
from stephost_host.auth.keys import ApiKeyError, ApiKeyStore
from stephost_host.catalog import Catalog, ConfigError, StepReport, parse_step
from stephost_host.contracts import Contracts
from stephost_host.errors import ProjectError
from stephost_host.gen.run import render
from stephost_host.settings import load_settings


def _api(auth: Any) -> dict[str, Any]:
    return {"type": "api", "name": "A", "method": "GET", "path": "/a", "auth": auth}


def _parse(auth: Any) -> Any:
    return parse_step(_api(auth), language="python", file="steps/a_step.py").auth


def test_each_kind_parses_with_its_defaults() -> None:
    assert _parse({"type": "apiKey"}) == ApiKeyAuth("header", "x-api-key")
    assert _parse({"type": "apiKey", "in": "query"}) == ApiKeyAuth("query", "api_key")
    assert _parse({"type": "apiKey", "name": "X-Key", "keys": ["ci"]}) == ApiKeyAuth(
        "header", "x-key", ("ci",)
    )
    assert _parse(
        {
            "type": "jwt",
            "algorithms": ["RS256", "ES256"],
            "jwksUrl": "https://i/jwks",
            "audience": "a",
        }
    ) == JwtAuth(("RS256", "ES256"), jwks_url="https://i/jwks", audience=("a",))
    assert _parse({"type": "step", "step": "Gate"}) == StepAuth("Gate")
    assert (
        parse_step(
            {"type": "auth", "name": "Gate"}, language="ruby", file="steps/gate_step.rb"
        ).type
        == "auth"
    )


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ("apiKey", "`auth`: must be an object with a `type`"),
        ({"type": "apikey"}, "got 'apikey' (did you mean `apiKey`?)"),
        (
            {"type": "apiKey", "nmae": "x"},
            "unknown key `nmae` for apiKey auth (did you mean `name`?)",
        ),
        ({"type": "apiKey", "in": "cookie"}, "`in` must be header or query, got 'cookie'"),
        (
            {"type": "jwt", "algorithms": ["HS256"], "secretEnv": "S", "audiance": "a"},
            "unknown key `audiance` for jwt auth (did you mean `audience`?)",
        ),
        ({"type": "jwt", "secretEnv": "S"}, "`algorithms` must list one or more of HS256"),
        ({"type": "jwt", "algorithms": ["hs256"], "secretEnv": "S"}, "(did you mean `HS256`?)"),
        ({"type": "jwt", "algorithms": ["none"], "secretEnv": "S"}, "'none' is not one of"),
        (
            {"type": "jwt", "algorithms": ["HS256", "RS256"], "keyFile": "k"},
            "cannot mix HS256 with RS256/ES256",
        ),
        ({"type": "jwt", "algorithms": ["RS256"]}, "give exactly one key source"),
        (
            {"type": "jwt", "algorithms": ["RS256"], "keyFile": "k", "jwksUrl": "https://x"},
            "got ['keyFile', 'jwksUrl']",
        ),
        ({"type": "jwt", "algorithms": ["HS256"], "jwksUrl": "https://x"}, "not a JWKS"),
        ({"type": "jwt", "algorithms": ["ES256"], "secretEnv": "S"}, "not `secretEnv`"),
        ({"type": "jwt", "algorithms": ["ES256"], "jwksUrl": "file:///etc"}, "http(s) URL"),
        ({"type": "jwt", "algorithms": ["HS256"], "secretEnv": "S", "leeway": -1}, "`leeway`"),
        ({"type": "step"}, "`step` must name a step of type auth"),
    ],
)
def test_a_bad_auth_entry_is_a_config_error_that_says_what(auth: Any, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        _parse(auth)
    assert message in str(raised.value)
    assert str(raised.value).startswith("`auth`: ")


def test_auth_is_a_key_of_api_steps_only() -> None:
    event = {"type": "event", "name": "E", "subscribes": ["t"], "auth": {"type": "apiKey"}}
    step = parse_step(event, language="python", file="steps/e_step.py")
    assert step.config_warnings == ("`auth` is not a key of event steps (only of api steps)",)


def test_an_api_step_pointing_at_a_missing_or_wrong_auth_step_is_not_served() -> None:
    reports = [
        StepReport("python", "steps/a_step.py", "A", _api({"type": "step", "step": "Gaet"})),
        StepReport(
            "python",
            "steps/b_step.py",
            "B",
            {**_api({"type": "step", "step": "E"}), "name": "B", "path": "/b"},
        ),
        StepReport("node", "steps/gate.step.ts", "Gate", {"type": "auth", "name": "Gate"}),
        StepReport(
            "python", "steps/e_step.py", "E", {"type": "event", "name": "E", "subscribes": ["t"]}
        ),
    ]
    catalog = Catalog.build(reports, [])
    assert set(catalog.steps) == {"Gate", "E"}
    messages = sorted(p.failure.message for p in catalog.problems)
    assert "no auth step is named 'Gaet' (did you mean 'Gate'?)" in messages[0]
    assert "'E' is a event step, not an auth step" in messages[1]


def test_api_key_store_keeps_hashes_and_sees_changes(tmp_path: Path) -> None:
    store = ApiKeyStore(tmp_path)
    other = ApiKeyStore(tmp_path)  # as a running host sees the file the CLI writes
    key = store.create("ci")
    assert other.find(key) is not None and other.find(key).name == "ci"  # type: ignore[union-attr]
    assert key not in (tmp_path / "api-keys.json").read_text()
    assert other.find(key + "x") is None
    store.revoke("ci")
    assert other.find(key) is None
    with pytest.raises(ApiKeyError, match="a key name is 1-64 letters"):
        store.create("has space")
    with pytest.raises(ApiKeyError, match="no key is named 'ci'"):
        store.revoke("ci")


def test_an_env_key_that_is_not_set_is_a_clear_error(tmp_path: Path) -> None:
    os.environ.pop("STEPHOST_TEST_NO_SUCH_KEY", None)
    with pytest.raises(ProjectError, match=r"api_keys\.partner names the environment variable"):
        ApiKeyStore(tmp_path, {"partner": "STEPHOST_TEST_NO_SUCH_KEY"})


def test_cors_with_credentials_needs_listed_origins(tmp_path: Path) -> None:
    (tmp_path / "stephost.toml").write_text(
        '[cors]\nallow_origins = ["*"]\nallow_credentials = true\n'
    )
    with pytest.raises(ProjectError, match="allow_credentials = true needs the origins listed"):
        load_settings(tmp_path)
    (tmp_path / "stephost.toml").write_text('[cors]\nallow_origns = ["https://a"]\n')
    with pytest.raises(ProjectError, match=r"cors\.allow_origns"):
        load_settings(tmp_path)


def test_stephost_gen_types_an_auth_step_and_ctx_auth() -> None:
    reports = [
        StepReport("python", "steps/gate_step.py", "Gate", {"type": "auth", "name": "Gate"}),
        StepReport("node", "steps/gate.step.ts", "NodeGate", {"type": "auth", "name": "NodeGate"}),
    ]
    files = render(Catalog.build(reports, []), Contracts(), ["python", "node"])
    python = files["python/stephost_types.py"].decode()
    compile(python, "stephost_types.py", "exec")
    assert "GateHandler: TypeAlias = Callable[[GateRequest, GateContext], Awaitable[Any]]" in python
    assert "def body(self) -> None: ..." in python  # an auth step never sees the body
    assert "    def auth(self) -> Any: ...\n" in python
    typescript = files["ts/handlers.ts"].decode()
    assert "export type NodeGateRequest = ApiRequest<null>" in typescript
    assert (
        "export type NodeGateHandler = (req: NodeGateRequest, ctx: NodeGateContext) => "
        "unknown | Promise<unknown>"
    ) in typescript
