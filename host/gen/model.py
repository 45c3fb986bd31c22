"""The language-neutral input of every generator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import descriptor_pb2

from ..catalog import Catalog, StepConfig


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A payload's declared type: a proto message, a JSON Schema, or nothing (any JSON)."""

    message: str = ""
    schema: dict[str, Any] | None = None

    @property
    def declared(self) -> bool:
        return bool(self.message) or self.schema is not None


ANY = TypeRef()


@dataclass(frozen=True, slots=True)
class StepTypes:
    """One step's payload types, as its config declares them."""

    name: str
    type: str
    language: str
    file: str
    input: TypeRef  # event data, or api body
    emits: dict[str, TypeRef]  # topic -> type (ANY when the entry declares none)
    typed: bool  # the handler receives message objects instead of plain JSON


@dataclass(frozen=True, slots=True)
class GenInput:
    descriptors: descriptor_pb2.FileDescriptorSet
    proto_files: list[str]  # the project's own files (not their imports)
    steps: list[StepTypes] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def _ref(value: Any) -> TypeRef:
    if isinstance(value, str):
        return TypeRef(message=value)
    if isinstance(value, dict):
        return TypeRef(schema=value)
    return ANY


def step_types(step: StepConfig) -> StepTypes:
    raw = step.raw
    emits: dict[str, TypeRef] = {}
    for entry in raw.get("emits") or []:
        if isinstance(entry, str):
            emits[entry] = ANY
        elif isinstance(entry, dict):
            emits[entry["topic"]] = _ref(entry.get("type") or entry.get("schema"))
    payload = raw.get("bodySchema") if step.type == "api" else raw.get("input")
    return StepTypes(
        name=step.name,
        type=step.type,
        language=step.language,
        file=step.file,
        input=_ref(payload),
        emits=emits,
        typed=bool(raw.get("typed")),
    )


def build_input(
    catalog: Catalog,
    descriptors: descriptor_pb2.FileDescriptorSet,
    proto_files: list[str],
    languages: list[str],
) -> GenInput:
    steps = sorted((step_types(s) for s in catalog.steps.values()), key=lambda s: s.name)
    return GenInput(descriptors, proto_files, steps, sorted(languages))
