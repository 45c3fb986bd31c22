"""The `auth` entry of an api step's config, checked: which credential the step takes.

    {"type": "apiKey", "in": "header", "name": "x-api-key", "keys": ["ci"]}
    {"type": "jwt", "algorithms": ["RS256"], "jwksUrl": "https://.../jwks.json",
     "audience": "orders", "issuer": "https://issuer", "leeway": 30, "scopes": ["orders:write"]}
    {"type": "step", "step": "CheckToken"}

A mistake here would leave a route open, so an unknown key is an error (with a "did
you mean"), never a warning.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

JWT_ALGORITHMS = ("HS256", "RS256", "ES256")
DEFAULT_API_KEY_HEADER = "x-api-key"
DEFAULT_API_KEY_PARAM = "api_key"
KEYS_OF: dict[str, tuple[str, ...]] = {
    "apiKey": ("type", "in", "name", "keys"),
    "jwt": (
        "type",
        "algorithms",
        "secretEnv",
        "keyFile",
        "jwksUrl",
        "audience",
        "issuer",
        "leeway",
        "scopes",
    ),
    "step": ("type", "step"),
}


class AuthConfigError(ValueError):
    """An `auth` entry that cannot be enforced; the message names the field."""


@dataclass(frozen=True, slots=True)
class ApiKeyAuth:
    """An API key from the project's key store, in a header or a query parameter."""

    location: str  # "header" or "query"
    name: str  # the header (lower case) or the query parameter
    keys: tuple[str, ...] = ()  # the key names let in; empty: every key in the store


@dataclass(frozen=True, slots=True)
class JwtAuth:
    """A JWT in ``Authorization: Bearer``, checked with one key source."""

    algorithms: tuple[str, ...]
    secret_env: str = ""  # HS256: the environment variable that holds the secret
    key_file: str = ""  # a PEM public key (RS256/ES256) or the secret (HS256)
    jwks_url: str = ""  # RS256/ES256: keys picked by the token's `kid`
    audience: tuple[str, ...] = ()
    issuer: str = ""
    leeway_s: float = 0.0
    scopes: tuple[str, ...] = ()  # each must be in the token's `scope` (or `scp`)


@dataclass(frozen=True, slots=True)
class StepAuth:
    """A custom auth step (type "auth", any language) decides."""

    step: str


AuthSpec = ApiKeyAuth | JwtAuth | StepAuth


def parse_auth(raw: Any) -> AuthSpec:
    """Check an `auth` entry; AuthConfigError names the first problem."""
    if not isinstance(raw, dict):
        raise AuthConfigError(f"must be an object with a `type`, got {raw!r}")
    kind = raw.get("type")
    if kind not in KEYS_OF:
        guess = _close(str(kind), list(KEYS_OF))
        raise AuthConfigError(
            f"`type` must be one of {', '.join(KEYS_OF)}, got {kind!r}{_hint(guess)}"
        )
    for key in raw:
        if key not in KEYS_OF[kind]:
            guess = _close(str(key), list(KEYS_OF[kind]))
            raise AuthConfigError(f"unknown key `{key}` for {kind} auth{_hint(guess)}")
    if kind == "apiKey":
        return _api_key(raw)
    if kind == "jwt":
        return _jwt(raw)
    step = raw.get("step")
    if not isinstance(step, str) or not step:
        raise AuthConfigError(f"`step` must name a step of type auth, got {step!r}")
    return StepAuth(step)


def _api_key(raw: dict[str, Any]) -> ApiKeyAuth:
    location = raw.get("in", "header")
    if location not in ("header", "query"):
        raise AuthConfigError(f"`in` must be header or query, got {location!r}")
    default = DEFAULT_API_KEY_HEADER if location == "header" else DEFAULT_API_KEY_PARAM
    name = raw.get("name", default)
    if not isinstance(name, str) or not name:
        raise AuthConfigError(f"`name` must be a non-empty string, got {name!r}")
    keys = _strings(raw, "keys")
    return ApiKeyAuth(location, name.lower() if location == "header" else name, keys)


def _jwt(raw: dict[str, Any]) -> JwtAuth:
    algorithms = _strings(raw, "algorithms")
    if not algorithms:
        raise AuthConfigError(f"`algorithms` must list one or more of {', '.join(JWT_ALGORITHMS)}")
    for algorithm in algorithms:
        if algorithm not in JWT_ALGORITHMS:
            guess = _close(algorithm.upper(), list(JWT_ALGORITHMS))
            raise AuthConfigError(
                f"`algorithms`: {algorithm!r} is not one of {', '.join(JWT_ALGORITHMS)}"
                f"{_hint(guess)}"
            )
    symmetric = {a.startswith("HS") for a in algorithms}
    if len(symmetric) > 1:
        # A public key must never be usable as an HMAC secret (algorithm confusion).
        raise AuthConfigError("`algorithms` cannot mix HS256 with RS256/ES256")
    sources = [key for key in ("secretEnv", "keyFile", "jwksUrl") if raw.get(key) is not None]
    if len(sources) != 1:
        raise AuthConfigError(
            "give exactly one key source: `secretEnv` or `keyFile` (HS256), `keyFile` "
            f"(a PEM public key) or `jwksUrl` (RS256/ES256); got {sources or 'none'}"
        )
    source = sources[0]
    value = raw[source]
    if not isinstance(value, str) or not value:
        raise AuthConfigError(f"`{source}` must be a non-empty string, got {value!r}")
    if symmetric == {True} and source == "jwksUrl":
        raise AuthConfigError("HS256 takes its secret from `secretEnv` or `keyFile`, not a JWKS")
    if symmetric == {False} and source == "secretEnv":
        raise AuthConfigError(
            "RS256/ES256 verify with a public key: give `keyFile` or `jwksUrl`, not `secretEnv`"
        )
    if source == "jwksUrl" and not value.startswith(("https://", "http://")):
        raise AuthConfigError(f"`jwksUrl` must be an http(s) URL, got {value!r}")
    audience = raw.get("audience")
    audiences = (audience,) if isinstance(audience, str) and audience else _strings(raw, "audience")
    issuer = raw.get("issuer", "")
    if not isinstance(issuer, str):
        raise AuthConfigError(f"`issuer` must be a string, got {issuer!r}")
    leeway = raw.get("leeway", 0)
    if isinstance(leeway, bool) or not isinstance(leeway, int | float) or not 0 <= leeway <= 3600:
        raise AuthConfigError(
            f"`leeway` must be a number of seconds from 0 to 3600, got {leeway!r}"
        )
    return JwtAuth(
        algorithms=algorithms,
        secret_env=value if source == "secretEnv" else "",
        key_file=value if source == "keyFile" else "",
        jwks_url=value if source == "jwksUrl" else "",
        audience=audiences,
        issuer=issuer,
        leeway_s=float(leeway),
        scopes=_strings(raw, "scopes"),
    )


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise AuthConfigError(f"`{key}` must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def _close(word: str, candidates: list[str]) -> str | None:
    for candidate in candidates:
        if candidate.lower() == word.lower():
            return candidate
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _hint(guess: str | None) -> str:
    return f" (did you mean `{guess}`?)" if guess else ""
