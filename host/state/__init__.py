"""Key/value groups of JSON values: one interface, a backend per module."""

from host.state.base import StateStore

__all__ = ["StateStore"]
