"""Auth for api steps and CORS, through a real host and real HTTP.

The per-language part (ctx.auth in Python, Node and Ruby; a custom auth step in each)
is in the conformance suite; here are the host's own checks: API keys from the data
folder and from the environment, managed with `stephost apikey`; JWTs signed with keys
this test makes (RS256 from a key file, ES256 from a JWKS that a small local HTTP server
serves); the OpenAPI description; CORS.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from stephost_host.testing import StephostApp
from tests.conftest import run_cli, write_project

pytestmark = pytest.mark.integration

ISSUER = "https://issuer.test"
PARTNER_KEY = "partner-key-from-the-environment"
ORIGIN = "https://app.example.com"


def _step(name: str, path: str, auth: dict[str, Any] | None) -> str:
    config: dict[str, Any] = {"type": "api", "name": name, "method": "GET", "path": path}
    if auth is not None:
        config["auth"] = auth
    return (
        f"config = {config!r}\n\n"
        "async def handler(req, ctx):\n"
        "    ctx.logger.info('handler ran')\n"
        "    return {'status': 200, 'body': {'auth': ctx.auth}}\n"
    )


class _Jwks:
    """A JWKS endpoint on a free local port that counts its fetches."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        body = json.dumps({"keys": keys}).encode()
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Setup:
    app: StephostApp
    project: Path
    env: dict[str, str]
    ci_key: str
    rsa_key: rsa.RSAPrivateKey
    ec_key: ec.EllipticCurvePrivateKey
    jwks: _Jwks


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    root = tmp_path_factory.mktemp("auth")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key()))
    jwks = _Jwks([{**public_jwk, "kid": "ec-1", "use": "sig", "alg": "ES256"}])
    pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    rs256 = {
        "type": "jwt",
        "algorithms": ["RS256"],
        "keyFile": "keys/rsa.pem",
        "audience": "orders",
        "issuer": ISSUER,
        "leeway": 5,
        "scopes": ["orders:read"],
    }
    project = write_project(
        root / "project",
        {
            "keys/rsa.pem": pem.decode(),
            "stephost.toml": (
                '[api_keys]\npartner = "PARTNER_API_KEY"\n'
                "[cors]\n"
                f'allow_origins = ["{ORIGIN}"]\n'
                'allow_methods = ["GET", "POST"]\n'
                'allow_headers = ["authorization", "x-api-key"]\n'
                "allow_credentials = true\n"
                "max_age = 120\n"
            ),
            "steps/open_step.py": _step("Open", "/open", None),
            "steps/key_step.py": _step("Keyed", "/keyed", {"type": "apiKey"}),
            "steps/partner_step.py": _step(
                "PartnerOnly",
                "/partner",
                {"type": "apiKey", "in": "query", "name": "token", "keys": ["partner"]},
            ),
            "steps/rs_step.py": _step("Rs", "/rs", rs256),
            "steps/es_step.py": _step(
                "Es", "/es", {"type": "jwt", "algorithms": ["ES256"], "jwksUrl": jwks.url}
            ),
            "steps/unset_step.py": _step(
                "Unset",
                "/unset",
                {"type": "jwt", "algorithms": ["HS256"], "secretEnv": "STEPHOST_TEST_UNSET"},
            ),
            "steps/orphan_step.py": _step("Orphan", "/orphan", {"type": "step", "step": "Nobody"}),
        },
    )
    data = root / "data"
    env = {"STEPHOST_DATA_DIR": str(data), "PARTNER_API_KEY": PARTNER_KEY}
    created = run_cli("apikey", "create", "--name", "ci", "-C", str(project), cwd=root, env=env)
    assert created.returncode == 0, created.stderr
    ci_key = created.stdout.strip()
    with StephostApp(project, env=env, data_dir=data) as app:
        yield Setup(app, project, env, ci_key, rsa_key, ec_key, jwks)
    jwks.close()


