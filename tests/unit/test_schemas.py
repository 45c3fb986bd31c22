from __future__ import annotations

import pytest

from stephost_host.schemas import SchemaProblem, compile_schema

SCHEMA = {
    "type": "object",
    "required": ["item", "quantity"],
    "properties": {
        "item": {"type": "string"},
        "quantity": {"type": "integer", "minimum": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}


def test_valid_value_has_no_errors() -> None:
    check = compile_schema(SCHEMA)
    assert check is not None
    assert check.errors({"item": "a", "quantity": 2}) == []


def test_each_failing_field_is_named() -> None:
    check = compile_schema(SCHEMA)
    assert check is not None
    errors = check.errors({"quantity": 0, "tags": ["ok", 3]})
    assert [e["path"] for e in errors] == ["/item", "/quantity", "/tags/1"]
    assert "required" in errors[0]["message"]


def test_equal_schemas_share_one_compiled_check() -> None:
    assert compile_schema({"type": "object"}) is compile_schema({"type": "object"})


def test_no_schema_means_no_check() -> None:
    assert compile_schema(None) is None


@pytest.mark.parametrize("schema", [{"type": "nonsense"}, "a string", 3])
def test_invalid_schema_is_refused(schema: object) -> None:
    with pytest.raises(SchemaProblem):
        compile_schema(schema)
