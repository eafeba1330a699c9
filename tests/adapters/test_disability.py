"""The disability adapter: offset paging over a registry that changes while it is read."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from adapter_fakes import FakeTime

from adapters.disability import DisabilityAdapter
from adapters.errors import AuthenticationFailed, ContractViolation
from adapters.normalise import CST, check_char
from adapters.records import Certificate, Page


def id_number(n: int) -> str:
    first17 = f"530102{19500101 + n % 28:08d}{n % 1000:03d}"
    return first17 + check_char(first17)


def person(n: int, **overrides: Any) -> dict[str, Any]:
    """A certificate whose certNo sorts by ``n``."""
    row = {
        "certNo": f"{n:06d}{id_number(n)[6:]}44",
        "name": "张建国",
        "idCard": id_number(n),
        "gender": "M",
        "birthday": id_number(n)[6:14],
        "disabilityType": 4,
        "disabilityLevel": 2,
        "certStatus": "VALID",
        "issueDate": "20200315",
        "validUntil": "20300314",
        "regionCode": "530102001001",
        "address": "五华区华山街道翠湖社区青云路12号",
        "guardian": None,
        "subsidies": [
            {
                "type": "LIVING",
                "status": "ACTIVE",
                "monthlyAmount": 80.0,
                "startDate": "20240101",
                "endDate": None,
            },
            {
                "type": "NURSING",
                "status": "STOPPED",
                "monthlyAmount": 100.0,
                "startDate": "20220101",
                "endDate": "20231231",
            },
        ],
        "modifiedAt": f"202603{1 + n % 28:02d}101500",
    }
    return row | overrides


class FakeRegistry:
    """The registry: offset pages over a list kept sorted by certNo, mutated between calls."""

    def __init__(
        self, rows: list[dict[str, Any]], mutate: Callable[[FakeRegistry, int], None] | None = None
    ) -> None:
        self.rows = sorted(rows, key=lambda r: r["certNo"])
        self.mutate = mutate
        self.calls = 0
        self.requests: list[httpx.Request] = []

    def insert(self, row: dict[str, Any]) -> None:
        self.rows = sorted([*self.rows, row], key=lambda r: r["certNo"])

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("X-Api-Key") != "key":
            return httpx.Response(401, json={"code": "UNAUTHORIZED"})
        self.requests.append(request)
        if self.mutate is not None:
            self.mutate(self, self.calls)
        self.calls += 1
        offset = int(request.url.params.get("offset", "0"))
        limit = int(request.url.params.get("limit", "100"))
        data = self.rows[offset : offset + limit]
        return httpx.Response(200, json={"total": len(self.rows), "offset": offset, "data": data})


def adapter(handler: Any, fake_time: FakeTime, page_size: int = 5, api_key: str = "key") -> DisabilityAdapter:
    return DisabilityAdapter(
        httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        base_url="http://cdpf.test",
        api_key=api_key,
        page_size=page_size,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )


async def cert_nos(pages: Any) -> list[str]:
    return [
        r.cert_no for p in [page async for page in pages] for r in p.records if isinstance(r, Certificate)
    ]


async def test_a_still_registry_is_read_once_each(fake_time: FakeTime) -> None:
    registry = FakeRegistry([person(i) for i in range(23)])
    seen = await cert_nos(adapter(registry, fake_time).persons())
    assert seen == [r["certNo"] for r in registry.rows]


async def test_deletes_ahead_of_the_offset_lose_nobody(fake_time: FakeTime) -> None:
    def delete_early_rows(registry: FakeRegistry, call: int) -> None:
        if call == 2:  # after two pages, six rows already read disappear
            del registry.rows[0:6]

    registry = FakeRegistry([person(i) for i in range(30)], delete_early_rows)
    original = [r["certNo"] for r in registry.rows]
    seen = await cert_nos(adapter(registry, fake_time).persons())
    assert seen == original  # without stepping back, the rows that slid left would be skipped


async def test_inserts_ahead_of_the_offset_double_nobody(fake_time: FakeTime) -> None:
    def insert_early_rows(registry: FakeRegistry, call: int) -> None:
        if call == 2:
            for i in range(7):
                registry.insert(person(1000 + i, certNo=f"000000{i:02d}" + "0" * 12))

    registry = FakeRegistry([person(i) for i in range(30)], insert_early_rows)
    original = [r["certNo"] for r in registry.rows]
    seen = await cert_nos(adapter(registry, fake_time).persons())
    assert seen == original


@pytest.mark.parametrize("seed", range(25))
async def test_random_churn_neither_loses_nor_doubles(fake_time: FakeTime, seed: int) -> None:
    rng = random.Random(seed)
    fresh = iter(range(10_000, 20_000))
    initial = [person(i * 10) for i in range(60)]
    touched: set[str] = set()

    def churn(registry: FakeRegistry, call: int) -> None:
        for _ in range(rng.randint(0, 4)):
            if rng.random() < 0.5 and registry.rows:
                gone = registry.rows.pop(rng.randrange(len(registry.rows)))
                touched.add(gone["certNo"])
            else:
                row = person(next(fresh), certNo=f"{rng.randrange(600):06d}{rng.randrange(10**14):014d}")
                touched.add(row["certNo"])
                registry.insert(row)

    registry = FakeRegistry(initial, churn)
    seen = await cert_nos(adapter(registry, fake_time, page_size=7).persons())
    assert len(seen) == len(set(seen)), "a person was doubled"
    stable = {r["certNo"] for r in initial} - touched
    assert stable <= set(seen), f"lost {sorted(stable - set(seen))}"


async def test_resume_continues_after_the_anchor(fake_time: FakeTime) -> None:
    registry = FakeRegistry([person(i) for i in range(12)])
    first = await anext(aiter(adapter(registry, fake_time).persons()))
    assert first.resume is not None
    assert json.loads(first.resume)["anchor"] == registry.rows[4]["certNo"]
    del registry.rows[0:2]  # the registry moves on while the hub is down

    rest = await cert_nos(adapter(registry, fake_time).persons(resume=first.resume))
    assert rest == [r["certNo"] for r in registry.rows[3:]]


async def test_modified_after_is_sent_compact_from_the_second_before(fake_time: FakeTime) -> None:
    registry = FakeRegistry([person(1)])
    pages = [
        p async for p in adapter(registry, fake_time).persons(since=datetime(2026, 3, 1, 2, 15, tzinfo=CST))
    ]
    # exclusive filter, one-second resolution: the watermark's own second is asked again
    assert registry.requests[0].url.params["modifiedAfter"] == "20260301021459"
    assert pages[-1].watermark == datetime(2026, 3, 2, 10, 15, tzinfo=CST)


async def test_certificates_are_normalised(fake_time: FakeTime) -> None:
    registry = FakeRegistry([person(1, guardian={"name": "张父", "idCard": "530102195001011234"})])
    (page,) = [p async for p in adapter(registry, fake_time).persons()]
    (cert,) = page.records
    assert isinstance(cert, Certificate)
    assert cert.provenance.record_key == cert.cert_no
    assert cert.subsidies[0].monthly_amount == Decimal("80.00")
    assert cert.guardian_name == "张父"
    assert cert.address_key == "530102001001|青云路12号"


async def test_an_id_card_that_disagrees_with_the_cert_no_is_kept(fake_time: FakeTime) -> None:
    registry = FakeRegistry([person(1, idCard=id_number(2))])
    (page,) = [p async for p in adapter(registry, fake_time).persons()]
    (cert,) = page.records
    assert isinstance(cert, Certificate)
    assert not cert.cert_no.startswith(cert.id_number.value)
    assert page.quarantined == ()


async def test_bad_rows_are_quarantined_and_the_page_kept(fake_time: FakeTime) -> None:
    rows = [person(1), person(2, disabilityLevel=9), person(3, idCard=None), person(4)]
    registry = FakeRegistry(rows)
    (page,) = [p async for p in adapter(registry, fake_time).persons()]
    assert len(page.records) == 2
    reasons = {q.location: q.reason for q in page.quarantined}
    assert "disabilityLevel" in reasons[rows[1]["certNo"]]
    assert "missing ID number" in reasons[rows[2]["certNo"]]


async def test_500_and_429_are_retried(fake_time: FakeTime) -> None:
    registry = FakeRegistry([person(i) for i in range(3)])
    answers = iter([httpx.Response(500), httpx.Response(429, json={"code": "RATE_LIMITED"})])

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or registry(request)

    assert len(await cert_nos(adapter(flaky, fake_time).persons())) == 3


async def test_a_wrong_key_fails(fake_time: FakeTime) -> None:
    with pytest.raises(AuthenticationFailed):
        await cert_nos(adapter(FakeRegistry([]), fake_time, api_key="nope").persons())


async def test_an_unordered_page_breaks_the_contract(fake_time: FakeTime) -> None:
    def unordered(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"total": 2, "offset": 0, "data": [person(2), person(1)]})

    with pytest.raises(ContractViolation, match="not ordered"):
        await cert_nos(adapter(unordered, fake_time).persons())


def test_page_size_is_bounded() -> None:
    with pytest.raises(ValueError, match="page_size"):
        DisabilityAdapter(httpx.AsyncClient(), base_url="http://x", api_key="k", page_size=201)


async def test_pages_are_pages(fake_time: FakeTime) -> None:
    registry = FakeRegistry([person(i) for i in range(9)])
    pages: list[Page] = [p async for p in adapter(registry, fake_time).persons()]
    assert [len(p.records) for p in pages] == [5, 4]
    assert pages[-1].resume is None
