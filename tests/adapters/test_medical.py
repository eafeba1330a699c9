"""The medical-insurance adapter: signing, batches, business codes, rate and concurrency."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import deque
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from adapter_fakes import FakeTime

from adapters.errors import BusinessError, ContractViolation, RateLimited, SourceUnavailable
from adapters.medical import MedicalAdapter
from adapters.normalise import check_char
from adapters.records import MedicalAnswer, Page

NOW = 1_790_000_000.0


def id_number(i: int) -> str:
    first17 = f"530102{19600101 + i % 28:08d}{i % 1000:03d}"
    return first17 + check_char(first17)


def answer(asked: str, year: int) -> dict[str, Any]:
    if asked.endswith(("0", "5")):
        return {
            "id_number": asked,
            "name": None,
            "found": False,
            "records": [],
            "deceased": False,
            "death_date": None,
        }
    return {
        "id_number": asked,
        "name": "張建國",
        "found": True,
        "records": [
            {
                "insurance_type": "RESIDENT",
                "region_code": "530102",
                "year": year,
                "status": "ENROLLED",
                "contribution": 40000,
                "subsidy_category": "DIBAO",
                "subsidy": 20000,
                "enrolled_on": "2025-12-10",
            }
        ],
        "deceased": False,
        "death_date": None,
    }


class FakePlatform:
    """The 医保 platform: checks every signature and batch, and answers with scripted codes first."""

    def __init__(self, fake_time: FakeTime, codes: list[int] | None = None) -> None:
        self.fake_time = fake_time
        self.codes = deque(codes or [])
        self.calls: list[tuple[float, list[str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        timestamp = request.headers["X-Timestamp"]
        digest = hashlib.sha256(request.content).hexdigest()
        expected = hmac.new(b"s3cret", f"app\n{timestamp}\n{digest}".encode(), hashlib.sha256).hexdigest()
        if request.headers["X-App-Id"] != "app" or request.headers["X-Signature"] != expected:
            return httpx.Response(200, json={"code": 1001, "message": "bad signature", "data": None})
        if abs(float(timestamp) - NOW) > 300:
            return httpx.Response(200, json={"code": 1002, "message": "timestamp", "data": None})
        body = json.loads(request.content)
        if len(body["id_numbers"]) > 100:
            return httpx.Response(200, json={"code": 2001, "message": "too many", "data": None})
        self.calls.append((self.fake_time.now, body["id_numbers"]))
        if self.codes:
            return httpx.Response(200, json={"code": self.codes.popleft(), "message": "busy", "data": None})
        data = [answer(i, body["year"]) for i in body["id_numbers"]]
        return httpx.Response(200, json={"code": 0, "message": "ok", "data": data})


def adapter(handler: Any, fake_time: FakeTime, secret: str = "s3cret", **kwargs: Any) -> MedicalAdapter:
    return MedicalAdapter(
        httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        base_url="http://nhsa.test",
        app_id="app",
        app_secret=secret,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        wall_clock=lambda: NOW,
        **kwargs,
    )


async def test_lookup_signs_batches_and_converts_fen(fake_time: FakeTime) -> None:
    platform = FakePlatform(fake_time)
    ids = [id_number(i) for i in range(1, 251)]
    answers = await adapter(platform, fake_time).lookup(ids, 2026)

    assert [len(batch) for _, batch in platform.calls] == [100, 100, 50]
    assert [a.id_number for a in answers] == ids
    enrolled = answers[0]
    assert enrolled.found
    assert enrolled.name == "張建國"
    assert enrolled.name_key == "张建国"
    assert enrolled.records[0].contribution == Decimal("400.00")
    assert enrolled.records[0].subsidy == Decimal("200.00")
    assert enrolled.records[0].enrolled_on == date(2025, 12, 10)
    assert enrolled.provenance.record_key == f"{ids[0]}|2026"
    # this fake does not know numbers ending in 0 or 5
    assert [a.found for a in answers] == [not i.endswith(("0", "5")) for i in ids]
    assert not all(a.found for a in answers)


@pytest.mark.parametrize("codes", [[1003], [5000], [1003, 5000, 1003]])
async def test_busy_and_internal_error_are_retried_never_read_as_not_insured(
    fake_time: FakeTime, codes: list[int]
) -> None:
    platform = FakePlatform(fake_time, codes)
    (enrolled,) = await adapter(platform, fake_time).lookup([id_number(1)], 2026)
    assert enrolled.found
    assert len(platform.calls) == len(codes) + 1
    assert len(fake_time.sleeps) >= len(codes)


async def test_busy_past_every_retry_raises(fake_time: FakeTime) -> None:
    platform = FakePlatform(fake_time, [1003] * 10)
    with pytest.raises(RateLimited, match="1003"):
        await adapter(platform, fake_time).lookup([id_number(1)], 2026)
    platform = FakePlatform(fake_time, [5000] * 10)
    with pytest.raises(SourceUnavailable, match="5000"):
        await adapter(platform, fake_time).lookup([id_number(1)], 2026)


async def test_a_bad_signature_raises_at_once(fake_time: FakeTime) -> None:
    platform = FakePlatform(fake_time)
    with pytest.raises(BusinessError) as caught:
        await adapter(platform, fake_time, secret="wrong").lookup([id_number(1)], 2026)
    assert caught.value.code == 1001


@pytest.mark.parametrize("code", [1002, 2000, 2001])
async def test_request_errors_raise(fake_time: FakeTime, code: int) -> None:
    platform = FakePlatform(fake_time, [code])
    with pytest.raises(BusinessError, match=f"code {code}"):
        await adapter(platform, fake_time).lookup([id_number(1)], 2026)


async def test_answers_out_of_order_break_the_contract(fake_time: FakeTime) -> None:
    def swapped(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["id_numbers"]
        return httpx.Response(200, json={"code": 0, "data": [answer(i, 2026) for i in reversed(ids)]})

    with pytest.raises(ContractViolation, match="out of order"):
        await adapter(swapped, fake_time).lookup([id_number(1), id_number(2)], 2026)


async def test_only_normalised_numbers_are_asked(fake_time: FakeTime) -> None:
    with pytest.raises(ValueError, match="18-character"):
        await adapter(FakePlatform(fake_time), fake_time).lookup(["5301021980"], 2026)


async def test_lookup_all_stays_under_five_batches_a_second_yet_close(fake_time: FakeTime) -> None:
    platform = FakePlatform(fake_time)
    ids = [id_number(i) for i in range(1, 2001)]
    pages = [p async for p in adapter(platform, fake_time).lookup_all(ids, 2026, concurrency=8)]

    times = [t for t, _ in platform.calls]
    assert len(times) == 20
    for t in times:  # never more than 5 in any one-second window
        assert sum(1 for u in times if t <= u < t + 1) <= 5
    assert times[-1] == pytest.approx(19 / 4.8)  # and no slower than the limiter's pace
    assert [a.id_number for p in pages for a in p.records if isinstance(a, MedicalAnswer)] == ids
    assert [p.resume for p in pages][:3] == ["2026:100", "2026:200", "2026:300"]


async def test_lookup_all_resumes_and_asks_repeats_once(fake_time: FakeTime) -> None:
    platform = FakePlatform(fake_time)
    ids = [id_number(i) for i in range(1, 301)]
    pages: list[Page] = [
        p async for p in adapter(platform, fake_time).lookup_all(ids + ids[:10], 2026, resume="2026:200")
    ]
    assert [batch[0] for _, batch in platform.calls] == [ids[200]]
    assert pages[-1].resume == "2026:300"
    with pytest.raises(ValueError, match="resume token"):
        [p async for p in adapter(platform, fake_time).lookup_all(ids, 2027, resume="2026:200")]


async def test_an_unreadable_answer_is_quarantined_in_the_stream(fake_time: FakeTime) -> None:
    def one_bad(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["id_numbers"]
        data = [answer(i, 2026) for i in ids]
        data[1]["records"] = [dict(answer(ids[0], 2026)["records"][0], contribution="400元")]
        return httpx.Response(200, json={"code": 0, "data": data})

    ids = [id_number(1), id_number(2), id_number(3)]
    (page,) = [p async for p in adapter(one_bad, fake_time).lookup_all(ids, 2026)]
    assert len(page.records) == 2
    assert page.quarantined[0].location == f"{ids[1]}|2026"
    assert "record 1" in page.quarantined[0].reason
    with pytest.raises(ContractViolation, match=ids[1]):
        await adapter(one_bad, fake_time).lookup(ids, 2026)


async def test_a_failing_batch_stops_the_stream_and_cancels_the_others(fake_time: FakeTime) -> None:
    platform = FakePlatform(fake_time, [2000])
    ids = [id_number(i) for i in range(1, 501)]
    with pytest.raises(BusinessError):
        [p async for p in adapter(platform, fake_time).lookup_all(ids, 2026, concurrency=3)]
