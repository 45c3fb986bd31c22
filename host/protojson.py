"""Checks a JSON value against a message type, as the proto3 JSON mapping reads it, and
says what is wrong with every failing field, in our own words.

Proto3 has no ``required``; a field marked ``[(google.api.field_behavior) = REQUIRED]``
(Google's AIP-203 annotation, ``google/api/field_behavior.proto``, which the host puts on
protoc's import path) must be present: its key given and not null, and a repeated or
map field not empty. Everything else follows the mapping as protobuf's own parser does:
a field by its JSON name or its proto name, integers as numbers or decimal strings
within their range, 64-bit integers as strings too, floats also as "NaN" / "Infinity",
enums by name or number, bytes as base64, null for "not set". The well-known types
(Timestamp, Duration, Struct, wrappers, ...) are left to protobuf's parser, whose
complaint is reported on the field.

A message type's checker is built once per set of contracts (``Checkers.of``); checking
a value then walks only the value's own keys.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf import descriptor_pb2, json_format, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor

Problems = list[dict[str, str]]
# One field's value -> what is wrong with it (None: nothing); ``path`` is where it sits.
ValueCheck = Callable[[Any, str, Problems], None]

_INT_RANGES = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
    FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1),
}
_FLOAT_WORDS = frozenset({"NaN", "Infinity", "-Infinity"})
_FLOAT_MAX = 3.4028234663852886e38


def kind_of(value: Any) -> str:
    """How a JSON value is called in messages: ``5 (a number)``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a boolean)"
    if isinstance(value, int | float):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"{shown!r} (a string)"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _problem(problems: Problems, path: str, message: str) -> None:
    problems.append({"path": path or "/", "message": message})


def _required(field: FieldDescriptor, proto: descriptor_pb2.FieldDescriptorProto | None) -> bool:
    """Whether the field is marked ``(google.api.field_behavior) = REQUIRED``."""
    if proto is None or not proto.HasField("options"):
        return False
    # Parsed here, where the extension is known (the project's pool has its own classes).
    options = descriptor_pb2.FieldOptions.FromString(proto.options.SerializeToString())
    extension: Any = field_behavior_pb2.field_behavior  # its stub types it loosely
    behaviors: list[int] = list(options.Extensions[extension])
    return field_behavior_pb2.FieldBehavior.REQUIRED in behaviors


@dataclass(frozen=True, slots=True)
class _Field:
    descriptor: FieldDescriptor
    json_name: str
    check: ValueCheck
    required: bool


class Checkers:
    """The checkers of one set of contracts, each built on first use."""

    def __init__(self, descriptor_set: descriptor_pb2.FileDescriptorSet) -> None:
        self.protos = message_protos(descriptor_set)  # where field options are read
        self._checkers: dict[str, MessageChecker] = {}

    def of(self, descriptor: Descriptor) -> MessageChecker:
        checker = self._checkers.get(descriptor.full_name)
        if checker is None:
            checker = self._checkers[descriptor.full_name] = MessageChecker(descriptor, self)
        return checker


