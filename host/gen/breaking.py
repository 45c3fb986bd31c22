"""Contract changes that break readers of old data: a field number reused with another
type or name, or a field removed without reserving its number."""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2

from .walk import declarations

FDP = descriptor_pb2.FieldDescriptorProto
Snapshot = dict[str, dict[str, list[Any]]]  # message -> field number -> [name, type, label, ref]


def snapshot(descriptors: descriptor_pb2.FileDescriptorSet) -> Snapshot:
    """Every message's fields by number (the project's files, not google/protobuf)."""
    out: Snapshot = {}
    for file in descriptors.file:
        if file.package == "google.protobuf":
            continue
        for found in declarations(file):
            message = found.message
            if message is None:
                continue
            reserved = {str(n) for r in message.reserved_range for n in range(r.start, r.end)}
            fields: dict[str, list[Any]] = {
                str(f.number): [f.name, FDP.Type.Name(f.type), FDP.Label.Name(f.label), f.type_name]
                for f in message.field
            }
            fields.update({n: ["(reserved)", "", "", ""] for n in reserved if n not in fields})
            out[found.full_name] = fields
    return out


def breaking_changes(old: Snapshot, new: Snapshot) -> list[str]:
    changes = []
    for message, old_fields in sorted(old.items()):
        new_fields = new.get(message)
        if new_fields is None:
            changes.append(f"{message} was removed")
            continue
        for number, (name, kind, label, ref) in sorted(old_fields.items(), key=lambda i: int(i[0])):
            if name == "(reserved)":
                continue
            now = new_fields.get(number)
            if now is None:
                changes.append(
                    f"{message}: field {number} ({name}) was removed without reserving its number"
                )
            elif now[0] == "(reserved)":
                continue
            elif (now[1], now[2], now[3]) != (kind, label, ref):
                changes.append(
                    f"{message}: field {number} ({name}) changed from "
                    f"{_describe(label, kind, ref)} to {_describe(now[2], now[1], now[3])}"
                )
            elif now[0] != name:
                changes.append(f"{message}: field {number} was renamed from {name} to {now[0]}")
    return changes


def _describe(label: str, kind: str, ref: str) -> str:
    """``optional int32``, ``repeated message shop.v1.Line``."""
    text = f"{label.removeprefix('LABEL_').lower()} {kind.removeprefix('TYPE_').lower()}"
    return f"{text} {ref.lstrip('.')}" if ref else text
