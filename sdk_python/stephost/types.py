"""Values a step handler receives and returns, and the shapes of step configs.

Configs are plain dicts (they travel as JSON to the host); the TypedDicts below
exist so that type checkers can check them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, TypedDict

from stephost.motia import RequestMapping


@dataclass(frozen=True, slots=True)
class ApiRequest(RequestMapping):
    """An HTTP request routed to an api step. Header names are lower case.

    It reads as a dict too, with the keys of the wire (``req["pathParams"]``,
    ``req.get("body")``), as Motia steps expect.
    """

    body: Any
    path_params: dict[str, str]
    query_params: dict[str, str | list[str]]
    headers: dict[str, str]
    method: str = "GET"
    path: str = "/"


@dataclass(slots=True)
class ApiResponse:
    """What an api handler returns; a dict with the same keys works too."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class StateItem(TypedDict):
    """One entry of ``ctx.state.list(group)``."""

    key: str
    value: Any


class StreamItem(TypedDict):
    """One entry of ``ctx.streams.list(stream, group)``."""

    id: str
    value: Any


class EmitSpec(TypedDict):
    """An entry of ``emits`` that names a topic with extra metadata."""

    topic: str
    type: NotRequired[str]
    label: NotRequired[str]


class Limits(TypedDict):
    """An isolated step's limits: ``memoryMb`` (RLIMIT_DATA, at least 64) and
    ``cpuSeconds`` (RLIMIT_CPU: CPU time over the process's life)."""

    memoryMb: NotRequired[int]
    cpuSeconds: NotRequired[int]


class _BaseConfig(TypedDict):
    name: str
    description: NotRequired[str]
    flows: NotRequired[list[str]]
    emits: NotRequired[list[str | EmitSpec]]
    timeoutMs: NotRequired[int]
    concurrency: NotRequired[int]
    isolated: NotRequired[bool]  # a runtime process of its own, restarted alone
    limits: NotRequired[Limits]  # what that process may use (needs isolated)


# An api step's `auth`: who may call it (the handler reads the principal as ctx.auth).
ApiKeyAuth = TypedDict(  # functional form: `in` is a keyword
    "ApiKeyAuth",
    {
        "type": Literal["apiKey"],
        "in": NotRequired[Literal["header", "query"]],
        "name": NotRequired[str],
        "keys": NotRequired[list[str]],
    },
)


class JwtAuth(TypedDict):
    type: Literal["jwt"]
    algorithms: list[Literal["HS256", "RS256", "ES256"]]
    secretEnv: NotRequired[str]
    keyFile: NotRequired[str]
    jwksUrl: NotRequired[str]
    audience: NotRequired[str | list[str]]
    issuer: NotRequired[str]
    leeway: NotRequired[float]
    scopes: NotRequired[list[str]]


class StepAuth(TypedDict):
    type: Literal["step"]
    step: str  # the name of an auth step


AuthSpec = ApiKeyAuth | JwtAuth | StepAuth


class ApiConfig(_BaseConfig):
    type: Literal["api"]
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    path: str
    bodySchema: NotRequired[Any]
    responseSchema: NotRequired[Any]
    auth: NotRequired[AuthSpec]


class EventConfig(_BaseConfig):
    type: Literal["event"]
    subscribes: list[str]
    input: NotRequired[Any]
    maxAttempts: NotRequired[int]
    backoffMs: NotRequired[int]


class CronConfig(_BaseConfig):
    type: Literal["cron"]
    cron: str
    maxAttempts: NotRequired[int]
    backoffMs: NotRequired[int]


class NoopConfig(_BaseConfig):
    type: Literal["noop"]
    subscribes: NotRequired[list[str]]


class AuthConfig(_BaseConfig):
    """A custom auth step: ``handler(req, ctx)`` gets an api request (without its body)
    and returns the principal, or None to refuse it (401); ``StepError(code="FORBIDDEN")``
    refuses it with 403."""

    type: Literal["auth"]


StepConfig = ApiConfig | EventConfig | CronConfig | NoopConfig | AuthConfig
