"""Key/value groups of JSON values: one interface, a backend per module."""

from .base import StateStore

__all__ = ["StateStore"]