class MessageChecker:
    """Checks JSON objects against one message type (and, through it, nested ones)."""

    def __init__(self, descriptor: Descriptor, checkers: Checkers) -> None:
        self.descriptor = descriptor
        self._checkers = checkers
        self._fields: dict[str, _Field] = {}  # by JSON name and by proto name
        self._ordered: list[_Field] = []
        self._built = False

    def _build(self) -> None:
        message_proto = self._checkers.protos.get(self.descriptor.full_name)
        field_protos = {f.name: f for f in message_proto.field} if message_proto else {}
        for field in self.descriptor.fields:
            entry = _Field(
                field,
                field.json_name,
                self._field_check(field),
                _required(field, field_protos.get(field.name)),
            )
            self._ordered.append(entry)
            self._fields[field.json_name] = entry
            self._fields[field.name] = entry
        self._built = True

    def required_names(self) -> list[str]:
        """The JSON names of the fields marked REQUIRED."""
        if not self._built:
            self._build()
        return [f.json_name for f in self._ordered if f.required]

    def errors(self, value: Any, path: str = "") -> Problems:
        problems: Problems = []
        self.check(value, path, problems)
        return problems

    def check(self, value: Any, path: str, problems: Problems) -> None:
        if not self._built:
            self._build()
        if not isinstance(value, dict):
            _problem(problems, path, f"expected an object ({self.descriptor.full_name}), "
                                     f"got {kind_of(value)}")  # fmt: skip
            return
        seen: dict[str, str] = {}
        oneofs: dict[str, str] = {}
        for key, item in value.items():
            entry = self._fields.get(key)
            where = f"{path}/{key}"
            if entry is None:
                names = [f.json_name for f in self._ordered]
                guess = difflib.get_close_matches(key, names, 1, cutoff=0.75)
                hint = f"; did you mean {guess[0]!r}?" if guess else ""
                _problem(problems, where, f"unknown field of {self.descriptor.full_name}{hint}")
                continue
            if entry.json_name in seen:
                _problem(problems, where, f"given twice (as {seen[entry.json_name]!r} too)")
                continue
            seen[entry.json_name] = key
            if item is None:
                continue  # null: not set
            oneof = entry.descriptor.containing_oneof
            if oneof is not None:
                other = oneofs.get(oneof.name)
                if other is not None:
                    _problem(
                        problems, where, f"{oneof.name} can hold one field; {other!r} is set too"
                    )
                oneofs[oneof.name] = key
            entry.check(item, where, problems)
        for entry in self._ordered:
            if not entry.required:
                continue
            key = seen.get(entry.json_name)
            given = value.get(key) if key is not None else None
            if given is None or (isinstance(given, list | dict) and not given):
                _problem(problems, f"{path}/{entry.json_name}", "is required")

    def _field_check(self, field: FieldDescriptor) -> ValueCheck:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key_field = field.message_type.fields_by_name["key"]
            value_check = self._single_check(field.message_type.fields_by_name["value"])
            return _map_check(key_field, value_check)
        single = self._single_check(field)
        return _list_check(single) if field.is_repeated else single

    def _single_check(self, field: FieldDescriptor) -> ValueCheck:
        if field.message_type is not None:
            message = field.message_type
            if message.full_name.startswith("google.protobuf."):
                return _well_known_check(message)
            checkers = self._checkers

            def nested(value: Any, path: str, problems: Problems) -> None:
                checkers.of(message).check(value, path, problems)

            return nested
        if field.enum_type is not None:
            return _enum_check(field)
        return _scalar_check(field.type)


def _list_check(single: ValueCheck) -> ValueCheck:
    def check(value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, list):
            _problem(problems, path, f"expected a list, got {kind_of(value)}")
            return
        for i, item in enumerate(value):
            if item is None:
                _problem(problems, f"{path}/{i}", "a list item cannot be null")
            else:
                single(item, f"{path}/{i}", problems)

    return check


def _map_check(key_field: FieldDescriptor, value_check: ValueCheck) -> ValueCheck:
    key_check = _scalar_check(key_field.type)

    def check(value: Any, path: str, problems: Problems) -> None:
        if not isinstance(value, dict):
            _problem(problems, path, f"expected an object (a map), got {kind_of(value)}")
            return
        for key, item in value.items():
            where = f"{path}/{key}"
            if key_field.type == FieldDescriptor.TYPE_BOOL:
                if key not in ("true", "false"):
                    _problem(problems, where, "a map key here is 'true' or 'false'")
            elif key_field.type != FieldDescriptor.TYPE_STRING:
                key_check(key, where, problems)
            if item is None:
                _problem(problems, where, "a map value cannot be null")
            else:
                value_check(item, where, problems)

    return check


