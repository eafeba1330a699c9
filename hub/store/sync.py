"""The store's side of a sync: runs, resume cursors, quarantined rows, poverty snapshots and departures.

The graph holds what the sources say; this holds how far the hub has read them.
A cursor is saved right after its page is committed to the graph, so a killed sync
resumes after the last page written, never before it (at worst a page is written
twice, and graph writes are idempotent MERGEs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from adapters.records import PovertySnapshot, Quarantined, Source
from hub.store.columns import utcnow
from hub.store.states import RunStatus
from hub.store.tables import Departure, PovertySnapshotRow, QuarantineRow, SyncCursor, SyncRun


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a stream resumes."""

    source: Source
    stream: str
    resume: str | None
    watermark: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class QuarantineView:
    """A quarantined row as listed."""

    id: int
    source: Source
    location: str
    raw: str
    reason: str
    fetched_at: datetime
    run_id: int | None


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What the hub knows of one source's syncing."""

    source: Source
    last_started: datetime | None
    last_ended: datetime | None
    last_status: RunStatus | None
    last_error: str | None
    read: int  # by the last run
    written: int
    quarantined: int  # rows in quarantine, every run
    streams: int  # streams with a cursor


def start_sync(session: Session, source: Source, stream: str, *, at: datetime | None = None) -> int:
    """Record that a sync of one stream starts; returns the run id."""
    row = SyncRun(source=source.value, stream=stream, started_at=at or utcnow(), status=RunStatus.RUNNING.value)
    session.add(row)
    session.flush()
    if row.id is None:  # pragma: no cover - the database always assigns one
        raise RuntimeError("sync_run got no id")
    return row.id


def finish_sync(
    session: Session,
    run_id: int,
    *,
    status: RunStatus,
    read: int = 0,
    written: int = 0,
    quarantined: int = 0,
    error: str | None = None,
    at: datetime | None = None,
) -> None:
    """Record how a sync run ended and what it read, wrote and quarantined."""
    row = session.get(SyncRun, run_id)
    if row is None:
        raise ValueError(f"no sync run {run_id}")
    row.status, row.ended_at, row.error = status.value, at or utcnow(), error
    row.read, row.written, row.quarantined = read, written, quarantined
    session.add(row)
    session.flush()


def save_cursor(
    session: Session,
    source: Source,
    stream: str,
    *,
    resume: str | None,
    watermark: datetime | None = None,
    at: datetime | None = None,
) -> None:
    """Remember where a stream resumes (call in its own transaction, after the page's graph commit)."""
    row = session.get(SyncCursor, (source.value, stream)) or SyncCursor(source=source.value, stream=stream)
    row.resume = resume
    # A watermark never moves back: a page of older changes must not rewind the next incremental sync.
    if watermark is not None and (row.watermark is None or watermark > row.watermark):
        row.watermark = watermark
    row.updated_at = at or utcnow()
    session.add(row)
    session.flush()


def load_cursor(session: Session, source: Source, stream: str) -> Cursor | None:
    """Where a stream resumes, or ``None`` when it was never synced."""
    row = session.get(SyncCursor, (source.value, stream))
    if row is None:
        return None
    return Cursor(Source(row.source), row.stream, row.resume, row.watermark, row.updated_at)


def clear_cursor(session: Session, source: Source, stream: str) -> bool:
    """Forget a stream's cursor (the next sync reads it from the start); True when there was one."""
    row = session.get(SyncCursor, (source.value, stream))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def add_quarantined(session: Session, rows: Iterable[Quarantined], *, run_id: int | None = None) -> int:
    """Keep rows the hub could not read; returns how many."""
    records = [
        QuarantineRow(
            source=q.source.value,
            location=q.location,
            raw=q.raw,
            reason=q.reason,
            fetched_at=q.fetched_at,
            run_id=run_id,
        )
        for q in rows
    ]
    session.add_all(records)
    session.flush()
    return len(records)


