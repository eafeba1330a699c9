"""The 残联 disability registry (source ``disability``): 残疾人证 certificates and the two subsidies.

REST/JSON, camelCase, ``X-Api-Key``, offset pages ordered by ``certNo``
(``contracts/disability.md``). The registry changes while it is read, so offsets
drift; :meth:`DisabilityAdapter.persons` re-anchors on the last ``certNo`` it yielded so
that no person is lost or doubled. A certificate whose ``idCard`` disagrees with its
``certNo`` is kept as sent: that conflict is a rule's business, not a bad row.

Resume tokens are JSON objects ``{"offset", "anchor", "since", "region", "watermark"}``:
the offset at which the anchor (the last ``certNo`` yielded) is expected next.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from adapters import normalise as n
from adapters.errors import ContractViolation
from adapters.http import Clock, RetryPolicy, Sleep, SourceClient
from adapters.records import Certificate, DisabilitySubsidy, Page, Provenance, Quarantined, Record, Source

SOURCE = Source.DISABILITY
PATH = "/cdpf/api/v2/persons"


class DisabilityAdapter:
    """Client of the disability registry."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        api_key: str,
        page_size: int = 200,
        rate: float = 9.0,  # the registry allows 10 calls a second; keep a margin
        policy: RetryPolicy | None = None,
        timeout: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        # One row of each page repeats the anchor, so a page must hold at least two.
        if not 2 <= page_size <= 200:
            raise ValueError(f"page_size must be 2–200, not {page_size}")
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
        self._headers = {"X-Api-Key": api_key}
        self._limit = page_size

    async def persons(
        self, *, since: datetime | None = None, region: str | None = None, resume: str | None = None
    ) -> AsyncIterator[Page]:
        """Certificates modified after ``since`` (all without it), each exactly once.

        Each request starts one row early, at the offset where the last ``certNo``
        yielded (the anchor) should sit, and keeps only rows ordered after the anchor:
        a row pushed right by inserts ahead of the offset shows up again and is
        dropped, never doubled. When deletes ahead of the offset pull rows left, the
        page starts past the anchor and the rows that slid below the offset would be
        lost; then the offset steps back a page at a time until the page reaches the
        anchor (or a row before it, if the anchor itself was deleted) again.
        Deduplicating by order, not by a set of every certNo seen, keeps memory flat.
        """
        if resume:
            state = _decode(resume)
        else:
            # modifiedAfter is exclusive at one-second resolution and ``since`` is the newest
            # change already read: ask from the second before, so a change later in that same
            # second is not missed (rows read twice are written idempotently).
            after = since - timedelta(seconds=1) if since else None
            state = _State(0, None, n.compact_time(after) if after else None, region, None)
        offset, anchor = state.offset, state.anchor
        watermark = n.parse_datetime(state.watermark) if state.watermark else None
        keyless_seen: set[str] = set()
        while True:
            rows, total = await self._page(offset, state.since, state.region)
            certs = [_cert_no(row) for row in rows]
            ordered = [c for c in certs if c is not None]
            if ordered != sorted(ordered):
                raise ContractViolation(SOURCE, f"{PATH}: page at offset {offset} is not ordered by certNo")
            if anchor is not None and offset > 0 and (not ordered or ordered[0] > anchor):
                # Deletes ahead of us pulled rows left past the offset (or the list shrank
                # below it): step back until the window reaches the anchor again.
                offset = max(0, offset - (self._limit - 1))
                continue
            fetched_at = n.now()
            records: list[Record] = []
            quarantined: list[Quarantined] = []
            for i, (cert, row) in enumerate(zip(certs, rows, strict=True)):
                if cert is not None and anchor is not None and cert <= anchor:
                    continue  # seen already: the overlap row, or pushed right by inserts
                raw = n.raw_json(row)
                if cert is None and raw in keyless_seen:
                    continue
                try:
                    certificate = _certificate(row, fetched_at)
                except ValueError as exc:
                    if cert is None:
                        keyless_seen.add(raw)
                    where = cert or f"persons@{offset}#{i}"
                    quarantined.append(Quarantined(SOURCE, where, raw, str(exc), fetched_at))
                    continue
                records.append(certificate)
                if watermark is None or certificate.modified_at > watermark:
                    watermark = certificate.modified_at
            if ordered and (anchor is None or ordered[-1] > anchor):
                anchor = ordered[-1]
            # ``total`` comes with this very page, so it is consistent with it: the end is reached.
            last = len(rows) < self._limit or (total is not None and offset + len(rows) >= total)
            # Next time the last row of this page should come first: that row is the overlap.
            offset = offset + len(rows) - 1
            mark = watermark.isoformat() if watermark else None
            token = None if last else _State(offset, anchor, state.since, state.region, mark).encode()
            yield Page(SOURCE, "persons", tuple(records), tuple(quarantined), token, watermark)
            if last:
                return

    async def _page(self, offset: int, since: str | None, region: str | None) -> tuple[list[Any], int | None]:
        params: dict[str, str | int] = {"offset": offset, "limit": self._limit}
        if since:
            params["modifiedAfter"] = since
        if region:
            params["regionCode"] = region
        body = await self._http.json("GET", PATH, params=params, headers=self._headers)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise ContractViolation(SOURCE, f"{PATH}: no data list at offset {offset}")
        rows: list[Any] = body["data"]
        if len(rows) > self._limit:
            raise ContractViolation(SOURCE, f"{PATH}: {len(rows)} rows for limit {self._limit}")
        total = body.get("total")
        return rows, total if isinstance(total, int) and not isinstance(total, bool) else None


