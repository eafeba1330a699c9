"""Shared HTTP behaviour: retries, Retry-After, rate limiting and error translation."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from adapter_fakes import FakeTime

from adapters.errors import AuthenticationFailed, ContractViolation, RateLimited, SourceUnavailable
from adapters.http import RateLimiter, RetryPolicy, SourceClient
from adapters.records import Source


def make_client(handler: httpx.MockTransport | object, fake_time: FakeTime, **kwargs: object) -> SourceClient:
    transport = handler if isinstance(handler, httpx.MockTransport) else httpx.MockTransport(handler)  # type: ignore[arg-type]
    return SourceClient(
        httpx.AsyncClient(transport=transport),
        source=Source.CIVIL,
        base_url="http://civil.test/",
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        rng=lambda: 0.5,
        **kwargs,  # type: ignore[arg-type]
    )


def scripted(*responses: httpx.Response | Exception) -> tuple[list[httpx.Request], object]:
    """A handler answering with ``responses`` in turn (an exception is raised instead)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[len(seen) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return seen, handler


async def test_a_503_is_retried_with_backoff(fake_time: FakeTime) -> None:
    seen, handler = scripted(httpx.Response(503), httpx.Response(503), httpx.Response(200, json={"ok": True}))
    client = make_client(handler, fake_time)
    assert await client.json("GET", "/x") == {"ok": True}
    assert len(seen) == 3
    assert str(seen[0].url) == "http://civil.test/x"
    # full jitter with rng 0.5: half of 0.25, then half of 0.5
    assert fake_time.sleeps == [0.125, 0.25]


async def test_retry_after_is_honoured(fake_time: FakeTime) -> None:
    _seen, handler = scripted(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json=[]))
    client = make_client(handler, fake_time)
    assert await client.json("GET", "/x") == []
    assert fake_time.sleeps == [3.0]


async def test_a_huge_retry_after_is_capped(fake_time: FakeTime) -> None:
    _, handler = scripted(httpx.Response(429, headers={"Retry-After": "86400"}), httpx.Response(200, json=[]))
    await make_client(handler, fake_time).json("GET", "/x")
    assert fake_time.sleeps == [60.0]


async def test_429_after_every_retry_is_rate_limited(fake_time: FakeTime) -> None:
    _, handler = scripted(*[httpx.Response(429)] * 3)
    client = make_client(handler, fake_time, policy=RetryPolicy(attempts=3))
    with pytest.raises(RateLimited, match="429 after 3 attempts"):
        await client.request("GET", "/x")


async def test_5xx_after_every_retry_is_unavailable(fake_time: FakeTime) -> None:
    _, handler = scripted(httpx.Response(500), httpx.Response(502), httpx.Response(504))
    client = make_client(handler, fake_time, policy=RetryPolicy(attempts=3))
    with pytest.raises(SourceUnavailable, match="504 after 3 attempts"):
        await client.request("GET", "/x")


async def test_transport_errors_are_retried_then_translated(fake_time: FakeTime) -> None:
    seen, handler = scripted(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.Response(200))
    client = make_client(handler, fake_time)
    assert (await client.request("GET", "/x")).status_code == 200
    assert len(seen) == 3

    _, handler = scripted(httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow"))
    client = make_client(handler, fake_time, policy=RetryPolicy(attempts=2))
    with pytest.raises(SourceUnavailable, match="timed out") as caught:
        await client.request("GET", "/x")
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert caught.value.source is Source.CIVIL


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_credentials_are_not_retried(fake_time: FakeTime, status: int) -> None:
    seen, handler = scripted(httpx.Response(status))
    with pytest.raises(AuthenticationFailed):
        await make_client(handler, fake_time).request("GET", "/x")
    assert len(seen) == 1


async def test_an_unexpected_status_breaks_the_contract(fake_time: FakeTime) -> None:
    _, handler = scripted(httpx.Response(404, text="no such thing"))
    with pytest.raises(ContractViolation, match="404: no such thing") as caught:
        await make_client(handler, fake_time).request("GET", "/x")
    assert caught.value.status == 404


async def test_a_body_that_is_not_json_breaks_the_contract(fake_time: FakeTime) -> None:
    _, handler = scripted(httpx.Response(200, text="<html>"))
    with pytest.raises(ContractViolation, match="not JSON"):
        await make_client(handler, fake_time).json("GET", "/x")


async def test_prepare_runs_on_every_attempt(fake_time: FakeTime) -> None:
    seen, handler = scripted(httpx.Response(503), httpx.Response(200))
    stamps = iter(["1", "2"])

    async def stamp(request: httpx.Request) -> None:
        request.headers["X-Stamp"] = next(stamps)

    await make_client(handler, fake_time).request("POST", "/x", content=b"{}", prepare=stamp)
    assert [r.headers["X-Stamp"] for r in seen] == ["1", "2"]


async def test_stream_retries_the_status_and_yields_the_body(fake_time: FakeTime) -> None:
    _, handler = scripted(httpx.Response(503), httpx.Response(200, content=b"abc" * 1000))
    client = make_client(handler, fake_time)
    async with client.stream("GET", "/file") as response:
        body = b"".join([chunk async for chunk in response.aiter_bytes()])
    assert body == b"abc" * 1000


async def test_the_limiter_spaces_concurrent_callers(fake_time: FakeTime) -> None:
    limiter = RateLimiter(5, clock=fake_time.clock, sleep=fake_time.sleep)
    times: list[float] = []

    async def call() -> None:
        await limiter.acquire()
        times.append(fake_time.now)

    await asyncio.gather(*(call() for _ in range(10)))
    assert times == pytest.approx([i * 0.2 for i in range(10)])


async def test_the_limiter_allows_a_burst_then_the_rate(fake_time: FakeTime) -> None:
    limiter = RateLimiter(10, burst=3, clock=fake_time.clock, sleep=fake_time.sleep)
    times: list[float] = []
    for _ in range(5):
        await limiter.acquire()
        times.append(fake_time.now)
    assert times == pytest.approx([0, 0, 0, 0.1, 0.2])


async def test_every_attempt_takes_a_token(fake_time: FakeTime) -> None:
    _, handler = scripted(httpx.Response(503), httpx.Response(200))
    client = make_client(handler, fake_time, rate=2.0)
    await client.request("GET", "/x")
    # one backoff sleep (0.125) and the wait for the second token (0.5 - 0.125)
    assert sum(fake_time.sleeps) == pytest.approx(0.5)


def test_policy_rejects_zero_attempts() -> None:
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)