def list_quarantined(
    session: Session, *, source: Source | None = None, limit: int = 100, after_id: int = 0
) -> list[QuarantineView]:
    """Quarantined rows, oldest first, ``limit`` after id ``after_id``."""
    query = select(QuarantineRow).where(col(QuarantineRow.id) > after_id)
    if source is not None:
        query = query.where(col(QuarantineRow.source) == source.value)
    rows = session.exec(query.order_by(col(QuarantineRow.id)).limit(limit))
    return [
        QuarantineView(r.id or 0, Source(r.source), r.location, r.raw, r.reason, r.fetched_at, r.run_id)
        for r in rows
    ]


def record_snapshot(session: Session, snapshot: PovertySnapshot, *, at: datetime | None = None) -> bool:
    """Remember a county snapshot as ingested; False when this county's file of that name already was."""
    known = session.exec(
        select(PovertySnapshotRow)
        .where(col(PovertySnapshotRow.county) == snapshot.county)
        .where(col(PovertySnapshotRow.name) == snapshot.name)
    ).first()
    if known is not None:
        return False
    session.add(
        PovertySnapshotRow(
            county=snapshot.county,
            name=snapshot.name,
            created_at=snapshot.created_at,
            rows=snapshot.rows,
            sha256=snapshot.sha256,
            ingested_at=at or utcnow(),
        )
    )
    session.flush()
    return True


def latest_snapshot(session: Session, county: str) -> PovertySnapshotRow | None:
    """The newest snapshot ingested for a county (by the time the file was made)."""
    return session.exec(
        select(PovertySnapshotRow)
        .where(col(PovertySnapshotRow.county) == county)
        .order_by(col(PovertySnapshotRow.created_at).desc(), col(PovertySnapshotRow.id).desc())
    ).first()


def record_departures(
    session: Session,
    county: str,
    snapshot: str,
    departures: Iterable[tuple[str, str]],
    *,
    at: datetime | None = None,
) -> int:
    """Record ``(household key, person id)`` pairs snapshot ``snapshot`` no longer lists; returns how many."""
    at = at or utcnow()
    known = set(
        session.exec(
            select(Departure.household_key, Departure.person_id)
            .where(col(Departure.county) == county)
            .where(col(Departure.snapshot) == snapshot)
        ).all()
    )
    fresh = sorted({(h, p) for h, p in departures} - known)
    session.add_all(
        Departure(county=county, household_key=h, person_id=p, snapshot=snapshot, recorded_at=at) for h, p in fresh
    )
    session.flush()
    return len(fresh)


def departures_of(session: Session, person_id: str) -> list[Departure]:
    """Every departure recorded for a person, oldest first."""
    return list(
        session.exec(
            select(Departure).where(col(Departure.person_id) == person_id).order_by(col(Departure.recorded_at))
        )
    )


def source_status(session: Session) -> list[SourceStatus]:
    """For each of the four sources: its last sync run, quarantine count and streams."""
    quarantined = dict(
        session.exec(select(QuarantineRow.source, func.count()).group_by(col(QuarantineRow.source))).all()
    )
    streams = dict(session.exec(select(SyncCursor.source, func.count()).group_by(col(SyncCursor.source))).all())
    result = []
    for source in Source:
        last = session.exec(
            select(SyncRun).where(col(SyncRun.source) == source.value).order_by(col(SyncRun.id).desc())
        ).first()
        result.append(
            SourceStatus(
                source=source,
                last_started=last.started_at if last else None,
                last_ended=last.ended_at if last else None,
                last_status=RunStatus(last.status) if last else None,
                last_error=last.error if last else None,
                read=last.read if last else 0,
                written=last.written if last else 0,
                quarantined=int(quarantined.get(source.value, 0)),
                streams=int(streams.get(source.value, 0)),
            )
        )
    return result


def known_snapshots(session: Session) -> set[str]:
    """Names of every poverty snapshot already ingested (a later sync skips them)."""
    return set(session.exec(select(PovertySnapshotRow.name)).all())
