"""The 医保 medical-insurance platform (source ``medical``): who is insured, subsidised, or dead.

Batch look-up only, every request signed (``contracts/medical-insurance.md``). The
platform answers HTTP 200 with a business ``code``: 1003 (rate limited) and 5000
(internal error) are retried with backoff, the others raise
:class:`adapters.errors.BusinessError`; none of them is ever read as "not insured".
Money arrives in fen and leaves as yuan.

:meth:`MedicalAdapter.lookup_all` yields pages in the order of the numbers asked;
its resume token is ``"<year>:<count>"``, the count of numbers (after removing
repeats, in the order given) whose answers were yielded.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any

import httpx

from adapters import normalise as n
from adapters.errors import BusinessError, ContractViolation, RateLimited, SourceUnavailable
from adapters.http import Clock, RetryPolicy, Sleep, SourceClient
from adapters.records import InsuranceRecord, MedicalAnswer, Page, Provenance, Quarantined, Source

SOURCE = Source.MEDICAL
PATH = "/nhsa/v1/insured/batch-query"
MAX_BATCH = 100
_RETRIED = {1003: "rate limited", 5000: "internal error"}

_Batch = tuple[list[MedicalAnswer], list[Quarantined]]


class MedicalAdapter:
    """Client of the medical-insurance platform."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        app_id: str,
        app_secret: str,
        batch_size: int = MAX_BATCH,
        rate: float = 4.8,  # the platform allows 5 batches a second; 4% under leaves room for jitter
        policy: RetryPolicy | None = None,
        timeout: float = 30.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1–{MAX_BATCH}, not {batch_size}")
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
        self._app_id = app_id
        self._secret = app_secret.encode()
        self._batch_size = batch_size
        self._wall_clock = wall_clock

    async def lookup(self, ids: Sequence[str], year: int) -> list[MedicalAnswer]:
        """One answer per number, in order; an answer the hub cannot read raises :class:`ContractViolation`."""
        _check(ids)
        answers: list[MedicalAnswer] = []
        for start in range(0, len(ids), self._batch_size):
            found, bad = await self._batch(ids[start : start + self._batch_size], year)
            if bad:
                raise ContractViolation(SOURCE, f"unreadable answer for {bad[0].location}: {bad[0].reason}")
            answers.extend(found)
        return answers

    async def lookup_all(
        self, ids: Iterable[str], year: int, *, concurrency: int = 4, resume: str | None = None
    ) -> AsyncIterator[Page]:
        """Pages of answers for every number (repeats asked once), several batches in flight.

        The shared rate limiter, not the concurrency, keeps the platform under its
        limit; concurrency only hides each batch's latency so the limit is nearly met.
        """
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        unique = list(dict.fromkeys(ids))
        _check(unique)
        done = _resume_count(resume, year) if resume else 0
        batches = [unique[i : i + self._batch_size] for i in range(done, len(unique), self._batch_size)]
        pending: deque[tuple[int, asyncio.Task[_Batch]]] = deque()
        waiting = iter(batches)
        try:
            while True:
                while len(pending) < concurrency and (batch := next(waiting, None)) is not None:
                    pending.append((len(batch), asyncio.create_task(self._batch(batch, year))))
                if not pending:
                    return
                size, oldest = pending[0]
                answers, bad = await oldest  # pages leave in the order asked, whatever finishes first
                pending.popleft()
                done += size
                yield Page(SOURCE, "insured", tuple(answers), tuple(bad), f"{year}:{done}")
        finally:
            for _, task in pending:
                task.cancel()
            await asyncio.gather(*(task for _, task in pending), return_exceptions=True)

    # -- one signed batch --------------------------------------------------------

    async def _sign(self, request: httpx.Request) -> None:
        # A fresh timestamp on every attempt: a retried request must not age past 300 s.
        timestamp = str(int(self._wall_clock()))
        digest = hashlib.sha256(request.content).hexdigest()
        message = f"{self._app_id}\n{timestamp}\n{digest}".encode()
        request.headers["X-App-Id"] = self._app_id
        request.headers["X-Timestamp"] = timestamp
        request.headers["X-Signature"] = hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    async def _batch(self, ids: Sequence[str], year: int) -> _Batch:
        if not 1 <= len(ids) <= MAX_BATCH:
            raise ValueError(f"a batch holds 1–{MAX_BATCH} numbers, not {len(ids)}")
        body = json.dumps({"year": year, "id_numbers": list(ids)}, separators=(",", ":")).encode()
        attempts = self._http.policy.attempts
        for attempt in range(attempts):
            reply = await self._http.json(
                "POST", PATH, content=body, headers={"Content-Type": "application/json"}, prepare=self._sign
            )
            if not isinstance(reply, dict) or not isinstance(reply.get("code"), int):
                raise ContractViolation(SOURCE, f"{PATH}: no business code in the answer")
            code: int = reply["code"]
            if code == 0:
                return _answers(reply.get("data"), ids, year, n.now())
            message = str(reply.get("message", ""))
            if code not in _RETRIED:
                raise BusinessError(SOURCE, code, message)
            if attempt == attempts - 1:
                error = RateLimited if code == 1003 else SourceUnavailable
                raise error(SOURCE, f"{PATH}: code {code} ({_RETRIED[code]}) after {attempts} attempts")
            await self._http.backoff(attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def _check(ids: Iterable[str]) -> None:
    """The platform matches numbers exactly: only normalised 18-character ones may be asked."""
    for id_number in ids:
        if not isinstance(id_number, str) or len(id_number) != 18:
            raise ValueError(f"not a normalised 18-character ID number: {id_number!r}")


def _resume_count(token: str, year: int) -> int:
    token_year, _, count = token.partition(":")
    if token_year != str(year) or not count.isdigit():
        raise ValueError(f"not a medical resume token for {year}: {token!r}")
    return int(count)


def _answers(
    data: Any, ids: Sequence[str], year: int, fetched_at: datetime
) -> tuple[list[MedicalAnswer], list[Quarantined]]:
    if not isinstance(data, list) or len(data) != len(ids):
        size = len(data) if isinstance(data, list) else data
        raise ContractViolation(SOURCE, f"{PATH}: {size} answers for {len(ids)} numbers")
    answers: list[MedicalAnswer] = []
    bad: list[Quarantined] = []
    for asked, row in zip(ids, data, strict=True):
        if not isinstance(row, dict) or row.get("id_number") != asked:
            # Answers are matched by position: one out of place makes every one suspect.
            raise ContractViolation(SOURCE, f"{PATH}: answer for {asked} is out of order or missing")
        key = f"{asked}|{year}"
        try:
            answers.append(_answer(row, asked, year, Provenance(SOURCE, key, fetched_at, n.raw_json(row))))
        except ValueError as exc:
            bad.append(Quarantined(SOURCE, key, n.raw_json(row), str(exc), fetched_at))
    return answers, bad


def _bool(row: Any, key: str) -> bool:
    value = n.field(row, key)
    if not isinstance(value, bool):
        raise ValueError(f"{key} is not true or false: {value!r}")
    return value


def _insurance(row: Any) -> InsuranceRecord:
    year = n.field(row, "year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"year is not an integer: {year!r}")
    return InsuranceRecord(
        insurance_type=n.one_of(row, "insurance_type", ("RESIDENT", "EMPLOYEE")),
        region_code=n.text(row, "region_code"),
        year=year,
        status=n.one_of(row, "status", ("ENROLLED", "SUSPENDED", "TERMINATED")),
        contribution=n.fen(n.field(row, "contribution")),
        subsidy_category=n.one_of(row, "subsidy_category", ("TEKUN_FULL", "DIBAO", "POVERTY", "NONE")),
        subsidy=n.fen(n.field(row, "subsidy")),
        enrolled_on=n.optional_date(n.optional_text(row, "enrolled_on")),
    )


def _answer(row: dict[str, Any], asked: str, year: int, provenance: Provenance) -> MedicalAnswer:
    records_raw = row.get("records") or []
    if not isinstance(records_raw, list):
        raise ValueError(f"records is not a list: {records_raw!r:.80}")
    records = []
    for i, record in enumerate(records_raw, start=1):
        try:
            records.append(_insurance(record))
        except ValueError as exc:
            raise ValueError(f"record {i}: {exc}") from None
    name = n.optional_text(row, "name")
    return MedicalAnswer(
        provenance=provenance,
        id_number=asked,
        year=year,
        found=_bool(row, "found"),
        name=n.clean_name(name) if name else None,
        name_key=n.name_key(name) if name else None,
        records=tuple(records),
        deceased=bool(row.get("deceased") or False),
        death_date=n.optional_date(n.optional_text(row, "death_date")),
    )
