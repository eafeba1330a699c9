"""The civil-affairs adapter against a MockTransport imitating the 民政 system."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from adapter_fakes import FakeTime

from adapters.civil import CivilAdapter
from adapters.errors import AuthenticationFailed
from adapters.normalise import CST
from adapters.records import CivilHousehold, Page, Payment, Relation, TekunRecord


def member(**overrides: Any) -> dict[str, Any]:
    row = {
        "name": "张建国",
        "id_number": "530102198001011237",
        "relation": "02",
        "gender": "1",
        "birth_date": "1980-01-01",
        "covered": True,
    }
    return row | overrides


def household(
    household_id: str, updated_at: str = "2026-03-01T10:00:00+08:00", **overrides: Any
) -> dict[str, Any]:
    row = {
        "household_id": household_id,
        "region_code": "530102001001",
        "address": "云南省昆明市五华区华山街道翠湖社区青云路12号",
        "area_type": "urban",
        "status": "active",
        "updated_at": updated_at,
        "members": [
            member(),
            member(
                name="李 秀英",
                id_number="53010219820304028x",
                relation="10",
                gender="2",
                birth_date="1982-03-04",
            ),
        ],
        "dibao": {
            "category": "A",
            "status": "active",
            "start_date": "2024-05-01",
            "end_date": None,
            "monthly_amount": "612.00",
            "per_capita_income": "180.00",
            "standard": "750.00",
        },
        "a_field_added_later": 1,
    }
    return row | overrides


class FakeCivil:
    """The 民政 system: a token endpoint and cursor-paged feeds over fixed rows."""

    def __init__(self, feeds: dict[str, list[Any]], page: int = 2) -> None:
        self.feeds = feeds
        self.page = page
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.requests: list[httpx.Request] = []
        self.refuse_next = 0  # answer this many data calls with 401 whatever the token

    def revoke(self) -> None:
        self.valid_tokens.clear()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            form = parse_qs(request.content.decode())
            if form != {
                "grant_type": ["client_credentials"],
                "client_id": ["cid"],
                "client_secret": ["secret"],
            }:
                return httpx.Response(401, json={"error": "invalid_client"})
            self.tokens_issued += 1
            token = f"t{self.tokens_issued}"
            self.valid_tokens.add(token)
            return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.refuse_next or bearer not in self.valid_tokens:
            self.refuse_next = max(0, self.refuse_next - 1)
            return httpx.Response(401, json={"error": "invalid_token"})
        name = request.url.path.rsplit("/", 1)[-1]
        rows = self.feeds[name]
        if name == "standards":
            return httpx.Response(200, json=rows)
        start = int(request.url.params.get("cursor", "0"))
        end = start + self.page
        next_cursor = str(end) if end < len(rows) else None
        return httpx.Response(200, json={"items": rows[start:end], "next_cursor": next_cursor})


def adapter(server: FakeCivil, fake_time: FakeTime, **kwargs: Any) -> CivilAdapter:
    return CivilAdapter(
        httpx.AsyncClient(transport=httpx.MockTransport(server)),
        base_url="http://civil.test",
        client_id="cid",
        client_secret="secret",
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        **kwargs,
    )


async def collect(pages: Any) -> list[Page]:
    return [page async for page in pages]


async def test_households_are_paged_and_normalised(fake_time: FakeTime) -> None:
    rows = [household(f"MZ530102-00000{i}", f"2026-03-0{i}T10:00:00+08:00") for i in range(1, 6)]
    server = FakeCivil({"households": rows})
    pages = await collect(adapter(server, fake_time).households())

    assert [len(p.records) for p in pages] == [2, 2, 1]
    assert [p.stream for p in pages] == ["households"] * 3
    assert pages[-1].resume is None
    assert pages[-1].watermark == datetime(2026, 3, 5, 10, tzinfo=CST)
    first = pages[0].records[0]
    assert isinstance(first, CivilHousehold)
    assert first.provenance.record_key == "MZ530102-000001"
    assert json.loads(first.provenance.raw)["household_id"] == "MZ530102-000001"
    assert "张建国" in first.provenance.raw  # readable, not \\u escapes
    assert first.address_key == "530102001001|青云路12号"
    spouse = first.members[1]
    assert spouse.id_number.value == "53010219820304028X"
    assert spouse.name == "李秀英"
    assert spouse.relation is Relation.SPOUSE
    assert first.dibao is not None
    assert first.dibao.monthly_amount == Decimal("612.00")
    assert server.tokens_issued == 1


async def test_resume_continues_after_the_committed_page_with_the_same_filters(fake_time: FakeTime) -> None:
    rows = [household(f"MZ530102-00000{i}", f"2026-03-0{i}T10:00:00+08:00") for i in range(1, 6)]
    server = FakeCivil({"households": rows})
    since = datetime(2026, 1, 1, tzinfo=CST)
    first = await anext(aiter(adapter(server, fake_time).households(since=since, region="530102")))
    assert first.resume is not None

    rest = await collect(adapter(server, fake_time).households(resume=first.resume))
    ids = [r.household_id for p in rest for r in p.records if isinstance(r, CivilHousehold)]
    assert ids == ["MZ530102-000003", "MZ530102-000004", "MZ530102-000005"]
    resumed = server.requests[-2]
    assert resumed.url.params["cursor"] == "2"
    assert resumed.url.params["updated_since"] == "2026-01-01T00:00:00+08:00"
    assert resumed.url.params["region"] == "530102"
    assert rest[-1].watermark == datetime(2026, 3, 5, 10, tzinfo=CST)


async def test_an_expired_token_is_refreshed_once(fake_time: FakeTime) -> None:
    server = FakeCivil({"households": [household("MZ1")]})
    civil = adapter(server, fake_time)
    await collect(civil.households())
    server.revoke()

    pages = await collect(civil.households())
    assert len(pages[0].records) == 1
    assert server.tokens_issued == 2


async def test_a_second_401_is_an_authentication_failure(fake_time: FakeTime) -> None:
    server = FakeCivil({"households": [household("MZ1")]})
    server.refuse_next = 2
    with pytest.raises(AuthenticationFailed):
        await collect(adapter(server, fake_time).households())
    assert server.tokens_issued == 2


async def test_wrong_credentials_fail_at_the_token(fake_time: FakeTime) -> None:
    server = FakeCivil({"households": []})
    civil = CivilAdapter(
        httpx.AsyncClient(transport=httpx.MockTransport(server)),
        base_url="http://civil.test",
        client_id="cid",
        client_secret="wrong",
        sleep=fake_time.sleep,
    )
    with pytest.raises(AuthenticationFailed):
        await collect(civil.households())


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            household("MZ-BAD", members=[member(), member(name="王五", id_number=None)]),
            "member 2 (王五): missing ID number",
        ),
        (
            household("MZ-BAD", members=[member(name="王五", relation="13")]),
            "member 1 (王五): unknown relation code '13'",
        ),
        (
            household("MZ-BAD", members=[member(name="王五", birth_date="1980-02-30")]),
            "member 1 (王五): unreadable date",
        ),
        (
            household("MZ-BAD", dibao=household("x")["dibao"] | {"monthly_amount": "—"}),
            "dibao: not an amount: '—'",
        ),
        (household("MZ-BAD", area_type="suburban"), "unknown area_type 'suburban'"),
        (household("MZ-BAD", updated_at="yesterday"), "unreadable time 'yesterday'"),
    ],
)
async def test_a_bad_row_is_quarantined_and_the_rest_of_the_page_kept(
    fake_time: FakeTime, bad: dict[str, Any], reason: str
) -> None:
    server = FakeCivil({"households": [household("MZ-GOOD-1"), bad, household("MZ-GOOD-2")]}, page=3)
    (page,) = await collect(adapter(server, fake_time).households())

    assert [r.household_id for r in page.records if isinstance(r, CivilHousehold)] == [
        "MZ-GOOD-1",
        "MZ-GOOD-2",
    ]
    (quarantined,) = page.quarantined
    assert quarantined.location == "MZ-BAD"
    assert reason in quarantined.reason
    assert json.loads(quarantined.raw) == bad


async def test_a_row_that_is_not_an_object_is_quarantined_by_place(fake_time: FakeTime) -> None:
    server = FakeCivil({"households": [household("MZ1"), "garbage"]}, page=5)
    (page,) = await collect(adapter(server, fake_time).households())
    assert len(page.records) == 1
    assert page.quarantined[0].location == "households@start#1"


async def test_a_cancelled_household_is_recorded_not_dropped(fake_time: FakeTime) -> None:
    server = FakeCivil({"households": [household("MZ1", status="cancelled", dibao=None, members=[])]})
    (page,) = await collect(adapter(server, fake_time).households())
    (cancelled,) = page.records
    assert isinstance(cancelled, CivilHousehold)
    assert cancelled.status == "cancelled"
    assert cancelled.dibao is None


async def test_rate_limited_calls_wait_and_retry(fake_time: FakeTime) -> None:
    server = FakeCivil({"households": [household("MZ1")]})
    answered_429 = False

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal answered_429
        if request.url.path.endswith("households") and not answered_429:
            answered_429 = True
            return httpx.Response(429, headers={"Retry-After": "2"})
        return server(request)

    civil = CivilAdapter(
        httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        base_url="http://civil.test",
        client_id="cid",
        client_secret="secret",
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    (page,) = await collect(civil.households())
    assert len(page.records) == 1
    assert 2.0 in fake_time.sleeps


async def test_tekun_records_carry_their_key(fake_time: FakeTime) -> None:
    row = {
        "person_id_number": "530102194501011235",
        "name": "王德福",
        "household_id": "MZ530102-000777",
        "support_mode": "scattered",
        "status": "active",
        "start_date": "2019-01-01",
        "end_date": None,
        "monthly_amount": "980.00",
        "care_level": "full_self_care",
        "updated_at": "2026-02-01T09:00:00+08:00",
    }
    server = FakeCivil({"tekun": [row, row | {"monthly_amount": "—"}]})
    (page,) = await collect(adapter(server, fake_time).tekun())
    (record,) = page.records
    assert isinstance(record, TekunRecord)
    assert record.provenance.record_key == "530102194501011235|MZ530102-000777|2019-01-01"
    assert record.monthly_amount == Decimal("980.00")
    assert page.quarantined[0].location == "530102194501011235|MZ530102-000777|2019-01-01"


async def test_payments_filter_by_day(fake_time: FakeTime) -> None:
    row = {
        "payment_id": "P2026-0001234",
        "program": "TEMP_AID",
        "id_number": "530102198001011237",
        "household_id": "MZ530102-000123",
        "amount": "1500.00",
        "paid_on": "2026-02-11",
        "reason": "illness",
        "region_code": "530102001001",
    }
    server = FakeCivil({"payments": [row]})
    (page,) = await collect(adapter(server, fake_time).payments(since=date(2026, 2, 1)))
    (payment,) = page.records
    assert isinstance(payment, Payment)
    assert payment.provenance.record_key == "P2026-0001234"
    assert payment.amount == Decimal("1500.00")
    assert page.watermark == datetime(2026, 2, 11, tzinfo=CST)
    assert server.requests[-1].url.params["paid_since"] == "2026-02-01"


async def test_standards(fake_time: FakeTime) -> None:
    rows = [
        {
            "county": "530102",
            "area_type": "urban",
            "monthly_standard": "750.00",
            "effective_from": "2026-01-01",
        },
        {"county": "530102", "area_type": "rural", "monthly_standard": "—", "effective_from": "2026-01-01"},
    ]
    page = await adapter(FakeCivil({"standards": rows}), fake_time).standards()
    assert len(page.records) == 1
    assert page.quarantined[0].location == "standards#1"
    assert page.resume is None
