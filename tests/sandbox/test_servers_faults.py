"""The fault plan and rate limiter: rates as configured, repeatable, and nothing when off."""

from __future__ import annotations

import pytest

from sandbox.servers.config import FaultSettings
from sandbox.servers.faults import Fault, FaultPlan, RateLimiter


@pytest.mark.parametrize("rate", [0.02, 0.1, 0.3])
def test_faults_start_at_the_configured_rate(rate: float) -> None:
    plan = FaultPlan(FaultSettings(enabled=True, fault_rate=rate, slow_rate=rate, seed=11), "civil")
    faults = [plan.next() for _ in range(20000)]
    slow = sum(plan.slow() > 0 for _ in range(20000)) / 20000
    # A fault starts on a free call with p; seven in ten are error bursts one to three calls long.
    faulted = sum(f is not Fault.NONE for f in faults) / len(faults)
    assert faulted == pytest.approx(1.7 * rate / (1 + 0.7 * rate), rel=0.15)
    throttles = sum(f is Fault.THROTTLE for f in faults) / len(faults)
    assert throttles == pytest.approx(0.3 * rate / (1 + 0.7 * rate), rel=0.25)
    assert slow == pytest.approx(rate, rel=0.15)


def test_faults_repeat_for_a_seed_and_differ_by_server() -> None:
    def run(salt: str) -> list[Fault]:
        plan = FaultPlan(FaultSettings(enabled=True, fault_rate=0.2, seed=5), salt)
        return [plan.next() for _ in range(200)]

    assert run("civil") == run("civil") != run("medical")


def test_nothing_happens_when_off() -> None:
    plan = FaultPlan(FaultSettings(enabled=False, fault_rate=1.0, slow_rate=1.0, seed=5), "civil")
    assert {plan.next() for _ in range(1000)} == {Fault.NONE} and plan.slow() == 0.0


def test_rate_limiter_is_a_sliding_second_and_refusals_do_not_count() -> None:
    now = [0.0]
    limiter = RateLimiter(5, clock=lambda: now[0])
    assert [limiter.allow() for _ in range(7)] == [True] * 5 + [False] * 2
    now[0] = 0.5
    assert not limiter.allow() and limiter.retry_after() == pytest.approx(0.5)
    now[0] = 1.0
    assert [limiter.allow() for _ in range(6)] == [True] * 5 + [False]


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="fault_rate"):
        FaultSettings(fault_rate=1.5)