@dataclass(frozen=True, slots=True)
class _State:
    """Where a read stands: the offset where ``anchor`` should come first, and the filters."""

    offset: int
    anchor: str | None
    since: str | None  # modifiedAfter, yyyyMMddHHmmss
    region: str | None
    watermark: str | None

    def encode(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))


def _decode(token: str) -> _State:
    try:
        state = _State(**json.loads(token))
        if not isinstance(state.offset, int) or state.offset < 0:
            raise ValueError(state.offset)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a disability resume token: {token!r}") from exc
    return state


def _cert_no(row: Any) -> str | None:
    if isinstance(row, dict) and isinstance(row.get("certNo"), str) and row["certNo"].strip():
        return str(row["certNo"]).strip()
    return None


def _int(row: Any, key: str, low: int, high: int) -> int:
    value = n.field(row, key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key} is not an integer {low}–{high}: {value!r}")
    return value


def _subsidy(row: Any) -> DisabilitySubsidy:
    return DisabilitySubsidy(
        type=n.one_of(row, "type", ("LIVING", "NURSING")),
        status=n.one_of(row, "status", ("ACTIVE", "STOPPED")),
        monthly_amount=n.yuan(n.field(row, "monthlyAmount")),
        start_date=n.optional_date(n.optional_text(row, "startDate")),
        end_date=n.optional_date(n.optional_text(row, "endDate")),
    )


def _certificate(row: Any, fetched_at: datetime) -> Certificate:
    cert_no = n.text(row, "certNo").strip()
    name = n.text(row, "name")
    region_code = n.text(row, "regionCode")
    address = n.optional_text(row, "address") or ""
    status = n.one_of(row, "certStatus", ("VALID", "EXPIRED", "CANCELLED"))
    cancel_reason = n.optional_text(row, "cancelReason")
    if cancel_reason is not None and cancel_reason not in ("REVOKED", "DECEASED"):
        raise ValueError(f"unknown cancelReason {cancel_reason!r}")
    guardian = row.get("guardian")
    if guardian is not None and not isinstance(guardian, dict):
        raise ValueError(f"guardian is not an object: {guardian!r:.80}")
    subsidies_raw = row.get("subsidies") or []
    if not isinstance(subsidies_raw, list):
        raise ValueError(f"subsidies is not a list: {subsidies_raw!r:.80}")
    subsidies = []
    for i, subsidy in enumerate(subsidies_raw, start=1):
        try:
            subsidies.append(_subsidy(subsidy))
        except ValueError as exc:
            raise ValueError(f"subsidy {i}: {exc}") from None
    return Certificate(
        provenance=Provenance(SOURCE, cert_no, fetched_at, n.raw_json(row)),
        cert_no=cert_no,
        # Kept even when it disagrees with certNo: other.identity_conflict reads both.
        id_number=n.parse_id_number(n.optional_text(row, "idCard")),
        name=n.clean_name(name),
        name_key=n.name_key(name),
        gender=n.parse_gender(n.optional_text(row, "gender")),
        birth_date=n.optional_date(n.optional_text(row, "birthday")),
        disability_type=_int(row, "disabilityType", 1, 7),
        disability_level=_int(row, "disabilityLevel", 1, 4),
        status=status,
        cancel_reason=cancel_reason,
        issue_date=n.optional_date(n.optional_text(row, "issueDate")),
        valid_until=n.optional_date(n.optional_text(row, "validUntil")),
        region_code=region_code,
        address=address,
        address_key=n.address_key(region_code, address),
        guardian_name=n.optional_text(guardian, "name") if guardian else None,
        guardian_id=n.optional_text(guardian, "idCard") if guardian else None,
        subsidies=tuple(subsidies),
        modified_at=n.parse_datetime(n.text(row, "modifiedAt")),
    )