def _ran(app: StephostApp, response: Any) -> bool:
    """Whether the step's handler ran for this response (it logs before answering)."""
    trace_id = response.headers["x-trace-id"]
    app.wait_for(
        lambda: [x for x in app.logs(trace_id) if x["event"] == "api"], what="the api log line"
    )
    return any(x["event"] == "handler ran" for x in app.logs(trace_id))


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["traceId"] == response.headers["x-trace-id"]
    message: str = error["message"]
    return message


# -- API keys ------------------------------------------------------------------------


def test_api_key_from_the_store_lets_in(setup: Setup) -> None:
    response = setup.app.get("/keyed", headers={"x-api-key": setup.ci_key})
    assert response.status_code == 200
    assert response.json() == {"auth": {"type": "apiKey", "name": "ci"}}
    assert setup.ci_key.startswith("shk_")


def test_the_harness_makes_keys_for_project_tests(setup: Setup) -> None:
    key = setup.app.create_api_key("from-a-test")
    response = setup.app.get("/keyed", headers={"x-api-key": key})
    assert response.json() == {"auth": {"type": "apiKey", "name": "from-a-test"}}


def test_missing_and_unknown_api_keys_are_401_and_no_handler_runs(setup: Setup) -> None:
    app = setup.app
    missing = app.get("/keyed")
    assert "x-api-key header" in _error(missing, 401, "UNAUTHORIZED")
    assert missing.headers["www-authenticate"] == (
        'ApiKey realm="stephost", in="header", name="x-api-key"'
    )
    assert not _ran(app, missing)
    unknown = app.get("/keyed", headers={"x-api-key": setup.ci_key + "x"})
    assert "not valid" in _error(unknown, 401, "UNAUTHORIZED")
    assert not _ran(app, unknown)


def test_query_key_from_the_environment_and_the_keys_allow_list(setup: Setup) -> None:
    app = setup.app
    ok = app.get("/partner", params={"token": PARTNER_KEY})
    assert ok.status_code == 200
    assert ok.json() == {"auth": {"type": "apiKey", "name": "partner"}}
    # A good key, but not one this step lets in.
    other = app.get("/partner", params={"token": setup.ci_key})
    assert "'ci' may not call this step" in _error(other, 403, "FORBIDDEN")
    assert not _ran(app, other)
    # The key in a header does not count for a step that reads the query.
    assert app.get("/partner", headers={"x-api-key": PARTNER_KEY}).status_code == 401


def test_apikey_cli_lists_without_secrets_and_revokes_without_a_restart(setup: Setup) -> None:
    env, project = setup.env, str(setup.project)
    made = run_cli("apikey", "create", "--name", "temp", "-C", project, cwd=setup.project, env=env)
    temp = made.stdout.strip()
    assert setup.app.get("/keyed", headers={"x-api-key": temp}).status_code == 200
    listed = run_cli("apikey", "list", "-C", project, cwd=setup.project, env=env)
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert any(line.split()[:3] == ["ci", f"{setup.ci_key[:8]}...", "file"] for line in lines)
    assert any(line.split()[:3] == ["partner", f"{PARTNER_KEY[:8]}...", "env"] for line in lines)
    assert setup.ci_key not in listed.stdout and temp not in listed.stdout
    stored = (Path(env["STEPHOST_DATA_DIR"]) / "api-keys.json").read_text()
    assert temp not in stored and setup.ci_key not in stored
    assert (Path(env["STEPHOST_DATA_DIR"]) / "api-keys.json").stat().st_mode & 0o777 == 0o600

    again = run_cli("apikey", "create", "--name", "temp", "-C", project, cwd=setup.project, env=env)
    assert again.returncode == 1 and "a key named 'temp' exists" in again.stderr
    revoked = run_cli("apikey", "revoke", "temp", "-C", project, cwd=setup.project, env=env)
    assert revoked.returncode == 0, revoked.stderr
    refused = setup.app.get("/keyed", headers={"x-api-key": temp})
    _error(refused, 401, "UNAUTHORIZED")
    gone = run_cli("apikey", "revoke", "temp", "-C", project, cwd=setup.project, env=env)
    assert gone.returncode == 1 and "no key is named 'temp'" in gone.stderr


