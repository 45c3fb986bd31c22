"""JSON Schema checks at the boundary: api bodies and event payloads."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

import orjson

if TYPE_CHECKING:
    from jsonschema.protocols import Validator


class PayloadCheck(Protocol):
    """What the boundary needs of a schema: JSON Schema (here) or a proto message type
    (``host.contracts.ProtoCheck``)."""

    @property
    def schema(self) -> Any:
        """A JSON Schema of accepted values (for OpenAPI)."""
        ...

    def errors(self, value: Any) -> list[dict[str, str]]: ...


class SchemaProblem(Exception):
    """A step declares a schema that is not valid JSON Schema."""


class SchemaCheck:
    """A compiled JSON Schema; ``errors(value)`` lists each failing field."""

    __slots__ = ("_validator", "schema")

    def __init__(self, schema: dict[str, Any]) -> None:
        # jsonschema is imported on first use (the host preloads it: host.lifecycle).
        from jsonschema import SchemaError
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        try:
            cls.check_schema(schema)
        except SchemaError as exc:
            raise SchemaProblem(f"invalid JSON Schema: {exc.message}") from None
        self.schema = schema
        self._validator: Validator = cls(schema, format_checker=cls.FORMAT_CHECKER)

    def errors(self, value: Any) -> list[dict[str, str]]:
        """``[{"path": "/items/0/qty", "message": "..."}]``; empty when valid."""
        out = []
        for error in self._validator.iter_errors(value):
            path = list(error.absolute_path)
            if error.validator == "required":
                missing = _missing_property(error.message, error.validator_value)
                if missing is not None:
                    path.append(missing)
            out.append({"path": _pointer(path), "message": error.message})
        out.sort(key=lambda e: e["path"])
        return out


def _missing_property(message: str, required: Any) -> str | None:
    for name in required or ():
        if message.startswith(repr(name)):
            return str(name)
    return None


def _pointer(path: list[Any]) -> str:
    if not path:
        return "/"
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


@lru_cache(maxsize=1024)
def _compile(canonical: bytes) -> SchemaCheck:
    return SchemaCheck(orjson.loads(canonical))


def compile_schema(schema: Any) -> SchemaCheck | None:
    """A check for ``schema`` (None when the step declares none); equal schemas share one."""
    if schema is None:
        return None
    if not isinstance(schema, dict):
        raise SchemaProblem(f"a JSON Schema must be an object, not {type(schema).__name__}")
    return _compile(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS))
