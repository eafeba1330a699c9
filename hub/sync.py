"""Sync: stream each source's pages into the graph, one transaction a page, resumably.

For every stream of a source (civil households, 特困 records, payments, standards;
each poverty county snapshot; disability persons; medical answers) the hub:

1. reads the stream's saved cursor (unless ``full``): the filter the interrupted or
   last run used (``since``), and where it stopped (``resume``);
2. asks the adapter for pages from there;
3. writes each page to the graph in ONE transaction (``graph.ingest.write_page``);
4. only after that commit, saves the page's resume token and its quarantined rows
   in the SQL store, so a sync killed at any moment restarts after the last
   committed page: nothing lost (the page after it was never saved as done) and
   nothing doubled (ingest is idempotent, so a page written twice changes nothing);
5. when the stream ends, saves ``since`` := the newest change seen, ``resume`` := none:
   the next sync is incremental.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from neo4j import AsyncDriver, AsyncManagedTransaction

from adapters.errors import SourceError
from adapters.records import Page, PovertySnapshot, Source
from graph.ingest import IngestStats, write_page
from hub.store import sync as store_sync
from hub.store.db import SessionFactory, session_scope
from hub.store.states import RunStatus


@dataclass(frozen=True)
class Cursor:
    """Where a stream stands: the filter in use and the position within it."""

    since: datetime | None = None
    resume: str | None = None

    def dumps(self) -> str:
        return json.dumps({"since": self.since.isoformat() if self.since else None, "resume": self.resume})

    @classmethod
    def load(cls, sessions: SessionFactory, source: Source, stream: str) -> Cursor:
        """The saved cursor: mid-stream, the interrupted run's filter and position; else the watermark."""
        with session_scope(sessions) as session:
            saved = store_sync.load_cursor(session, source, stream)
        if saved is None:
            return cls()
        if saved.resume:
            data = json.loads(saved.resume)
            since = datetime.fromisoformat(data["since"]) if data.get("since") else None
            return cls(since=since, resume=data.get("resume"))
        return cls(since=saved.watermark)

    def save(self, sessions: SessionFactory, source: Source, stream: str) -> None:
        """Mid-stream position; the watermark moves only when the stream is done (see :func:`done`)."""
        with session_scope(sessions) as session:
            store_sync.save_cursor(session, source, stream, resume=self.dumps())


def done(sessions: SessionFactory, source: Source, stream: str, newest: datetime | None) -> None:
    """The stream was read to its end: the next sync starts from the newest change seen."""
    with session_scope(sessions) as session:
        store_sync.save_cursor(session, source, stream, resume=None, watermark=newest)


class Stream(Protocol):
    """One resumable stream of a source, as the hub's source wiring builds it."""

    name: str

    def pages(self, cursor: Cursor) -> AsyncIterator[Page]: ...


Progress = Callable[[Source, str, int, int | None], None]
"""(source, stream, records just done, total if known) — drives a progress bar."""


@dataclass
class StreamResult:
    source: Source
    stream: str
    read: int = 0
    written: int = 0
    quarantined: int = 0
    pages: int = 0
    error: str | None = None


@dataclass
class SyncResult:
    streams: list[StreamResult] = field(default_factory=list)

    @property
    def failed(self) -> list[StreamResult]:
        return [s for s in self.streams if s.error]


async def _write(driver: AsyncDriver, page: Page, database: str | None) -> IngestStats:
    async def work(tx: AsyncManagedTransaction) -> IngestStats:
        return await write_page(tx, page)

    async with driver.session(database=database) as session:
        return await session.execute_write(work)


async def sync_stream(
    source: Source,
    stream: Stream,
    *,
    driver: AsyncDriver,
    sessions: SessionFactory,
    full: bool = False,
    database: str | None = None,
    progress: Progress | None = None,
) -> StreamResult:
    """Run one stream to its end (or its first unrecoverable fault), page by page."""
    result = StreamResult(source, stream.name)
    cursor = Cursor() if full else Cursor.load(sessions, source, stream.name)
    with session_scope(sessions) as session:
        run_id = store_sync.start_sync(session, source, stream.name)
    newest = cursor.since
    try:
        async for page in stream.pages(cursor):
            stats = await _write(driver, page, database)
            if page.watermark and (newest is None or page.watermark > newest):
                newest = page.watermark
            # Saved only after the commit above: a kill between the two re-reads this page.
            with session_scope(sessions) as session:
                store_sync.save_cursor(
                    session, source, stream.name, resume=Cursor(cursor.since, page.resume).dumps()
                )
                store_sync.add_quarantined(session, page.quarantined, run_id=run_id)
                for record in page.records:
                    if isinstance(record, PovertySnapshot):
                        store_sync.record_snapshot(session, record)
                        store_sync.record_departures(
                            session,
                            record.county,
                            record.name,
                            [(d.household, d.person) for d in stats.departures if d.county == record.county],
                        )
            result.pages += 1
            result.read += len(page.records) + len(page.quarantined)
            result.written += stats.writes
            result.quarantined += len(page.quarantined)
            if progress:
                progress(source, stream.name, len(page.records) + len(page.quarantined), None)
        done(sessions, source, stream.name, newest)
    except SourceError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    except BaseException as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        _finish(sessions, run_id, result)
        raise
    _finish(sessions, run_id, result)
    return result


def _finish(sessions: SessionFactory, run_id: int, result: StreamResult) -> None:
    with session_scope(sessions) as session:
        store_sync.finish_sync(
            session,
            run_id,
            status=RunStatus.FAILED if result.error else RunStatus.OK,
            read=result.read,
            written=result.written,
            quarantined=result.quarantined,
            error=result.error,
        )
