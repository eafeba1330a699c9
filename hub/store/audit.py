"""The audit log: append-only, each entry chained to the one before by its hash.

An entry's hash is the SHA-256 of a canonical JSON of the entry (seq, time, actor,
action, subject, detail, query) and the previous entry's hash. Changing, deleting or
reordering any entry breaks the chain from there on, and :func:`verify` names the
first bad seq. ``audit_head`` holds the last seq and hash, so cutting off the tail
shows too. What the chain cannot show is a rewrite of the whole log by someone
who can write the database: record the head hash elsewhere (``hub audit verify``
prints it) to catch that.

Appends are serialised on the ``audit_head`` row: ``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite the first write of the append takes the database's write
lock before the head is read. ``seq`` is the primary key, so even a lock gone
wrong could not fork the chain: the second writer would fail, not branch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from hub.store.columns import utcnow
from hub.store.errors import AuditError
from hub.store.tables import AuditEntry, AuditHead

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

_PAGE = 1000


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The chain's state: ``ok``, or the first bad seq and what is wrong there."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


def canonical(detail: Mapping[str, Any]) -> dict[str, Any]:
    """``detail`` as it will read back from the database (keys as text, JSON values only)."""
    try:
        text = json.dumps(detail, ensure_ascii=False, allow_nan=False, default=_refuse)
    except (TypeError, ValueError) as exc:
        raise AuditError(f"audit detail is not plain JSON: {exc}") from None
    value: dict[str, Any] = json.loads(text)
    return value


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    detail: Mapping[str, Any],
    query: str | None,
    prev_hash: str,
) -> str:
    """The hash of one entry chained to ``prev_hash``."""
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "subject": subject,
        "detail": detail,
        "query": query,
        "prev_hash": prev_hash,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def append(
    session: Session,
    actor: str,
    action: str,
    subject: str = "",
    detail: Mapping[str, Any] | None = None,
    query: str | None = None,
    *,
    at: datetime | None = None,
) -> int:
    """Add an entry in the caller's transaction (it lands, or not, with what it records); returns its seq."""
    if not actor.strip() or not action.strip():
        raise AuditError("an audit entry needs an actor and an action")
    clean = canonical(detail or {})
    # Microseconds are what both databases keep: the hash must cover exactly what is stored.
    at = (at or utcnow()).astimezone(UTC)
    head = _lock_head(session)
    seq = head.seq + 1
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "detail": clean,
        "query": query,
        "prev_hash": head.hash,
    }
    digest = entry_hash(**fields)
    session.add(AuditEntry(**fields, hash=digest))
    head.seq, head.hash = seq, digest
    session.add(head)
    session.flush()
    return seq


def _lock_head(session: Session) -> AuditHead:
    """The head row, locked for this transaction (created on the first append)."""
    dialect = session.get_bind().dialect.name
    values = {"id": 1, "seq": 0, "hash": GENESIS}
    # On SQLite this write is also what takes the write lock, before the head is read.
    if dialect == "postgresql":
        session.exec(postgresql.insert(AuditHead).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.exec(sqlite.insert(AuditHead).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - make_engine allows only these two
        raise AuditError(f"audit log on {dialect} is not supported")
    # populate_existing: another writer may have moved the head since this session last read it.
    query = select(AuditHead).where(col(AuditHead.id) == 1).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).one()


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the first entry; the first changed, missing or misplaced entry is named."""
    head = session.exec(select(AuditHead).where(col(AuditHead.id) == 1)).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    expected, prev, count = 1, GENESIS, 0
    last_seq = 0
    while True:
        rows = session.exec(
            select(AuditEntry).where(col(AuditEntry.seq) > last_seq).order_by(col(AuditEntry.seq)).limit(_PAGE)
        ).all()
        for row in rows:
            problem = _check(row, expected, prev)
            if problem:
                bad = expected if row.seq != expected else row.seq
                return VerifyResult(False, count, head_seq, head_hash, bad, problem)
            expected, prev, count = row.seq + 1, row.hash, count + 1
        if len(rows) < _PAGE:
            break
        last_seq = rows[-1].seq
    if (head_seq, head_hash) != (expected - 1, prev):
        problem = f"the log ends at entry {expected - 1} but the head says {head_seq}: entries were cut off"
        return VerifyResult(False, count, head_seq, head_hash, expected, problem)
    return VerifyResult(True, count, head_seq, head_hash)


def _check(row: AuditEntry, expected: int, prev: str) -> str:
    """What is wrong with ``row`` where entry ``expected`` should follow hash ``prev`` ("" if nothing)."""
    if row.seq != expected:
        return f"entry {expected} is missing (next is {row.seq})"
    if row.prev_hash != prev:
        return f"entry {row.seq} does not follow entry {row.seq - 1} (deleted, replaced or reordered)"
    digest = entry_hash(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        detail=row.detail,
        query=row.query,
        prev_hash=row.prev_hash,
    )
    if digest != row.hash:
        return f"entry {row.seq} was changed after it was written"
    return ""


def recent(session: Session, *, limit: int = 50) -> list[AuditEntry]:
    """The latest entries, newest first."""
    return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(limit)))


def _refuse(value: object) -> Any:
    raise TypeError(f"{type(value).__name__} {value!r}")
