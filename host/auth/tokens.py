"""JWT checks for api steps, through PyJWT: the key from an env var, a key file or a JWKS.

A token must be signed with one of the step's algorithms, carry ``exp``, and (when the
step says so) the audience, issuer and scopes; ``leeway`` forgives clock skew on
``exp``/``nbf``/``iat``. Keys from a JWKS are fetched on a worker thread (PyJWT's client
is blocking), picked by the token's ``kid``, and kept for ``JWKS_LIFESPAN_S``; an
unknown ``kid`` refetches at most once per ``JWKS_COOLDOWN_S``.

PyJWT and cryptography are imported by the first verifier (a project with no JWT step
never pays their start-up time and memory).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import JwtAuth

if TYPE_CHECKING:
    import jwt

JWKS_LIFESPAN_S = 300.0
JWKS_COOLDOWN_S = 10.0
JWKS_TIMEOUT_S = 5.0


class TokenRejected(Exception):
    """The token is not good; ``forbidden`` when it is valid but lacks a scope."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.forbidden = forbidden


class KeySetupError(Exception):
    """The step's key cannot be had (an unset env var, a missing or wrong key file)."""


class JwtVerifier:
    """Checks the tokens of one step's `auth`."""

    def __init__(self, spec: JwtAuth, project: Path) -> None:
        import jwt

        self._spec = spec
        self._key: Any = None
        self._jwks: jwt.PyJWKClient | None = None
        self._jwks_keys: dict[str, tuple[float, Any]] = {}
        if spec.jwks_url:
            self._jwks = jwt.PyJWKClient(
                spec.jwks_url,
                lifespan=JWKS_LIFESPAN_S,
                timeout=JWKS_TIMEOUT_S,
                cooldown_duration=JWKS_COOLDOWN_S,
            )
        elif spec.secret_env:
            secret = os.environ.get(spec.secret_env, "")
            if not secret:
                raise KeySetupError(
                    f"`auth`.`secretEnv` names the environment variable {spec.secret_env}, "
                    "which is not set (or empty)"
                )
            self._key = secret.encode()
        else:
            self._key = _key_file(project / spec.key_file, spec)

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; TokenRejected says why it is not accepted."""
        import jwt

        spec = self._spec
        key = self._key if self._jwks is None else await self._jwks_key(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=list(spec.algorithms),
                audience=list(spec.audience) or None,
                issuer=spec.issuer or None,
                leeway=spec.leeway_s,
                options={"require": ["exp"], "verify_aud": bool(spec.audience)},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("the token has expired") from None
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"the token is not valid: {exc}") from None
        missing = [scope for scope in spec.scopes if scope not in _scopes(claims)]
        if missing:
            raise TokenRejected(
                f"the token lacks the scope(s) {', '.join(missing)}", forbidden=True
            )
        return claims

    async def _jwks_key(self, token: str) -> Any:
        import jwt

        assert self._jwks is not None
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError as exc:
            raise TokenRejected(f"the token is not valid: {exc}") from None
        if not isinstance(kid, str) or not kid:
            raise TokenRejected("the token has no `kid` header to pick a key of the JWKS by")
        now = time.monotonic()
        cached = self._jwks_keys.get(kid)
        if cached is not None and now - cached[0] < JWKS_LIFESPAN_S:
            return cached[1]
        try:
            found = await asyncio.to_thread(self._jwks.get_signing_key, kid)
        except jwt.PyJWKClientConnectionError as exc:
            raise KeySetupError(
                f"the JWKS at {self._spec.jwks_url} could not be fetched: {exc}"
            ) from None
        except jwt.PyJWKClientError as exc:
            raise TokenRejected(
                f"no key of the JWKS matches the token's kid {kid!r}: {exc}"
            ) from None
        self._jwks_keys[kid] = (now, found.key)
        return found.key


def _key_file(path: Path, spec: JwtAuth) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        content = path.read_bytes()
    except OSError as exc:
        raise KeySetupError(f"`auth`.`keyFile` {path}: {exc.strerror or exc}") from None
    if spec.algorithms[0].startswith("HS"):
        secret = content.strip()
        if not secret:
            raise KeySetupError(f"`auth`.`keyFile` {path} is empty")
        return secret
    try:
        key = load_pem_public_key(content)
    except ValueError as exc:
        raise KeySetupError(f"`auth`.`keyFile` {path} is not a PEM public key: {exc}") from None
    wanted = {"RS256": rsa.RSAPublicKey, "ES256": ec.EllipticCurvePublicKey}
    if not any(isinstance(key, wanted[a]) for a in spec.algorithms):
        raise KeySetupError(
            f"`auth`.`keyFile` {path} holds a {type(key).__name__}, which none of "
            f"{', '.join(spec.algorithms)} verifies with"
        )
    return key


def _scopes(claims: dict[str, Any]) -> set[str]:
    """OAuth's ``scope`` (space-separated) and ``scp`` (a list, or a string)."""
    out: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            out.update(value.split())
        elif isinstance(value, list):
            out.update(str(v) for v in value)
    return out
