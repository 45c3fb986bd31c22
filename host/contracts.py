"""A project's own payload types: ``.proto`` files under ``contracts/``.

A step may name a message type instead of a JSON Schema (``input:
"shop.v1.OrderCreated"``, ``bodySchema: "shop.v1.CreateOrder"``, ``emits: [{topic,
type}]``). The host compiles the project's protos once (with grpcio-tools' protoc)
and checks payloads against the proto3 JSON mapping (``host.protojson``): unknown
fields rejected, every failing field reported, and fields marked
``[(google.api.field_behavior) = REQUIRED]`` required.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from .errors import ProjectError
from .protojson import Checkers, MessageChecker

DEFAULT_CONTRACTS_DIR = "contracts"


def protoc_include() -> Path:
    """The folder of well-known types (google/protobuf/*.proto) shipped with grpcio-tools."""
    import grpc_tools

    return Path(grpc_tools.__file__).parent / "_proto"


def googleapis_include() -> Path:
    """The folder holding google/api/*.proto (googleapis-common-protos ships the sources):
    ``import "google/api/field_behavior.proto";`` for REQUIRED fields."""
    from google.api import field_behavior_pb2

    return Path(field_behavior_pb2.__file__).parents[2]


def proto_files(contracts: Path) -> list[Path]:
    return sorted(p for p in contracts.rglob("*.proto") if p.is_file())


def run_protoc(contracts: Path, *args: str) -> None:
    """grpcio-tools' protoc (the one protoc of every generator) on ``contracts``.

    It runs in its own process because protoc reports errors on the process's stderr.
    """
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "grpc_tools.protoc",
            f"-I{contracts}",
            f"-I{protoc_include()}",
            f"-I{googleapis_include()}",
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ProjectError(
            f"the .proto files in {contracts} do not compile: {result.stderr.strip()}"
        )


def compile_descriptor_set(contracts: Path) -> descriptor_pb2.FileDescriptorSet:
    """Every file under ``contracts`` (and its imports) as one descriptor set."""
    files = [str(p.relative_to(contracts)) for p in proto_files(contracts)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "set.pb"
        run_protoc(contracts, "--include_imports", f"--descriptor_set_out={out}", *files)
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


class Contracts:
    """The message types a project declares, by full name."""

    def __init__(self, descriptor_set: descriptor_pb2.FileDescriptorSet | None = None) -> None:
        self._pool = descriptor_pool.DescriptorPool()
        self._checkers = Checkers(descriptor_set or descriptor_pb2.FileDescriptorSet())
        self.files: list[str] = []
        self.descriptor_set = descriptor_set or descriptor_pb2.FileDescriptorSet()
        self.folder: Path | None = None
        self.own_files: list[str] = []  # the project's files, relative to the folder
        if descriptor_set is not None:
            for file in descriptor_set.file:
                self._pool.Add(file)
                self.files.append(file.name)

    @classmethod
    def load(cls, project: Path, folder: str = DEFAULT_CONTRACTS_DIR) -> Contracts:
        contracts = project / folder
        if not contracts.is_dir() or not proto_files(contracts):
            return cls()
        loaded = cls(compile_descriptor_set(contracts))
        loaded.folder = contracts
        loaded.own_files = [p.relative_to(contracts).as_posix() for p in proto_files(contracts)]
        return loaded

    def find(self, name: str) -> Descriptor | None:
        try:
            return self._pool.FindMessageTypeByName(name)
        except KeyError:
            return None

    def check(self, name: str) -> ProtoCheck:
        descriptor = self.find(name)
        if descriptor is None:
            raise KeyError(name)
        return ProtoCheck(descriptor, self._checkers.of(descriptor))


class ProtoCheck:
    """Checks JSON values against one message type (same interface as SchemaCheck)."""

    __slots__ = ("_checker", "_class", "descriptor", "schema")

    def __init__(self, descriptor: Descriptor, checker: MessageChecker) -> None:
        self.descriptor = descriptor
        self._checker = checker
        self._class: type[Message] = message_factory.GetMessageClass(descriptor)
        self.schema = json_schema(descriptor, required=checker.required_names())

    @property
    def type_name(self) -> str:
        return str(self.descriptor.full_name)

    def parse(self, value: Any) -> Message:
        message = self._class()
        json_format.ParseDict(value, message, ignore_unknown_fields=False)
        return message

    def errors(self, value: Any) -> list[dict[str, str]]:
        return self._checker.errors(value)


_SCALARS: dict[int, dict[str, Any]] = {
    FieldDescriptor.TYPE_STRING: {"type": "string"},
    FieldDescriptor.TYPE_BYTES: {"type": "string", "contentEncoding": "base64"},
    FieldDescriptor.TYPE_BOOL: {"type": "boolean"},
    FieldDescriptor.TYPE_DOUBLE: {"type": "number"},
    FieldDescriptor.TYPE_FLOAT: {"type": "number"},
    FieldDescriptor.TYPE_INT32: {"type": "integer"},
    FieldDescriptor.TYPE_SINT32: {"type": "integer"},
    FieldDescriptor.TYPE_SFIXED32: {"type": "integer"},
    FieldDescriptor.TYPE_UINT32: {"type": "integer", "minimum": 0},
    FieldDescriptor.TYPE_FIXED32: {"type": "integer", "minimum": 0},
    # proto3 JSON writes 64-bit integers as strings (and reads either)
    FieldDescriptor.TYPE_INT64: {"type": ["integer", "string"]},
    FieldDescriptor.TYPE_SINT64: {"type": ["integer", "string"]},
    FieldDescriptor.TYPE_SFIXED64: {"type": ["integer", "string"]},
    FieldDescriptor.TYPE_UINT64: {"type": ["integer", "string"]},
    FieldDescriptor.TYPE_FIXED64: {"type": ["integer", "string"]},
}
_WELL_KNOWN: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string"},
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Empty": {"type": "object"},
    "google.protobuf.StringValue": {"type": ["string", "null"]},
    "google.protobuf.BoolValue": {"type": ["boolean", "null"]},
    "google.protobuf.Int32Value": {"type": ["integer", "null"]},
    "google.protobuf.DoubleValue": {"type": ["number", "null"]},
}


def json_schema(
    descriptor: Descriptor, depth: int = 0, required: list[str] | None = None
) -> dict[str, Any]:
    """A JSON Schema of the message's JSON mapping (for OpenAPI; checks use protojson)."""
    if descriptor.full_name in _WELL_KNOWN:
        return dict(_WELL_KNOWN[descriptor.full_name])
    properties = {}
    for field in descriptor.fields:
        properties[field.json_name] = _field_schema(field, depth)
    schema: dict[str, Any] = {
        "type": "object",
        "title": descriptor.full_name,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _field_schema(field: FieldDescriptor, depth: int) -> dict[str, Any]:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        value = field.message_type.fields_by_name["value"]
        return {"type": "object", "additionalProperties": _single(value, depth)}
    single = _single(field, depth)
    if field.is_repeated:
        return {"type": "array", "items": single}
    return single


def _single(field: FieldDescriptor, depth: int) -> dict[str, Any]:
    if field.enum_type is not None:
        return {"type": "string", "enum": [v.name for v in field.enum_type.values]}
    if field.message_type is not None:
        if depth > 8:  # recursive messages
            return {"type": "object"}
        return json_schema(field.message_type, depth + 1)
    return dict(_SCALARS.get(field.type, {}))
