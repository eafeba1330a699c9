"""The 民政 social assistance system (source ``civil``): 低保 households, 特困 persons, payments, standards.

REST/JSON behind OAuth2 client credentials, cursor pages (``contracts/civil-affairs.md``).
A row that breaks the contract is quarantined whole, the reason naming the member at
fault; the rest of its page is kept. A cancelled household is yielded with its status,
never dropped: the graph needs to see it leave.

Resume tokens are JSON objects ``{"cursor", "since", "region", "watermark"}``: the
cursor of the next page plus the filters that produced it, so a restarted sync asks
for exactly the same feed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

import httpx

from adapters import normalise as n
from adapters.errors import AuthenticationFailed, ContractViolation
from adapters.http import Clock, Prepare, RetryPolicy, Sleep, SourceClient
from adapters.records import (
    CivilHousehold,
    CivilMember,
    Dibao,
    DibaoStandard,
    Page,
    Payment,
    Provenance,
    Quarantined,
    Record,
    Source,
    TekunRecord,
)

SOURCE = Source.CIVIL
_TOKEN_MARGIN = 60.0  # seconds: renew a token this long before it expires, not after a 401

Parse = Callable[[Any, datetime], Record]


class CivilAdapter:
    """Client of the civil-affairs system; one instance per sync, shared by its tasks."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        page_size: int = 200,
        rate: float = 18.0,  # the system allows 20 calls a second; keep a margin
        policy: RetryPolicy | None = None,
        timeout: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        if not 1 <= page_size <= 500:
            raise ValueError(f"page_size must be 1–500, not {page_size}")
        self._http = SourceClient(
            client,
            source=SOURCE,
            base_url=base_url,
            rate=rate,
            policy=policy,
            timeout=timeout,
            sleep=sleep,
            clock=clock,
        )
        self._client_id = client_id
        self._client_secret = client_secret
        self._page_size = page_size
        self._clock = clock
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    # -- authentication ----------------------------------------------------------

    async def _bearer(self, *, stale: str | None = None) -> str:
        """A valid token; a new one when the current one is ``stale`` (just refused) or expiring."""
        async with self._token_lock:
            # Concurrent tasks refused with the same token fetch only one new token.
            if self._token is not None and self._token != stale and self._clock() < self._token_expires:
                return self._token
            try:
                body = await self._http.json(
                    "POST",
                    "/oauth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self._client_id,
                        "client_secret": self._client_secret,
                    },
                )
            except ContractViolation as exc:
                if exc.status == 400:  # OAuth2 answers invalid_client with 400 as often as 401
                    raise AuthenticationFailed(SOURCE, "token refused (400)") from exc
                raise
            try:
                token, expires_in = str(n.text(body, "access_token")), float(n.field(body, "expires_in"))
            except (ValueError, TypeError) as exc:
                raise ContractViolation(SOURCE, f"token response: {exc}") from exc
            self._token = token
            self._token_expires = self._clock() + max(0.0, expires_in - _TOKEN_MARGIN)
            return token

    async def _get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """GET with a bearer token; on 401, one new token and one retry."""
        token = await self._bearer()
        try:
            return await self._http.json("GET", path, params=params, prepare=_with_bearer(token))
        except AuthenticationFailed:
            token = await self._bearer(stale=token)
            return await self._http.json("GET", path, params=params, prepare=_with_bearer(token))

    # -- streams -----------------------------------------------------------------

    def households(
        self, *, since: datetime | None = None, region: str | None = None, resume: str | None = None
    ) -> AsyncIterator[Page]:
        """Households changed at or after ``since`` (all without it), cancelled ones included."""
        return self._feed(
            "households", "/api/v1/households", "updated_since", since, region, resume, _household
        )

    def tekun(
        self, *, since: datetime | None = None, region: str | None = None, resume: str | None = None
    ) -> AsyncIterator[Page]:
        """Persons in 特困 support changed at or after ``since``."""
        return self._feed("tekun", "/api/v1/tekun", "updated_since", since, region, resume, _tekun)

    def payments(
        self, *, since: date | datetime | None = None, region: str | None = None, resume: str | None = None
    ) -> AsyncIterator[Page]:
        """临时救助 and 医疗救助 payments paid on or after ``since``."""
        if isinstance(since, date) and not isinstance(since, datetime):
            since = datetime.combine(since, clock_time(), tzinfo=n.CST)
        return self._feed("payments", "/api/v1/payments", "paid_since", since, region, resume, _payment)

    async def standards(self) -> Page:
        """Every published 低保 standard, in one page."""
        body = await self._get("/api/v1/standards")
        if not isinstance(body, list):
            raise ContractViolation(SOURCE, "/api/v1/standards: not a list")
        return _page("standards", body, _standard, n.now(), "standards", None)

    async def _feed(
        self,
        stream: str,
        path: str,
        since_param: str,
        since: datetime | None,
        region: str | None,
        resume: str | None,
        parse: Parse,
    ) -> AsyncIterator[Page]:
        state = _decode_resume(resume) if resume else _Resume(None, _iso(since), region, None)
        cursor = state.cursor
        watermark = n.parse_datetime(state.watermark) if state.watermark else None
        while True:
            params: dict[str, str | int] = {"limit": self._page_size}
            if state.since:
                params[since_param] = _since_value(since_param, state.since)
            if state.region:
                params["region"] = state.region
            if cursor:
                params["cursor"] = cursor
            body = await self._get(path, params)
            items, next_cursor = _items(body, path)
            where = cursor or "start"
            page = _page(
                stream,
                items,
                parse,
                n.now(),
                f"{stream}@{where}",
                watermark,
            )
            watermark = page.watermark
            if next_cursor is not None:
                token = _Resume(next_cursor, state.since, state.region, _iso(watermark)).encode()
                page = dataclasses.replace(page, resume=token)
            yield page
            if next_cursor is None:
                return
            cursor = next_cursor


