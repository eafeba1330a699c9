"""Engines and sessions: SQLite by default (WAL, foreign keys on), PostgreSQL through psycopg 3.

Synchronous on purpose: the store's work is small transactions, and async callers
run them in a thread (``anyio.to_thread.run_sync``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, create_engine

from hub.store import tables

SessionFactory = Callable[[], Session]

# How long a SQLite writer waits for another's lock before failing (seconds).
SQLITE_BUSY_TIMEOUT = 30.0


def normalise_url(url: str) -> str:
    """Name the psycopg 3 driver for a bare ``postgresql://`` (or ``postgres://``) URL."""
    for bare in ("postgresql://", "postgres://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare) :]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; a SQLite file's directory is created when missing."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    raise ValueError(f"unsupported SQL URL {parsed.render_as_string(hide_password=True)}: use sqlite or postgresql")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer writes; SQLite leaves foreign keys off by default.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_all(engine: Engine) -> None:
    """Create the store's tables that do not exist yet (idempotent)."""
    SQLModel.metadata.create_all(engine, tables=[t.__table__ for t in _TABLES])  # type: ignore[attr-defined]


def drop_all(engine: Engine) -> None:
    """Drop the store's tables (tests and ``reset`` only)."""
    SQLModel.metadata.drop_all(engine, tables=[t.__table__ for t in _TABLES])  # type: ignore[attr-defined]


def session_factory(engine: Engine) -> SessionFactory:
    """Sessions whose objects stay readable after commit (the store returns plain views anyway)."""

    def factory() -> Session:
        return Session(engine, expire_on_commit=False)

    return factory


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_TABLES: tuple[type[SQLModel], ...] = (
    tables.SyncRun,
    tables.SyncCursor,
    tables.QuarantineRow,
    tables.PovertySnapshotRow,
    tables.Departure,
    tables.CheckRun,
    tables.Finding,
    tables.FindingPerson,
    tables.FindingEvent,
    tables.HubUser,
    tables.ApiToken,
    tables.AuditEntry,
    tables.AuditHead,
)
"""Every table of the store (others may share SQLModel's metadata; create only ours)."""
