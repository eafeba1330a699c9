"""Conversions from what the Neo4j driver returns to the schema's Python values (a leaf module)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def as_date(value: Any) -> date | None:
    """A Neo4j ``DATE`` (or ISO text) as a ``date``."""
    if value is None:
        return None
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_datetime(value: Any) -> datetime | None:
    """A Neo4j ``DATETIME`` (or ISO text) as a ``datetime``."""
    if value is None:
        return None
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def as_float(value: Any) -> float | None:
    """Money or a number, as a float (None when absent)."""
    return None if value is None else float(value)


def as_int(value: Any) -> int | None:
    """A level or a count stored as text or number."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_str(value: Any) -> str | None:
    """Text, None kept."""
    return None if value is None else str(value)


def active_on(status: Any, start: Any, end: Any, day: date, statuses: tuple[str, ...] = ("active",)) -> bool:
    """rules.md's "active": the status is one of ``statuses`` and ``day`` is within the dates."""
    begin, finish = as_date(start), as_date(end)
    return (
        str(status) in statuses and begin is not None and begin <= day and (finish is None or finish >= day)
    )
