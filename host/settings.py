"""Settings: defaults, then ``stephost.toml`` at the project root, then STEPHOST_* env.

Nested keys use ``__`` in the environment: ``STEPHOST_RUNTIMES__NODE__PROCESSES=2``
is ``[runtimes.node] processes = 2`` in ``stephost.toml``.
"""

from __future__ import annotations

import ipaddress
import socket
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .admin_tokens import TokenStore
from .errors import ProjectError

CONFIG_FILE = "stephost.toml"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class RuntimeSettings(BaseModel):
    """How the host runs one language's runtime."""

    processes: int = Field(default=1, ge=1, le=64)


class RetentionSettings(BaseModel):
    """How much recent telemetry the host keeps in memory for the Workbench."""

    spans: int = Field(default=20_000, ge=1)
    logs: int = Field(default=20_000, ge=1)
    messages: int = Field(default=10_000, ge=1)  # emitted, for GET /_stephost/messages
    age_s: float = Field(default=3600.0, gt=0)


class CorsSettings(BaseModel):
    """Which other origins' pages may call the api steps (``[cors]``); off by default."""

    model_config = ConfigDict(extra="forbid")

    allow_origins: list[str] = Field(default_factory=list)  # ["*"] for any
    allow_methods: list[str] = Field(
        default_factory=lambda: ["GET", "POST", "PUT", "PATCH", "DELETE"]
    )
    allow_headers: list[str] = Field(default_factory=lambda: ["content-type", "authorization"])
    allow_credentials: bool = False
    expose_headers: list[str] = Field(default_factory=lambda: ["x-trace-id"])
    max_age: int = Field(default=600, ge=0, le=86_400)

    @model_validator(mode="after")
    def _no_credentials_for_everyone(self) -> CorsSettings:
        if self.allow_credentials and "*" in self.allow_origins:
            raise ValueError(
                'allow_credentials = true needs the origins listed: with "*" any site '
                "could call the api steps with its visitors' cookies"
            )
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STEPHOST_", env_nested_delimiter="__", extra="forbid"
    )

    host: str = "127.0.0.1"
    port: int = Field(default=3111, ge=0, le=65535)
    data_dir: Path = Path(".stephost")
    # Where state and the queue live: empty for SQLite files in data_dir, or a Redis URL
    # (redis://, rediss://, unix://) that several hosts share. `backend` in the file.
    backend_url: str = ""
    # Host processes of `stephost start`, sharing the port and the backend (N > 1: Redis).
    workers: int = Field(default=1, ge=1, le=64)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # Request limits (README "Limits"): over them a request gets a 4xx, nothing runs.
    max_header_count: int = Field(default=100, ge=1)
    max_header_bytes: int = Field(default=32 * 1024, ge=256)
    max_json_depth: int = Field(default=64, ge=1, le=250)
    header_timeout_s: float = Field(default=10.0, gt=0)
    body_timeout_s: float = Field(default=30.0, gt=0)
    keep_alive_timeout_s: float = Field(default=5.0, gt=0)
    # The largest message between host and runtimes (an event's data, a result, a
    # call); below gRPC's 64 MiB, so a bigger one fails alone instead of the stream.
    # Deliveries a step may have waiting; an emit to its topics over it fails (503).
    max_queue_depth: int = Field(default=100_000, ge=1)
    max_message_bytes: int = Field(default=16 * 1024 * 1024, ge=64 * 1024, le=48 * 1024 * 1024)
    log_level: Literal["debug", "info", "warn", "error"] = "info"
    log_format: Literal["auto", "json", "console"] = "auto"
    runtimes: dict[str, RuntimeSettings] = Field(default_factory=dict)
    runtime_start_timeout_s: float = Field(default=20.0, gt=0)
    dedup_window_s: float = Field(default=600.0, ge=0)
    drain_grace_s: float = Field(default=10.0, ge=0)
    contracts_dir: str = "contracts"
    gen_dir: str = "generated"
    # auto: OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set.
    otel_exporter: Literal["auto", "none", "console", "otlp"] = "auto"
    service_name: str = ""
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    # The admin listener: the admin API, the Workbench and metrics (/_stephost/), on a port
    # of its own (admin_port: port + 1 by default; 0 with port 0), on loopback by default.
    # admin = false: no admin listener at all.
    admin: bool = True
    admin_host: str = "127.0.0.1"
    admin_port: int = Field(default=3112, ge=0, le=65535)  # unset: port + 1 (see below)
    # auto: the admin listener needs a bearer token when it is off loopback; token: always.
    admin_auth: Literal["auto", "token"] = "auto"
    # Host names the admin listener answers to, beside IP addresses and localhost.
    admin_allowed_hosts: list[str] = Field(default_factory=list)
    # The gateway's TCP listener for remote runtimes (`stephost runtime --connect`):
    # none while gateway_host is empty (local runtimes use a Unix socket). Every
    # connection on it needs a token of the runtime role; TLS when both files are given.
    gateway_host: str = ""
    gateway_port: int = Field(default=3113, ge=0, le=65535)
    gateway_tls_cert: str = ""  # PEM certificate chain (a path from the project folder)
    gateway_tls_key: str = ""  # its PEM private key
    # An unknown key in a step config makes the step a load problem (else a warning).
    strict: bool = False
    cors: CorsSettings = Field(default_factory=CorsSettings)
    # API keys besides the data folder's: key name -> the environment variable holding it.
    api_keys: dict[str, str] = Field(default_factory=dict)

    @field_validator("backend_url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        if url in ("", "sqlite") or url.startswith(REDIS_SCHEMES):
            return "" if url == "sqlite" else url
        raise ValueError(
            f"{url!r} is not a backend: use a Redis URL (redis://host:6379/0, "
            "rediss://… or unix://…), or leave it out for SQLite"
        )

    @model_validator(mode="after")
    def _tls_needs_both_files(self) -> Settings:
        if bool(self.gateway_tls_cert) != bool(self.gateway_tls_key):
            raise ValueError(
                "gateway_tls_cert and gateway_tls_key go together: give both files for TLS, "
                "or neither"
            )
        return self

    @model_validator(mode="after")
    def _requests_fit_in_a_message(self) -> Settings:
        # An api request travels to its runtime as one message: body, headers and room
        # for the rest of it.
        needed = self.max_body_bytes + self.max_header_bytes + 64 * 1024
        if needed > self.max_message_bytes:
            raise ValueError(
                f"max_body_bytes ({self.max_body_bytes}) + max_header_bytes "
                f"({self.max_header_bytes}) + 64 KiB must fit in max_message_bytes "
                f"({self.max_message_bytes}): lower the first or raise the last"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment overrides the file (passed in as init values).
        return env_settings, init_settings

    def runtime(self, language: str) -> RuntimeSettings:
        return self.runtimes.get(language) or RuntimeSettings()

    @property
    def admin_tokens_required(self) -> bool:
        """Whether every request to the admin listener needs a bearer token."""
        return self.admin and (self.admin_auth == "token" or not is_loopback(self.admin_host))

    @property
    def admin_listen_port(self) -> int:
        """The admin listener's port: ``admin_port``, else the api port + 1 (a free one
        when the api port is 0)."""
        if "admin_port" in self.model_fields_set:
            return self.admin_port
        return self.port + 1 if self.port else 0


def load_settings(project: Path, *, serving: bool = True, **overrides: Any) -> Settings:
    """Settings for ``project``; ``overrides`` (CLI flags) win over everything.
    ``serving``: refuse settings the host could not serve safely (an admin listener
    off loopback without tokens); False for commands that only read the settings."""
    file_values: dict[str, Any] = {}
    config_file = project / CONFIG_FILE
    if config_file.exists():
        try:
            file_values = tomllib.loads(config_file.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ProjectError(f"{config_file}: {exc}") from None
        if "backend" in file_values:  # the file's short name for backend_url
            file_values["backend_url"] = file_values.pop("backend")
    try:
        settings = Settings(**file_values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ProjectError(f"bad settings ({config_file} or STEPHOST_*): {problems}") from None
    clean = {k: v for k, v in overrides.items() if v is not None}
    if clean:
        settings = settings.model_copy(update=clean)
    if not settings.data_dir.is_absolute():
        settings = settings.model_copy(update={"data_dir": project / settings.data_dir})
    tls_files = {
        name: str(project / path)
        for name in ("gateway_tls_cert", "gateway_tls_key")
        if (path := getattr(settings, name)) and not Path(path).is_absolute()
    }
    if tls_files:
        settings = settings.model_copy(update=tls_files)
    if (
        serving
        and settings.admin_tokens_required
        and not TokenStore(settings.data_dir).has_admin_tokens()
    ):
        where = (
            f"on {settings.admin_host}"
            if not is_loopback(settings.admin_host)
            else 'with admin_auth = "token"'
        )
        raise ProjectError(
            f"refusing to serve the admin API {where}: it needs tokens there, and there is "
            "none; make one (`stephost token create --role admin`), listen on 127.0.0.1 "
            "(--admin-host), or set STEPHOST_ADMIN=false"
        )
    return settings


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback one."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos
    )
