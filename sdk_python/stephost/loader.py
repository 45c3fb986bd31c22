"""Finds and imports ``*_step.py`` files; one failing file never hides the others.

Step files live under ``steps/`` and ``src/`` (Motia's layouts); stream files
(``*_stream.py``) beside them declare streams.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from stephost import motia

STEP_GLOB = "*_step.py"
STREAM_GLOB = "*_stream.py"
STEP_DIRS = ("steps", "src")
# Never searched for steps: installed packages (Motia keeps a virtualenv in python_modules).
SKIPPED_DIRS = frozenset({"node_modules", "python_modules", "__pycache__"})
_SCHEMA_KEYS = ("bodySchema", "input")


@dataclass(frozen=True, slots=True)
class LoadedStep:
    """A step file that imported and defines ``config`` and ``handler``."""

    name: str
    file: str
    type: str
    config: dict[str, Any]
    handler: Callable[..., Any]
    is_async: bool
    message_type: str = ""  # set when the step opts in to typed objects ("typed": True)
    middleware: tuple[motia.Middleware, ...] = ()  # an api config's `middleware`


@dataclass(frozen=True, slots=True)
class LoadedStream:
    """A stream file's declaration: its name, and its config as JSON."""

    name: str
    file: str
    config: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FileFailure:
    """A step file that could not be loaded, and why."""

    file: str
    code: str
    error: BaseException


def find_step_files(project: Path, pattern: str = STEP_GLOB) -> list[Path]:
    """Files matching ``pattern`` under ``steps/`` and ``src/``, outside dot-folders
    and installed packages."""
    found = []
    for folder in STEP_DIRS:
        for path in (project / folder).rglob(pattern):
            parts = path.relative_to(project).parts
            if path.is_file() and not any(
                part.startswith(".") or part in SKIPPED_DIRS for part in parts
            ):
                found.append(path)
    return sorted(found)


def load_steps(project: Path) -> tuple[list[LoadedStep], list[FileFailure]]:
    """Import every step file under ``project/steps``.

    The project root and each step's folder go on ``sys.path``, so a step may
    import the project's packages (``from lib import db``) and its siblings.
    """
    from stephost.typed import add_generated_to_path

    project = project.resolve()
    _prepend_path(project)
    add_generated_to_path(project)
    steps: list[LoadedStep] = []
    failures: list[FileFailure] = []
    for path in find_step_files(project):
        rel = path.relative_to(project).as_posix()
        _prepend_path(path.parent)
        try:
            module = _import_file(path, project)
        except BaseException as exc:  # a step file may raise anything, SystemExit included
            failures.append(FileFailure(rel, "LOAD_FAILED", exc))
            continue
        try:
            steps.append(_step_from_module(module, rel))
        except BadStepError as exc:
            failures.append(FileFailure(rel, "BAD_CONFIG", exc))
    return steps, failures


def load_streams(project: Path) -> tuple[list[LoadedStream], list[FileFailure]]:
    """Import every stream file (``*_stream.py``); call after ``load_steps``."""
    project = project.resolve()
    streams: list[LoadedStream] = []
    failures: list[FileFailure] = []
    for path in find_step_files(project, STREAM_GLOB):
        rel = path.relative_to(project).as_posix()
        _prepend_path(path.parent)
        try:
            module = _import_file(path, project)
        except BaseException as exc:  # a stream file may raise anything, like a step file
            failures.append(FileFailure(rel, "LOAD_FAILED", exc))
            continue
        try:
            name, config = _stream_config(getattr(module, "config", None), rel)
            streams.append(LoadedStream(name, rel, config))
        except BadStepError as exc:
            failures.append(FileFailure(rel, "BAD_CONFIG", exc))
    return streams, failures


