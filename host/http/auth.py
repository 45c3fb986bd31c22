"""Who may call an api step: its `auth` checked before the body is read or a handler runs.

``Authenticator.check`` returns the principal as JSON (what the handler reads as
``ctx.auth``), or raises ``UnauthorizedError`` (401, with a WWW-Authenticate challenge:
no credential, or one that is not good) or ``ForbiddenError`` (403: a good credential
that does not let this caller in). The kinds (see ``host.auth.config``):

- ``apiKey``: a key of the project's store (``host.auth.keys``) in a header or a query
  parameter; principal ``{"type": "apiKey", "name": ...}``;
- ``jwt``: a bearer token (``host.auth.tokens``); principal
  ``{"type": "jwt", "subject": sub, "claims": {...}}``;
- ``step``: a custom auth step, in any language, gets the request (no body) and
  returns the principal, or null to refuse; its StepError with code FORBIDDEN (or
  UNAUTHORIZED) refuses with 403 (or 401) and its message.
"""

from __future__ import annotations

import time
from pathlib import Path

import orjson

from ..auth.config import ApiKeyAuth, JwtAuth, StepAuth
from ..auth.keys import ApiKeyStore
from ..auth.tokens import JwtVerifier, KeySetupError, TokenRejected
from ..catalog import Catalog, StepConfig
from ..errors import ForbiddenError, HostError, StepFailedError, UnauthorizedError
from ..invocation import ApiRequest, Invocation
from ..runtimes.pool import RuntimePool
from ..telemetry import Span, get_logger, new_span_id, spans

REALM = 'realm="stephost"'
DENIED = (b"", b"null", b"false")

log = get_logger(component="auth")


class AuthMisconfiguredError(HostError):
    """The step's auth cannot check anything (its key is missing): nobody gets in."""

    code = "AUTH_MISCONFIGURED"


class Authenticator:
    """The auth of every api step of the current catalog."""

    def __init__(self, project: Path, keys: ApiKeyStore, pool: RuntimePool) -> None:
        self._project = project
        self._keys = keys
        self._pool = pool
        self._steps: dict[str, StepConfig] = {}
        self._verifiers: dict[str, JwtVerifier | KeySetupError] = {}

    def apply(self, catalog: Catalog) -> None:
        """Set up the checks of ``catalog``'s api steps (keys are read now)."""
        self._steps = dict(catalog.steps)
        verifiers: dict[str, JwtVerifier | KeySetupError] = {}
        for step in catalog.of_type("api"):
            if isinstance(step.auth, JwtAuth):
                try:
                    verifiers[step.name] = JwtVerifier(step.auth, self._project)
                except KeySetupError as exc:
                    log.error("api step auth cannot check tokens", step=step.name, error=str(exc))
                    verifiers[step.name] = exc
        self._verifiers = verifiers

    async def check(
        self, step: StepConfig, request: ApiRequest, trace_id: str, span_id: str, tracestate: str
    ) -> bytes:
        """The principal as JSON; raises when the request may not reach the handler."""
        spec = step.auth
        if isinstance(spec, ApiKeyAuth):
            return self._api_key(spec, request)
        if isinstance(spec, JwtAuth):
            return await self._jwt(step, spec, request)
        if isinstance(spec, StepAuth):
            return await self._step(step, spec, request, trace_id, span_id, tracestate)
        return b""

    def _api_key(self, spec: ApiKeyAuth, request: ApiRequest) -> bytes:
        if spec.location == "header":
            presented = request.headers.get(spec.name, "")
        else:
            values = request.query_params.get(spec.name) or [""]
            presented = values[0]
        key = self._keys.find(presented) if presented else None
        if key is None:
            where = (
                f"the {spec.name} {'header' if spec.location == 'header' else 'query parameter'}"
            )
            challenge = f'ApiKey {REALM}, in="{spec.location}", name="{spec.name}"'
            what = (
                f"the API key in {where} is not valid"
                if presented
                else f"an API key is required in {where}"
            )
            raise UnauthorizedError(what, challenge=challenge)
        if spec.keys and key.name not in spec.keys:
            raise ForbiddenError(f"the API key {key.name!r} may not call this step")
        return key.principal

    async def _jwt(self, step: StepConfig, spec: JwtAuth, request: ApiRequest) -> bytes:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise UnauthorizedError(
                "a bearer token is required (Authorization: Bearer <JWT>)",
                challenge=f"Bearer {REALM}",
            )
        verifier = self._verifiers.get(step.name)
        if verifier is None or isinstance(verifier, KeySetupError):
            raise AuthMisconfiguredError(
                f"{step.name} cannot check tokens: {verifier or 'no verifier'}"
            )
        try:
            claims = await verifier.verify(token)
        except TokenRejected as exc:
            if exc.forbidden:
                raise ForbiddenError(exc.message) from None
            description = exc.message.replace('"', "'")
            challenge = f'Bearer {REALM}, error="invalid_token", error_description="{description}"'
            raise UnauthorizedError(exc.message, challenge=challenge) from None
        except KeySetupError as exc:
            log.error("api step auth cannot check tokens", step=step.name, error=str(exc))
            raise AuthMisconfiguredError(f"{step.name} cannot check tokens: {exc}") from None
        return orjson.dumps({"type": "jwt", "subject": claims.get("sub"), "claims": claims})

    async def _step(
        self,
        step: StepConfig,
        spec: StepAuth,
        request: ApiRequest,
        trace_id: str,
        parent_id: str,
        tracestate: str,
    ) -> bytes:
        auth_step = self._steps.get(spec.step)
        if auth_step is None:  # the catalog refuses such a step; a reload may race
            raise AuthMisconfiguredError(f"{step.name}: the auth step {spec.step} is not loaded")
        span_id = new_span_id()
        invocation = Invocation(
            auth_step, "auth", b"", trace_id, span_id, request=request, tracestate=tracestate
        )
        started = time.perf_counter()
        start_ms = time.time() * 1000
        failure = None
        try:
            outcome = await self._pool.invoke(invocation)
            failure = outcome.failure
        finally:
            spans.record(
                Span(
                    trace_id=trace_id,
                    span_id=span_id,
                    parent_id=parent_id,
                    name=f"auth {step.name}",
                    step=auth_step.name,
                    language=auth_step.language,
                    kind="auth",
                    start_unix_ms=start_ms,
                    duration_ms=(time.perf_counter() - started) * 1000,
                    status="error"
                    if failure is not None and _denial(failure.code) is None
                    else "ok",
                    error=failure.to_json() if failure is not None else None,
                )
            )
        challenge = f'Custom {REALM}, step="{auth_step.name}"'
        if failure is not None:
            denial = _denial(failure.code)
            if denial == 403:
                raise ForbiddenError(failure.message or f"{auth_step.name} refused the request")
            if denial == 401:
                message = failure.message or f"{auth_step.name} refused the request"
                raise UnauthorizedError(message, challenge=challenge)
            log.error(
                "auth step failed",
                step=auth_step.name,
                language=auth_step.language,
                trace_id=trace_id,
                error=failure.to_json(),
            )
            raise StepFailedError(failure)
        output = outcome.output or b""
        if output.strip() in DENIED:
            raise UnauthorizedError(
                f"{auth_step.name} did not accept the request's credentials", challenge=challenge
            )
        return output


def _denial(code: str) -> int | None:
    return {"FORBIDDEN": 403, "UNAUTHORIZED": 401}.get(code)