def _enum_check(field: FieldDescriptor) -> ValueCheck:
    enum = field.enum_type
    assert enum is not None
    names = [v.name for v in enum.values]
    closed = bool(getattr(enum, "is_closed", False))  # proto2: only declared numbers

    def check(value: Any, path: str, problems: Problems) -> None:
        if isinstance(value, str):
            if value not in names:
                _problem(problems, path, f"expected one of {', '.join(names)}, got {value!r}")
        elif isinstance(value, int) and not isinstance(value, bool):
            if closed and value not in {v.number for v in enum.values}:
                _problem(problems, path, f"{value} is not a number of {enum.full_name}")
        else:
            _problem(problems, path, f"expected one of {', '.join(names)}, got {kind_of(value)}")

    return check


def _scalar_check(kind: int) -> ValueCheck:
    if kind == FieldDescriptor.TYPE_STRING:
        return _string
    if kind == FieldDescriptor.TYPE_BOOL:
        return _bool
    if kind == FieldDescriptor.TYPE_BYTES:
        return _bytes
    if kind in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        return _float_check(kind == FieldDescriptor.TYPE_FLOAT)
    low, high = _INT_RANGES[kind]
    return _int_check(low, high)


def _string(value: Any, path: str, problems: Problems) -> None:
    if not isinstance(value, str):
        _problem(problems, path, f"expected a string, got {kind_of(value)}")


def _bool(value: Any, path: str, problems: Problems) -> None:
    if not isinstance(value, bool):
        _problem(problems, path, f"expected true or false, got {kind_of(value)}")


def _bytes(value: Any, path: str, problems: Problems) -> None:
    if not isinstance(value, str):
        _problem(problems, path, f"expected base64 text, got {kind_of(value)}")
        return
    text = value.replace("-", "+").replace("_", "/")
    try:
        base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        _problem(problems, path, f"expected base64 text, got {kind_of(value)}")


def _int_check(low: int, high: int) -> ValueCheck:
    expected = f"an integer from {low} to {high}"

    def check(value: Any, path: str, problems: Problems) -> None:
        number: float | int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str):
            try:
                parsed = float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                parsed = None
            if isinstance(parsed, float):
                parsed = int(parsed) if parsed.is_integer() else None
            number = parsed
        if number is None or not low <= number <= high:
            _problem(problems, path, f"expected {expected}, got {kind_of(value)}")

    return check


def _float_check(single: bool) -> ValueCheck:
    def check(value: Any, path: str, problems: Problems) -> None:
        number: float | None = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        elif isinstance(value, str):
            if value in _FLOAT_WORDS:
                return
            try:
                number = float(value)
            except ValueError:
                number = None
        if number is None:
            _problem(problems, path, f"expected a number, got {kind_of(value)}")
        elif single and math.isfinite(number) and abs(number) > _FLOAT_MAX:
            _problem(problems, path, f"{value!r} is too large for a float")

    return check


def _well_known_check(message: Descriptor) -> ValueCheck:
    cls = message_factory.GetMessageClass(message)

    def check(value: Any, path: str, problems: Problems) -> None:
        try:
            json_format.ParseDict(value, cls(), ignore_unknown_fields=False)
        except json_format.ParseError as exc:
            why = str(exc).split(" at ", 1)[0].rstrip(".")
            _problem(problems, path, f"not a valid {message.full_name}: {why}")

    return check


def message_protos(descriptor_set: descriptor_pb2.FileDescriptorSet) -> dict[str, Any]:
    """Every message of a descriptor set, by full name, as its ``DescriptorProto``."""
    out: dict[str, Any] = {}

    def visit(prefix: str, message: descriptor_pb2.DescriptorProto) -> None:
        full = f"{prefix}.{message.name}" if prefix else message.name
        out[full] = message
        for nested in message.nested_type:
            visit(full, nested)

    for file in descriptor_set.file:
        for message in file.message_type:
            visit(file.package, message)
    return out