def _stream_config(config: Any, rel: str) -> tuple[str, dict[str, Any]]:
    if not isinstance(config, dict):
        raise BadStepError(f"{rel}: a stream file must define `config` as a dict")
    name = config.get("name")
    if not isinstance(name, str) or not name:
        raise BadStepError(f"{rel}: the stream config needs a non-empty string `name`")
    out = {k: _schema_to_json(v) if k == "schema" else v for k, v in config.items()}
    if callable(out.get("canAccess")):
        out["canAccess"] = _function_name(out["canAccess"])
    return name, out


class BadStepError(Exception):
    """A step file imported but does not define a usable step."""


def _prepend_path(folder: Path) -> None:
    entry = str(folder)
    if entry not in sys.path:
        sys.path.insert(0, entry)


def _module_name(path: Path, project: Path) -> str:
    parts = path.relative_to(project).with_suffix("").parts
    name = ".".join(re.sub(r"\W", "_", part) for part in parts)
    return f"stephost_steps.{name}"


def _import_file(path: Path, project: Path) -> ModuleType:
    name = _module_name(path, project)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _step_from_module(module: ModuleType, rel: str) -> LoadedStep:
    config = getattr(module, "config", None)
    handler = getattr(module, "handler", None)
    if config is None:
        raise BadStepError(f"{rel} defines no `config`")
    if not isinstance(config, dict):
        raise BadStepError(f"{rel}: `config` must be a dict, not {type(config).__name__}")
    step_type = config.get("type")
    name = config.get("name")
    if not isinstance(name, str) or not name:
        raise BadStepError(f"{rel}: config needs a non-empty string `name`")
    if step_type != "noop" and not callable(handler):
        raise BadStepError(f"{rel} defines no `handler` function")
    config = {k: _schema_to_json(v) if k in _SCHEMA_KEYS else v for k, v in config.items()}
    if "responseSchema" in config:
        config["responseSchema"] = _responses_to_json(config["responseSchema"])
    middleware = _middleware(config, rel)
    if middleware:
        config["middleware"] = [_function_name(m) for m in middleware]
    payload = config.get("bodySchema" if step_type == "api" else "input")
    return LoadedStep(
        middleware=middleware,
        message_type=payload if config.get("typed") and isinstance(payload, str) else "",
        name=name,
        file=rel,
        type=str(step_type),
        config=config,
        handler=handler if callable(handler) else _no_handler,
        is_async=inspect.iscoroutinefunction(handler),
    )


def _schema_to_json(schema: Any) -> Any:
    """A pydantic model class becomes its JSON Schema; anything else is kept."""
    to_schema = getattr(schema, "model_json_schema", None)
    if isinstance(schema, type) and callable(to_schema):
        return to_schema()
    return schema


def _responses_to_json(value: Any) -> Any:
    """A schema, or schemas by status code (keys may be ints: ``{200: Model}``)."""
    if isinstance(value, dict) and value and all(_is_status(k) for k in value):
        return {str(status): _schema_to_json(schema) for status, schema in value.items()}
    return _schema_to_json(value)


def _is_status(key: Any) -> bool:
    return (isinstance(key, int) and not isinstance(key, bool)) or (
        isinstance(key, str) and key.isdigit()
    )


def _middleware(config: dict[str, Any], rel: str) -> tuple[motia.Middleware, ...]:
    value = config.get("middleware")
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(callable(m) for m in value):
        raise BadStepError(f"{rel}: `middleware` must be a list of functions (req, ctx, next)")
    if config.get("type") != "api":
        raise BadStepError(f"{rel}: `middleware` runs around api handlers only")
    return tuple(value)


def _function_name(function: Any) -> str:
    return str(getattr(function, "__qualname__", None) or type(function).__name__)


def _no_handler(*_args: Any) -> None:
    raise BadStepError("noop steps have no handler")


def describe_failure(failure: FileFailure) -> tuple[str, str]:
    """The failure's one-line message and its full stack."""
    exc = failure.error
    stack = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} (line {exc.lineno})", stack
    if isinstance(exc, BadStepError):
        return str(exc), stack
    return f"{type(exc).__name__}: {exc}", stack