# -- JWT -----------------------------------------------------------------------------


def _rs(setup: Setup, **claims: Any) -> str:
    now = int(time.time())
    base = {
        "sub": "alice",
        "aud": "orders",
        "iss": ISSUER,
        "exp": now + 60,
        "scope": "orders:read profile",
    }
    return jwt.encode({**base, **claims}, setup.rsa_key, algorithm="RS256")


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_rs256_token_from_a_key_file_lets_in_with_its_claims(setup: Setup) -> None:
    response = setup.app.get("/rs", headers=_bearer(_rs(setup, tenant="t1")))
    assert response.status_code == 200, response.text
    auth = response.json()["auth"]
    assert auth["type"] == "jwt" and auth["subject"] == "alice"
    assert auth["claims"]["tenant"] == "t1"
    # Expired two seconds ago: within the step's leeway of 5 s.
    late = setup.app.get("/rs", headers=_bearer(_rs(setup, exp=int(time.time()) - 2)))
    assert late.status_code == 200


def test_bad_rs256_tokens_are_401_with_the_reason(setup: Setup) -> None:
    app = setup.app
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = setup.rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    claims = {"sub": "alice", "aud": "orders", "iss": ISSUER, "exp": now + 60}
    cases = {
        "has expired": _rs(setup, exp=now - 60),
        "Audience doesn't match": _rs(setup, aud="billing"),
        "Invalid issuer": _rs(setup, iss="https://evil.test"),
        "Signature verification failed": jwt.encode(claims, other_key, algorithm="RS256"),
        # The public key used as an HMAC secret: refused, the step only takes RS256.
        "alg value is not allowed": _hs_with_public_key(claims, pem),
        'Token is missing the "exp" claim': jwt.encode(
            {k: v for k, v in claims.items() if k != "exp"}, setup.rsa_key, algorithm="RS256"
        ),
        "Not enough segments": "not-a-jwt",
    }
    for reason, token in cases.items():
        response = app.get("/rs", headers=_bearer(token))
        assert reason in _error(response, 401, "UNAUTHORIZED"), reason
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith('Bearer realm="stephost", error="invalid_token"'), challenge
        assert not _ran(app, response)
    for header in ({}, {"authorization": "Basic YTpi"}, {"authorization": "Bearer"}):
        missing = app.get("/rs", headers=header)
        assert "bearer token is required" in _error(missing, 401, "UNAUTHORIZED")
        assert missing.headers["www-authenticate"] == 'Bearer realm="stephost"'


def _hs_with_public_key(claims: dict[str, Any], pem: bytes) -> str:
    """An HS256 token whose secret is the RSA public key (the algorithm-confusion attack),
    signed by hand: PyJWT itself refuses to use a PEM as an HMAC secret."""
    import base64
    import hashlib
    import hmac

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def test_token_without_the_scope_is_403(setup: Setup) -> None:
    response = setup.app.get("/rs", headers=_bearer(_rs(setup, scope="profile")))
    assert "lacks the scope(s) orders:read" in _error(response, 403, "FORBIDDEN")
    assert not _ran(setup.app, response)
    listed = setup.app.get("/rs", headers=_bearer(_rs(setup, scope=None, scp=["orders:read"])))
    assert listed.status_code == 200  # `scp` as a list counts too


def test_es256_token_checked_against_a_jwks_fetched_once(setup: Setup) -> None:
    now = int(time.time())
    token = jwt.encode(
        {"sub": "bob", "exp": now + 60}, setup.ec_key, algorithm="ES256", headers={"kid": "ec-1"}
    )
    before = setup.jwks.fetches
    for _ in range(3):
        response = setup.app.get("/es", headers=_bearer(token))
        assert response.status_code == 200, response.text
        assert response.json()["auth"]["subject"] == "bob"
    assert setup.jwks.fetches - before <= 1  # the keys are kept, not fetched per request
    unknown = jwt.encode(
        {"sub": "bob", "exp": now + 60}, setup.ec_key, algorithm="ES256", headers={"kid": "ec-9"}
    )
    assert "kid 'ec-9'" in _error(
        setup.app.get("/es", headers=_bearer(unknown)), 401, "UNAUTHORIZED"
    )
    other = ec.generate_private_key(ec.SECP256R1())
    forged = jwt.encode(
        {"sub": "bob", "exp": now + 60}, other, algorithm="ES256", headers={"kid": "ec-1"}
    )
    _error(setup.app.get("/es", headers=_bearer(forged)), 401, "UNAUTHORIZED")


