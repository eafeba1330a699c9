"""医保 medical insurance: signed batch look-ups only, business codes on HTTP 200 (contracts/medical-insurance.md).

Persons are found by bisecting an index of ``id_number`` over a file sorted by
it, then only the asked year's records are kept. Every answer is HTTP 200; the
outcome is in ``code`` (1001 bad signature, 1002 stale timestamp, 1003 rate
limited past 5 batches a second, 2000 malformed body, 2001 more than 100
numbers, 5000 internal error). Faults add 5000 bursts and 1003 below the limit.
The limit counts batch calls only, as the contract words it; the operator's
single look-up is signed but not counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import layout
from sandbox.servers.auth import OK, check_signature
from sandbox.servers.config import ServerConfig
from sandbox.servers.faults import Fault, FaultPlan, RateLimiter
from sandbox.servers.index import IndexedFile, Snapshot, text
from sandbox.servers.wire import json_response

RATE_LIMIT = 5
MAX_BATCH = 100
RATE_LIMITED, MALFORMED, TOO_MANY, INTERNAL = 1003, 2000, 2001, 5000
MESSAGES = {
    1001: "bad signature",
    1002: "timestamp out of range",
    RATE_LIMITED: "rate limited",
    MALFORMED: "malformed request body",
    TOO_MANY: f"more than {MAX_BATCH} id numbers",
    INTERNAL: "internal error",
}
FIELDS = ("id_number", "name", "found", "records", "deceased", "death_date")


def failure(code: int, detail: str | None = None) -> Response:
    """A business error: HTTP 200, ``data`` null."""
    return json_response({"code": code, "message": detail or MESSAGES[code], "data": None})


def answer(snap: Snapshot, id_number: str, year: int) -> dict[str, Any]:
    """What the platform knows of one number in one year."""
    at = snap.find(id_number.encode())
    if at is None:
        return {"id_number": id_number, "name": None, "found": False, "records": [],
                "deceased": False, "death_date": None}  # fmt: skip
    row = orjson.loads(snap.row(at))
    person = {name: row.get(name) for name in FIELDS}
    records = row.get("records")
    person["records"] = (
        [r for r in records if isinstance(r, dict) and r.get("year") == year]
        if isinstance(records, list)
        else []
    )
    return person


def _year(value: object) -> int | None:
    # bool is an int in Python but not a year on the wire.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class MedicalServer:
    """The medical-insurance platform over one population folder."""

    name = "medical"

    def __init__(self, root: Path, config: ServerConfig) -> None:
        self.app_id = config.credentials.medical_app_id
        self.app_secret = config.credentials.medical_app_secret
        self.limiter = RateLimiter(RATE_LIMIT)
        self.faults = FaultPlan(config.faults, self.name)
        self.insured = IndexedFile(
            layout.path(root, layout.MEDICAL_INSURED), lambda row: text(row.get("id_number"))
        )
        self.files = (self.insured,)
        self.app = Starlette(
            routes=[
                Route("/nhsa/v1/insured/batch-query", self.batch, methods=["POST"]),
                Route("/nhsa/v1/insured/{id_number:str}", self.single, methods=["GET"]),
            ]
        )

    async def _fault(self) -> Response | None:
        fault = self.faults.next()
        if fault is Fault.ERROR:
            return failure(INTERNAL)
        if fault is Fault.THROTTLE:
            return failure(RATE_LIMITED)
        await self.faults.delay()
        return None

    async def batch(self, request: Request) -> Response:
        """``POST /nhsa/v1/insured/batch-query``: up to 100 numbers, answers in the order asked."""
        if not self.limiter.allow():
            return failure(RATE_LIMITED)
        body = await request.body()
        code = check_signature(request.headers, body, self.app_id, self.app_secret)
        if code != OK:
            return failure(code)
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return failure(MALFORMED, "body is not JSON")
        if not isinstance(parsed, dict):
            return failure(MALFORMED, "body must be a JSON object")
        year, numbers = _year(parsed.get("year")), parsed.get("id_numbers")
        if year is None:
            return failure(MALFORMED, "year must be an integer")
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            return failure(MALFORMED, "id_numbers must be a list of strings")
        if len(numbers) > MAX_BATCH:
            return failure(TOO_MANY)
        refused = await self._fault()
        if refused is not None:
            return refused
        snap = await self.insured.current()
        return json_response({"code": 0, "message": "ok", "data": [answer(snap, n, year) for n in numbers]})

    async def single(self, request: Request) -> Response:
        """``GET /nhsa/v1/insured/{id_number}?year=``: the operator's look-up of one number."""
        code = check_signature(request.headers, await request.body(), self.app_id, self.app_secret)
        if code != OK:
            return failure(code)
        raw = request.query_params.get("year", "")
        if not (raw.isascii() and raw.isdigit()):
            return failure(MALFORMED, "year must be an integer")
        refused = await self._fault()
        if refused is not None:
            return refused
        snap = await self.insured.current()
        return json_response(
            {"code": 0, "message": "ok", "data": answer(snap, request.path_params["id_number"], int(raw))}
        )

    def close(self) -> None:
        """Release the file's descriptor."""
        self.insured.close()
