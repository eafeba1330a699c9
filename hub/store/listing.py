"""Reading findings: filtered pages (keyset cursors), one with its history, counts, JSON-lines export.

Pages are ordered newest first by ``first_seen``, then by id; the cursor is the
last item's ``(first_seen, id)``, so a page never repeats or skips a finding when
others are added meanwhile (unlike OFFSET).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TextIO

import orjson
from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from graph.hits import REGION_LEVELS, Kind, Severity
from hub.store.errors import CursorError
from hub.store.states import FindingStatus
from hub.store.tables import Finding, FindingEvent, FindingPerson
from hub.store.views import FindingDetail, FindingEventView, FindingPage, FindingView, GroupCount

MAX_PAGE = 500

GroupBy = Literal["region", "kind", "status", "rule_id", "severity", "assignee"]


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """Which findings to read; every field left unset matches everything."""

    rule_id: str | None = None
    kind: Kind | None = None
    severity: Severity | None = None
    status: FindingStatus | None = None
    region: str = ""  # a region-code prefix: "53" a province, "530102" a county
    first_seen_from: date | None = None  # inclusive
    first_seen_to: date | None = None  # inclusive
    assignee: str | None = None
    person_id: str | None = None  # a normalised ID number the finding names
    current: bool = False  # only findings the latest run of their rule still finds

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filter as SQL conditions on ``finding``."""
        c: list[ColumnElement[bool]] = []
        if self.rule_id is not None:
            c.append(col(Finding.rule_id) == self.rule_id)
        if self.kind is not None:
            c.append(col(Finding.kind) == self.kind.value)
        if self.severity is not None:
            c.append(col(Finding.severity) == self.severity.value)
        if self.status is not None:
            c.append(col(Finding.status) == self.status.value)
        if self.region:
            c.append(col(Finding.region).startswith(self.region, autoescape=True))
        if self.first_seen_from is not None:
            c.append(col(Finding.first_seen) >= self.first_seen_from)
        if self.first_seen_to is not None:
            c.append(col(Finding.first_seen) <= self.first_seen_to)
        if self.assignee is not None:
            c.append(col(Finding.assignee) == self.assignee)
        if self.person_id is not None:
            named = select(FindingPerson.finding_id).where(col(FindingPerson.person_id) == self.person_id)
            c.append(col(Finding.id).in_(named))
        if self.current:
            c.append(col(Finding.cleared_on).is_(None))
        return c


def list_findings(
    session: Session, filters: FindingFilter | None = None, *, first: int = 50, after: str | None = None
) -> FindingPage:
    """A page of at most ``first`` findings after cursor ``after``."""
    if not 1 <= first <= MAX_PAGE:
        raise ValueError(f"page size {first} must be between 1 and {MAX_PAGE}")
    query = select(Finding).where(*(filters or FindingFilter()).conditions())
    if after is not None:
        seen, last_id = decode_cursor(after)
        query = query.where(
            or_(
                col(Finding.first_seen) < seen,
                and_(col(Finding.first_seen) == seen, col(Finding.id) > last_id),
            )
        )
    query = query.order_by(col(Finding.first_seen).desc(), col(Finding.id)).limit(first + 1)
    rows = session.exec(query).all()
    items = tuple(FindingView.of(r) for r in rows[:first])
    more = len(rows) > first
    return FindingPage(items=items, next_cursor=encode_cursor(items[-1]) if more and items else None)


def encode_cursor(item: FindingView) -> str:
    """The opaque cursor after ``item``."""
    return base64.urlsafe_b64encode(f"{item.first_seen.isoformat()}|{item.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[date, str]:
    """``(first_seen, id)`` of a cursor from :func:`encode_cursor`."""
    try:
        seen, fid = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return date.fromisoformat(seen), fid
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise CursorError(f"cursor {cursor!r} was not issued by this store") from None


def get_finding(session: Session, finding_id: str) -> FindingDetail | None:
    """One finding with its history (oldest step first), or ``None``."""
    row = session.get(Finding, finding_id)
    if row is None:
        return None
    events = session.exec(
        select(FindingEvent)
        .where(col(FindingEvent.finding_id) == finding_id)
        .order_by(col(FindingEvent.at), col(FindingEvent.id))
    ).all()
    return FindingDetail(finding=FindingView.of(row), history=tuple(FindingEventView.of(e) for e in events))


def count_findings(
    session: Session,
    by: Sequence[GroupBy],
    filters: FindingFilter | None = None,
    *,
    region_level: int = 6,
) -> list[GroupCount]:
    """How many findings per combination of ``by`` (grouped in SQL); region cut to ``region_level`` digits."""
    if region_level not in REGION_LEVELS:
        raise ValueError(f"region level {region_level} must be one of {REGION_LEVELS}")
    if not by:
        raise ValueError("count by at least one of region, kind, status, rule_id, severity, assignee")
    columns: list[ColumnElement[Any]] = []
    for name in by:
        column: Any = (
            func.substr(col(Finding.region), 1, region_level)
            if name == "region"
            else col(getattr(Finding, name))
        )
        columns.append(column.label(name))
    query = (
        # SQLAlchemy's select: SQLModel's overloads stop at a fixed number of columns.
        sa_select(*columns, func.count().label("n"))
        .where(*(filters or FindingFilter()).conditions())
        .group_by(*columns)
        .order_by(*columns)
    )
    result: list[GroupCount] = []
    for row in session.connection().execute(query):
        values = tuple(row)
        key: dict[str, str] = {n: "" if v is None else str(v) for n, v in zip(by, values[:-1], strict=True)}
        result.append(GroupCount(key=key, count=int(values[-1])))
    return result


def iter_findings(session: Session, filters: FindingFilter | None = None) -> Iterator[FindingView]:
    """Every matching finding, page by page (memory stays flat on large stores)."""
    after: str | None = None
    while True:
        page = list_findings(session, filters, first=MAX_PAGE, after=after)
        yield from page.items
        if page.next_cursor is None:
            return
        after = page.next_cursor


def export_jsonl(session: Session, out: TextIO, filters: FindingFilter | None = None) -> int:
    """Write ``{"rule", "persons", "households"}`` per line (the ground-truth file's shape); returns the count."""
    n = 0
    for f in iter_findings(session, filters):
        line = {"rule": f.rule_id, "persons": list(f.persons), "households": list(f.households)}
        out.write(orjson.dumps(line).decode() + "\n")
        n += 1
    return n
