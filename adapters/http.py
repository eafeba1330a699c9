"""HTTP behaviour every adapter shares, written once: timeouts, retries, rate limits, error translation.

:class:`SourceClient` wraps the ``httpx.AsyncClient`` the hub builds. Each call waits
for a token of the source's :class:`RateLimiter` (shared by every task of that
adapter), retries 429/500/502/503/504 and transport failures with exponential
backoff and full jitter (honouring ``Retry-After`` in seconds), and turns what is left
into the tree of :mod:`adapters.errors`. Sleep, clock and randomness are injectable so
tests run without waiting.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from adapters.errors import AuthenticationFailed, ContractViolation, RateLimited, SourceUnavailable
from adapters.records import Source

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Prepare = Callable[[httpx.Request], Awaitable[None]]
"""Called on every attempt's request before it is sent: adds a bearer token or a signature."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a call is retried."""

    attempts: int = 6  # tries in all, the first included
    base_delay: float = 0.25  # seconds; the backoff cap doubles from here
    max_delay: float = 8.0  # cap of one backoff
    max_retry_after: float = 60.0  # a Retry-After beyond this is read as this
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, not {self.attempts}")

    def delay(self, attempt: int, retry_after: float | None, rng: Callable[[], float]) -> float:
        """Seconds to wait after failed attempt ``attempt`` (0-based).

        Full jitter (a uniform draw below the exponential cap) keeps concurrent callers
        from retrying in lockstep; a ``Retry-After`` is a floor, never shortened.
        """
        jitter = rng() * min(self.max_delay, self.base_delay * 2.0**attempt)
        if retry_after is None:
            return jitter
        return max(min(retry_after, self.max_retry_after), jitter)


class RateLimiter:
    """An async token bucket: ``rate`` calls a second on average, at most ``burst`` at once.

    One instance is shared by every task calling a source; waiters are served in
    arrival order because the lock is held while the next token accrues.
    """

    def __init__(
        self, rate: float, *, burst: float = 1.0, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"rate must be positive and burst at least 1, not {rate}/{burst}")
        self.rate = rate
        self._burst = burst
        self._tokens = burst
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until a call may be made, and take its token."""
        async with self._lock:
            while True:
                now = self._clock()
                if self._last is not None:
                    self._tokens = min(self._burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                # The tolerance stops a float shortfall of 1e-16 from asking for a sleep
                # shorter than the clock can measure, which would spin forever.
                if self._tokens >= 1 - 1e-9:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep((1 - self._tokens) / self.rate)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP-date: no contract sends one, fall back to backoff
    return seconds if seconds >= 0 else None


class SourceClient:
    """One department system reached through the hub's ``httpx.AsyncClient``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        source: Source,
        base_url: str,
        rate: float | None = None,
        burst: float = 1.0,
        policy: RetryPolicy | None = None,
        timeout: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.source = source
        self.policy = policy or RetryPolicy()
        self.limiter = RateLimiter(rate, burst=burst, clock=clock, sleep=sleep) if rate else None
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._timeout = httpx.Timeout(timeout)
        self._sleep = sleep
        self._rng = rng

    async def backoff(self, attempt: int, retry_after: float | None = None) -> None:
        """Wait as the policy says after failed attempt ``attempt``: for retries an adapter drives itself."""
        await self._sleep(self.policy.delay(attempt, retry_after, self._rng))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        data: Mapping[str, str] | None = None,
        prepare: Prepare | None = None,
    ) -> httpx.Response:
        """Send a call with retries; a 2xx response read whole, or an :mod:`adapters.errors` error."""
        return await self._send(method, path, params, headers, content, data, prepare, stream=False)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """:meth:`request`, with the body decoded as JSON (not JSON: :class:`ContractViolation`)."""
        response = await self.request(method, path, **kwargs)
        return self.decode(response, f"{method} {path}")

    def decode(self, response: httpx.Response, what: str) -> Any:
        """The JSON body of a response read whole."""
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise ContractViolation(
                self.source, f"{what}: body is not JSON", status=response.status_code
            ) from exc

    @asynccontextmanager
    async def stream(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None
    ) -> AsyncIterator[httpx.Response]:
        """A streamed 2xx response; retries cover getting the status, not reading the body."""
        response = await self._send(method, path, None, headers, None, None, None, stream=True)
        try:
            yield response
        finally:
            await response.aclose()

    async def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        data: Mapping[str, str] | None,
        prepare: Prepare | None,
        *,
        stream: bool,
    ) -> httpx.Response:
        what = f"{method} {path}"
        for attempt in range(self.policy.attempts):
            last = attempt == self.policy.attempts - 1
            if self.limiter is not None:
                await self.limiter.acquire()
            request = self._client.build_request(
                method,
                self._base_url + path,
                params=params,
                headers=headers,
                content=content,
                data=data,
                timeout=self._timeout,
            )
            if prepare is not None:
                await prepare(request)
            try:
                response = await self._client.send(request, stream=stream)
            except httpx.TransportError as exc:
                kind = "timed out" if isinstance(exc, httpx.TimeoutException) else f"failed ({exc!r})"
                if last:
                    raise SourceUnavailable(
                        self.source, f"{what}: {kind} after {self.policy.attempts} attempts"
                    ) from exc
                logger.info("%s %s %s (attempt %d), retrying", self.source.value, what, kind, attempt + 1)
                await self.backoff(attempt)
                continue
            except httpx.HTTPError as exc:
                raise ContractViolation(self.source, f"{what}: {exc!r}") from exc
            status = response.status_code
            if status in self.policy.retry_statuses:
                await response.aclose()
                if last:
                    error = RateLimited if status == 429 else SourceUnavailable
                    raise error(self.source, f"{what}: status {status} after {self.policy.attempts} attempts")
                logger.info(
                    "%s %s answered %d (attempt %d), retrying", self.source.value, what, status, attempt + 1
                )
                await self.backoff(attempt, _retry_after(response))
                continue
            if status in (401, 403):
                await response.aclose()
                raise AuthenticationFailed(self.source, f"{what}: status {status}")
            if not 200 <= status < 300:
                body = (await response.aread())[:300].decode("utf-8", "replace")
                await response.aclose()
                raise ContractViolation(
                    self.source, f"{what}: unexpected status {status}: {body}", status=status
                )
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover
