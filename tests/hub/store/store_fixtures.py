"""Names the store tests share (conftest.py holds the fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from graph.hits import Hit

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY1, DAY2, DAY3 = date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)

HitFactory = Callable[..., Hit]
RunFactory = Callable[..., int]
