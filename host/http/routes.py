"""Matches a method and path to an api step.

Literal paths are a dict lookup; paths with parameters are tried most specific
first (a literal segment beats a parameter), so ``/orders/new`` wins over
``/orders/:id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from ..catalog import StepConfig


@dataclass(frozen=True, slots=True)
class RouteMatch:
    step: StepConfig
    params: dict[str, str]


class RouteTable:
    def __init__(self, steps: list[StepConfig]) -> None:
        self._static: dict[tuple[str, str], StepConfig] = {}
        self._dynamic: dict[str, list[StepConfig]] = {}
        self._paths: dict[str, set[str]] = {}
        for step in steps:
            if any(segment.param for segment in step.path):
                self._dynamic.setdefault(step.method, []).append(step)
            else:
                self._static[(step.method, step.route)] = step
        for routes in self._dynamic.values():
            routes.sort(key=lambda s: tuple(1 if seg.param else 0 for seg in s.path))
        self._all = steps

    def match(self, method: str, path: str) -> RouteMatch | None:
        normalized = "/" + path.strip("/") if path != "/" else "/"
        step = self._static.get((method, normalized))
        if step is not None:
            return RouteMatch(step, {})
        routes = self._dynamic.get(method)
        if not routes:
            return None
        parts = normalized.strip("/").split("/") if normalized != "/" else []
        for step in routes:
            params = _bind(step, parts)
            if params is not None:
                return RouteMatch(step, params)
        return None

    def allowed_methods(self, path: str) -> list[str]:
        """The methods some step serves at ``path`` (to tell 405 from 404)."""
        return sorted(
            {
                method
                for method in {s.method for s in self._all}
                if self.match(method, path) is not None
            }
        )


def _bind(step: StepConfig, parts: list[str]) -> dict[str, str] | None:
    if len(parts) != len(step.path):
        return None
    params = {}
    for segment, part in zip(step.path, parts, strict=True):
        if segment.param:
            if not part:
                return None
            params[segment.text] = unquote(part)
        elif segment.text != part:
            return None
    return params