# ---------------------------------------------------------------------------
# Paging


class _Resume:
    """Where a feed stands: the next cursor and the filters it was asked with."""

    def __init__(
        self, cursor: str | None, since: str | None, region: str | None, watermark: str | None
    ) -> None:
        self.cursor, self.since, self.region, self.watermark = cursor, since, region, watermark

    def encode(self) -> str:
        return json.dumps(
            {"cursor": self.cursor, "since": self.since, "region": self.region, "watermark": self.watermark},
            separators=(",", ":"),
        )


def _decode_resume(token: str) -> _Resume:
    try:
        data = json.loads(token)
        return _Resume(data["cursor"], data["since"], data["region"], data["watermark"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a civil resume token: {token!r}") from exc


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _with_bearer(token: str) -> Prepare:
    async def prepare(request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {token}"

    return prepare


def _items(body: Any, path: str) -> tuple[list[Any], str | None]:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise ContractViolation(SOURCE, f"{path}: no items list")
    next_cursor = body.get("next_cursor")
    if next_cursor is not None and (not isinstance(next_cursor, str) or not next_cursor):
        raise ContractViolation(SOURCE, f"{path}: next_cursor {next_cursor!r} is not a string")
    return body["items"], next_cursor


def _since_value(param: str, since: str) -> str:
    if param == "paid_since":
        # payments filter by day: the CST date of the time asked for
        return n.parse_datetime(since).astimezone(n.CST).date().isoformat()
    return since


def _location(row: Any, fallback: str) -> str:
    """Where a bad row sits: its record key as far as it can be read, else its place in the page."""
    if not isinstance(row, dict):
        return fallback
    if "person_id_number" in row:  # a 特困 row: "<id>|<household>|<start date>"
        return "|".join(str(row.get(k) or "") for k in ("person_id_number", "household_id", "start_date"))
    key = row.get("payment_id") or row.get("household_id")
    return key if isinstance(key, str) and key else fallback


def _page(
    stream: str,
    rows: list[Any],
    parse: Parse,
    fetched_at: datetime,
    where: str,
    watermark: datetime | None,
) -> Page:
    """Parse a page's rows; a bad row is quarantined, the others kept."""
    records: list[Record] = []
    quarantined: list[Quarantined] = []
    for i, row in enumerate(rows):
        try:
            record = parse(row, fetched_at)
        except ValueError as exc:
            location = _location(row, f"{where}#{i}")
            quarantined.append(Quarantined(SOURCE, location, n.raw_json(row), str(exc), fetched_at))
            continue
        records.append(record)
        moment = _changed_at(record)
        if moment is not None and (watermark is None or moment > watermark):
            watermark = moment
    return Page(SOURCE, stream, tuple(records), tuple(quarantined), None, watermark)


def _changed_at(record: Record) -> datetime | None:
    if isinstance(record, CivilHousehold | TekunRecord):
        return record.updated_at
    if isinstance(record, Payment):
        return datetime.combine(record.paid_on, clock_time(), tzinfo=n.CST)
    return None


# ---------------------------------------------------------------------------
# Rows


def _provenance(key: str, row: Any, fetched_at: datetime) -> Provenance:
    return Provenance(SOURCE, key, fetched_at, n.raw_json(row))


def _bool(row: Any, key: str) -> bool:
    value = n.field(row, key)
    if not isinstance(value, bool):
        raise ValueError(f"{key} is not true or false: {value!r}")
    return value


def _member(row: Any) -> CivilMember:
    name = n.text(row, "name")
    relation_code = n.text(row, "relation")
    return CivilMember(
        name=n.clean_name(name),
        name_key=n.name_key(name),
        id_number=n.parse_id_number(n.optional_text(row, "id_number")),
        relation_code=relation_code,
        relation=n.relation_of_code(relation_code),
        gender=n.parse_gender(n.optional_text(row, "gender")),
        birth_date=n.optional_date(n.optional_text(row, "birth_date")),
        covered=_bool(row, "covered"),
    )


def _dibao(row: Any) -> Dibao:
    return Dibao(
        category=n.one_of(row, "category", ("A", "B", "C")),
        status=n.one_of(row, "status", ("active", "suspended", "ended", "phasing_out")),
        start_date=n.optional_date(n.optional_text(row, "start_date")),
        end_date=n.optional_date(n.optional_text(row, "end_date")),
        monthly_amount=n.yuan(n.field(row, "monthly_amount")),
        per_capita_income=n.yuan(n.field(row, "per_capita_income")),
        standard=n.yuan(n.field(row, "standard")),
    )


def _household(row: Any, fetched_at: datetime) -> CivilHousehold:
    household_id = n.text(row, "household_id")
    region_code = n.text(row, "region_code")
    address = n.optional_text(row, "address") or ""
    members_raw = n.field(row, "members")
    if not isinstance(members_raw, list):
        raise ValueError(f"members is not a list: {members_raw!r:.80}")
    members = []
    for i, member in enumerate(members_raw, start=1):
        try:
            members.append(_member(member))
        except ValueError as exc:
            who = (member.get("name") or member.get("id_number")) if isinstance(member, dict) else None
            raise ValueError(f"member {i} ({who or 'unnamed'}): {exc}") from None
    dibao_raw = row.get("dibao")
    try:
        dibao = None if dibao_raw is None else _dibao(dibao_raw)
    except ValueError as exc:
        raise ValueError(f"dibao: {exc}") from None
    return CivilHousehold(
        provenance=_provenance(household_id, row, fetched_at),
        household_id=household_id,
        region_code=region_code,
        address=address,
        address_key=n.address_key(region_code, address),
        area_type=n.one_of(row, "area_type", ("urban", "rural")),
        status=n.one_of(row, "status", ("active", "cancelled")),
        updated_at=n.parse_datetime(n.text(row, "updated_at")),
        members=tuple(members),
        dibao=dibao,
    )


def _tekun(row: Any, fetched_at: datetime) -> TekunRecord:
    id_number = n.parse_id_number(n.optional_text(row, "person_id_number"))
    household_id = n.text(row, "household_id")
    name = n.text(row, "name")
    start_date = n.optional_date(n.optional_text(row, "start_date"))
    key = f"{id_number.value}|{household_id}|{start_date.isoformat() if start_date else ''}"
    return TekunRecord(
        provenance=_provenance(key, row, fetched_at),
        id_number=id_number,
        name=n.clean_name(name),
        name_key=n.name_key(name),
        household_id=household_id,
        support_mode=n.one_of(row, "support_mode", ("scattered", "centralized")),
        status=n.one_of(row, "status", ("active", "suspended", "ended")),
        start_date=start_date,
        end_date=n.optional_date(n.optional_text(row, "end_date")),
        monthly_amount=n.yuan(n.field(row, "monthly_amount")),
        care_level=n.one_of(row, "care_level", ("full_self_care", "partial", "none")),
        updated_at=n.parse_datetime(n.text(row, "updated_at")),
    )


_REASONS = ("illness", "accident", "disaster", "fire", "education", "unemployment", "other")


def _payment(row: Any, fetched_at: datetime) -> Payment:
    payment_id = n.text(row, "payment_id")
    return Payment(
        provenance=_provenance(payment_id, row, fetched_at),
        payment_id=payment_id,
        program=n.one_of(row, "program", ("TEMP_AID", "MEDICAL_AID")),
        id_number=n.parse_id_number(n.optional_text(row, "id_number")),
        household_id=n.text(row, "household_id"),
        amount=n.yuan(n.field(row, "amount")),
        paid_on=n.parse_date(n.text(row, "paid_on")),
        reason=n.one_of(row, "reason", _REASONS),
        region_code=n.text(row, "region_code"),
    )


def _standard(row: Any, fetched_at: datetime) -> DibaoStandard:
    county = n.text(row, "county")
    area_type = n.one_of(row, "area_type", ("urban", "rural"))
    effective_from = n.parse_date(n.text(row, "effective_from"))
    return DibaoStandard(
        provenance=_provenance(f"{county}|{area_type}|{effective_from.isoformat()}", row, fetched_at),
        county=county,
        area_type=area_type,
        monthly_standard=n.yuan(n.field(row, "monthly_standard")),
        effective_from=effective_from,
    )
