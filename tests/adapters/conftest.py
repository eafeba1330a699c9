"""Fixtures for adapter tests: a fake clock whose sleep advances time instead of waiting."""

from __future__ import annotations

import pytest
from adapter_fakes import FakeTime


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()
