"""Rate limits and injected faults: what makes an imitation server behave like a real one.

The limit is part of each contract and always enforced. Faults are extra and
only happen when :class:`~sandbox.servers.config.FaultSettings` enables them.
Every decision comes from one seeded generator per server, so a test that makes
the same calls in the same order sees the same faults.
"""

from __future__ import annotations

import asyncio
import enum
import random
import time
from collections import deque
from collections.abc import Callable

from sandbox.servers.config import FaultSettings


class RateLimiter:
    """At most ``per_second`` accepted calls in any sliding one-second window.

    Refused calls do not count, so a client that waits and retries gets through.
    """

    def __init__(self, per_second: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self._clock = clock
        self._accepted: deque[float] = deque()

    def allow(self) -> bool:
        """Count one call; False when it is over the limit."""
        now = self._clock()
        while self._accepted and now - self._accepted[0] >= 1.0:
            self._accepted.popleft()
        if len(self._accepted) >= self.per_second:
            return False
        self._accepted.append(now)
        return True

    def retry_after(self) -> float:
        """Seconds until the window has room again."""
        if len(self._accepted) < self.per_second:
            return 0.0
        return max(0.0, 1.0 - (self._clock() - self._accepted[0]))


class Fault(enum.Enum):
    """What to do to one call instead of answering it."""

    NONE = "none"
    ERROR = "error"  # a 5xx answer (civil 503, disability 500, medical 5000), or a corrupt download
    THROTTLE = "throttle"  # "too many requests" although under the limit


class FaultPlan:
    """Decides, call by call, whether a server misbehaves.

    With probability ``fault_rate`` a call starts a fault: seven times in ten an
    error burst covering this call and up to two more, otherwise one spurious
    throttle. Independently, with probability ``slow_rate`` the answer waits
    ``slow_seconds``.
    """

    def __init__(self, settings: FaultSettings, salt: str) -> None:
        self.settings = settings
        self._random = random.Random(f"{settings.seed}:{salt}")
        self._burst_left = 0

    def next(self) -> Fault:
        """The fault for the next call (always NONE when faults are off)."""
        if not self.settings.enabled:
            return Fault.NONE
        if self._burst_left > 0:
            self._burst_left -= 1
            return Fault.ERROR
        if self._random.random() >= self.settings.fault_rate:
            return Fault.NONE
        if self._random.random() < 0.7:
            self._burst_left = self._random.randint(0, 2)
            return Fault.ERROR
        return Fault.THROTTLE

    def slow(self) -> float:
        """How long to hold the next answer back (0 when faults are off)."""
        if not self.settings.enabled or self.settings.slow_rate <= 0:
            return 0.0
        return self.settings.slow_seconds if self._random.random() < self.settings.slow_rate else 0.0

    async def delay(self) -> None:
        """Hold the answer back when this call is one of the slow ones."""
        seconds = self.slow()
        if seconds > 0:
            await asyncio.sleep(seconds)