# -- what cannot be checked stays closed ---------------------------------------------


def test_a_key_that_cannot_be_had_keeps_the_step_closed(setup: Setup) -> None:
    token = jwt.encode({"exp": int(time.time()) + 60}, "any-secret-of-thirty-two-bytes!!")
    response = setup.app.get("/unset", headers=_bearer(token))
    assert "STEPHOST_TEST_UNSET" in _error(response, 500, "AUTH_MISCONFIGURED")
    assert not _ran(setup.app, response)


def test_an_api_step_naming_no_auth_step_is_not_served(setup: Setup) -> None:
    assert setup.app.get("/orphan").status_code == 404
    (problem,) = [p for p in setup.app.problems() if p["error"].get("step") == "Orphan"]
    assert "no auth step is named 'Nobody'" in problem["error"]["message"]


# -- OpenAPI -------------------------------------------------------------------------


def test_openapi_declares_each_steps_security(setup: Setup) -> None:
    spec = setup.app.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["apiKey.header.x-api-key"] == {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
    }
    assert schemes["apiKey.query.token"] == {"type": "apiKey", "in": "query", "name": "token"}
    assert schemes["jwt"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    paths = spec["paths"]
    assert paths["/keyed"]["get"]["security"] == [{"apiKey.header.x-api-key": []}]
    assert paths["/rs"]["get"]["security"] == [{"jwt": ["orders:read"]}]
    assert {"401", "403"} <= set(paths["/rs"]["get"]["responses"])
    assert "security" not in paths["/open"]["get"]
    assert "401" not in paths["/open"]["get"]["responses"]


# -- CORS ----------------------------------------------------------------------------


def test_cors_preflight_from_an_allowed_origin(setup: Setup) -> None:
    response = setup.app.request(
        "OPTIONS",
        "/keyed",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-api-key",
        },
    )
    assert response.status_code == 200
    headers = response.headers
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["access-control-allow-credentials"] == "true"
    assert headers["access-control-max-age"] == "120"
    assert set(headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
    assert "x-api-key" in headers["access-control-allow-headers"].lower()


def test_cors_refuses_other_origins_methods_and_headers(setup: Setup) -> None:
    def preflight(origin: str, method: str = "GET", asked: str = "x-api-key") -> Any:
        return setup.app.request(
            "OPTIONS",
            "/keyed",
            headers={
                "origin": origin,
                "access-control-request-method": method,
                "access-control-request-headers": asked,
            },
        )

    for response in (
        preflight("https://evil.example"),
        preflight(ORIGIN, method="DELETE"),
        preflight(ORIGIN, asked="x-secret"),
    ):
        assert response.status_code == 400
    assert "access-control-allow-origin" not in preflight("https://evil.example").headers


def test_cors_headers_on_responses_and_never_on_the_admin_api(setup: Setup) -> None:
    app = setup.app
    ok = app.get("/keyed", headers={"origin": ORIGIN, "x-api-key": setup.ci_key})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    assert ok.headers["access-control-expose-headers"] == "x-trace-id"
    refused = app.get("/keyed", headers={"origin": ORIGIN})  # a 401 is readable too
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == ORIGIN
    foreign = app.get("/open", headers={"origin": "https://evil.example"})
    assert foreign.status_code == 200
    assert "access-control-allow-origin" not in foreign.headers
    admin = app.get("/_stephost/health", headers={"origin": ORIGIN})
    assert "access-control-allow-origin" not in admin.headers
