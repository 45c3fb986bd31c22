"""What every generator walks, and the names it gives things, written once.

- ``declarations``: the messages and enums of a .proto file, nested ones included, in
  protoc's order (a container's enums, then its messages).
- ``SchemaWalker``: a JSON Schema turned into a language's type annotation; each
  language says how to spell a literal, an object, an array and the scalars.
- ``type_name`` / ``identifier``: the type and identifier names every output uses.
- ``WELL_KNOWN`` / ``SCHEMA_TYPES``: how each language spells the JSON of the
  well-known types, and JSON Schema's scalar types.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2


@dataclass(frozen=True, slots=True)
class Declaration:
    """A message or an enum of a .proto file."""

    file: descriptor_pb2.FileDescriptorProto
    full_name: str  # "shop.v1.Order.Line" (no leading dot)
    path: tuple[str, ...]  # its names from the file's top level: ("Order", "Line")
    message: descriptor_pb2.DescriptorProto | None = None
    enum: descriptor_pb2.EnumDescriptorProto | None = None


def declarations(
    file: descriptor_pb2.FileDescriptorProto, *, children_first: bool = False
) -> Iterator[Declaration]:
    """Every message and enum of ``file`` (map entries included): the file's enums, then
    each message followed (or, with ``children_first``, preceded) by its enums and its
    nested messages."""
    for enum in file.enum_type:
        yield Declaration(file, _join(file.package, enum.name), (enum.name,), enum=enum)
    for message in file.message_type:
        yield from _message(file, file.package, (), message, children_first)


def _message(
    file: descriptor_pb2.FileDescriptorProto,
    prefix: str,
    path: tuple[str, ...],
    message: descriptor_pb2.DescriptorProto,
    children_first: bool,
) -> Iterator[Declaration]:
    full = _join(prefix, message.name)
    here = (*path, message.name)
    node = Declaration(file, full, here, message=message)
    if not children_first:
        yield node
    for enum in message.enum_type:
        yield Declaration(file, f"{full}.{enum.name}", (*here, enum.name), enum=enum)
    for nested in message.nested_type:
        yield from _message(file, full, here, nested, children_first)
    if children_first:
        yield node


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def type_name(full_name: str) -> str:
    """``shop.v1.Order.Line`` -> ``ShopV1OrderLine`` (the same in every language)."""
    return "".join(part[:1].upper() + part[1:] for part in full_name.split(".") if part)


def identifier(text: str, *, also: str = "", reserved: Collection[str] = ()) -> str:
    """``text`` as an identifier: other characters than word characters (and ``also``)
    become ``_``, and a leading digit or a ``reserved`` word gets a ``_`` in front."""
    name = re.sub(rf"[^\w{re.escape(also)}]", "_", text)
    if not name or name[0].isdigit() or name in reserved:
        name = f"_{name}"
    return name


@dataclass(frozen=True, slots=True)
class JsonSpelling:
    """A well-known type's JSON, as a type of each language."""

    python: str
    typescript: str


WELL_KNOWN: dict[str, JsonSpelling] = {
    "google.protobuf.Timestamp": JsonSpelling("str", "string"),
    "google.protobuf.Duration": JsonSpelling("str", "string"),
    "google.protobuf.FieldMask": JsonSpelling("str", "string"),
    "google.protobuf.Struct": JsonSpelling("dict[str, Any]", "{ [key: string]: unknown }"),
    "google.protobuf.Value": JsonSpelling("Any", "unknown"),
    "google.protobuf.ListValue": JsonSpelling("list[Any]", "unknown[]"),
    "google.protobuf.Empty": JsonSpelling("dict[str, Any]", "Record<string, never>"),
    "google.protobuf.Any": JsonSpelling("dict[str, Any]", "{ [key: string]: unknown }"),
    "google.protobuf.StringValue": JsonSpelling("str | None", "string | null"),
    "google.protobuf.BytesValue": JsonSpelling("str | None", "string | null"),
    "google.protobuf.BoolValue": JsonSpelling("bool | None", "boolean | null"),
    "google.protobuf.DoubleValue": JsonSpelling("float | None", "number | null"),
    "google.protobuf.FloatValue": JsonSpelling("float | None", "number | null"),
    "google.protobuf.Int32Value": JsonSpelling("int | None", "number | null"),
    "google.protobuf.UInt32Value": JsonSpelling("int | None", "number | null"),
    "google.protobuf.Int64Value": JsonSpelling("int | str | None", "string | number | null"),
    "google.protobuf.UInt64Value": JsonSpelling("int | str | None", "string | number | null"),
}

# A JSON Schema's scalar ``type`` (and "object" without properties).
SCHEMA_TYPES: dict[str, JsonSpelling] = {
    "object": JsonSpelling("dict[str, Any]", "{ [key: string]: unknown }"),
    "string": JsonSpelling("str", "string"),
    "integer": JsonSpelling("int", "number"),
    "number": JsonSpelling("float", "number"),
    "boolean": JsonSpelling("bool", "boolean"),
    "null": JsonSpelling("None", "null"),
}


class SchemaWalker:
    """A JSON Schema simple enough to type (objects, arrays, scalars, enums) as a type
    annotation; named parts (objects) are declared in ``lines``. A subclass spells them
    in its language."""

    UNKNOWN = ""
    SCALARS: dict[str, str] = {}

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._named: dict[str, str] = {}

    def annotation(self, schema: Any, name: str) -> str:
        """The annotation of ``schema``; ``name`` names it (and its parts) if it is an object."""
        if name not in self._named:
            self._named[name] = self._annotation(schema, name)
        return self._named[name]

    def _annotation(self, schema: Any, name: str) -> str:
        if not isinstance(schema, dict):
            return self.UNKNOWN
        literal = self.literal(schema)
        if literal is not None:
            return literal
        kind = schema.get("type")
        if isinstance(kind, list):
            parts = [self._annotation({**schema, "type": k}, name) for k in kind]
            return " | ".join(dict.fromkeys(parts))
        if kind == "object" and isinstance(schema.get("properties"), dict):
            return self.object(schema, name)
        if kind == "array":
            return self.array(self.annotation(schema.get("items"), name + "Item"))
        return self.SCALARS.get(str(kind), self.UNKNOWN)

    def literal(self, schema: dict[str, Any]) -> str | None:
        """The annotation of an ``enum`` / ``const`` schema; None when it is neither."""
        raise NotImplementedError

    def object(self, schema: dict[str, Any], name: str) -> str:
        """Declare the object (in ``lines``) and return how to refer to it."""
        raise NotImplementedError

    def array(self, item: str) -> str:
        raise NotImplementedError
