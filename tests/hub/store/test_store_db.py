"""Engines: SQLite in WAL with foreign keys, aware UTC times on both backends, URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from hub.store import db
from hub.store.tables import FindingEvent, SyncRun


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'nested' / 'store.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(
        FindingEvent(finding_id="F-none", actor="x", action="x", to_status="OPEN", at=datetime.now(UTC))
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_times_come_back_aware_in_utc(session: Session) -> None:
    beijing = timezone(timedelta(hours=8))
    started = datetime(2026, 11, 23, 17, 30, 0, 123456, tzinfo=beijing)
    session.add(SyncRun(source="civil", stream="households", started_at=started))
    session.commit()
    session.expunge_all()

    row = session.get(SyncRun, 1)

    assert row is not None
    assert row.started_at == started
    assert row.started_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(session: Session) -> None:
    session.add(SyncRun(source="civil", stream="households", started_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()


def test_create_all_is_idempotent(engine: Engine) -> None:
    db.create_all(engine)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_urls_name_psycopg(given: str, expected: str) -> None:
    assert db.normalise_url(given) == expected


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        db.make_engine("mysql://u:secret@h/d")


def test_a_failed_scope_rolls_back(factory: db.SessionFactory) -> None:
    with pytest.raises(RuntimeError), db.session_scope(factory) as s:
        s.add(SyncRun(source="civil", stream="x"))
        raise RuntimeError("boom")
    with factory() as s:
        assert s.get(SyncRun, 1) is None
