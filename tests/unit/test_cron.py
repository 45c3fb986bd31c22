from __future__ import annotations

from datetime import datetime

from stephost_host.cron import next_tick


def at(*parts: int) -> float:
    return datetime(*parts).astimezone().timestamp()  # type: ignore[arg-type]


def test_five_fields_minutes() -> None:
    assert next_tick("*/15 * * * *", at(2026, 1, 1, 10, 7)) == at(2026, 1, 1, 10, 15)


def test_six_fields_seconds_first() -> None:
    assert next_tick("*/10 * * * * *", at(2026, 1, 1, 10, 0, 3)) == at(2026, 1, 1, 10, 0, 10)


def test_tick_is_strictly_after() -> None:
    assert next_tick("0 * * * *", at(2026, 1, 1, 10, 0)) == at(2026, 1, 1, 11, 0)
