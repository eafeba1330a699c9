"""The audit log: a verified chain, and the first bad seq named when an entry is changed, deleted or moved."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, delete, update
from sqlmodel import Session
from store_fixtures import T0

from hub.store import audit
from hub.store.db import SessionFactory, session_scope
from hub.store.errors import AuditError
from hub.store.tables import AuditEntry


@pytest.fixture
def five(session: Session) -> None:
    for i in range(1, 6):
        audit.append(
            session,
            "wang",
            "finding.review",
            f"F-{i}",
            {"action": "ASSIGN", "n": i, "名": "王"},
            query="mutation { review }" if i == 2 else None,
            at=T0 + timedelta(seconds=i),
        )
    session.commit()


def test_an_untouched_chain_verifies(session: Session, five: None) -> None:
    result = audit.verify(session)

    assert (result.ok, result.entries, result.head_seq, result.first_bad_seq) == (True, 5, 5, None)


def test_an_empty_log_verifies(session: Session) -> None:
    assert audit.verify(session).ok


def test_a_changed_entry_is_named(session: Session, five: None) -> None:
    session.exec(update(AuditEntry).where(AuditEntry.seq == 3).values(detail={"action": "DISMISS"}))
    session.commit()

    result = audit.verify(session)

    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "changed" in result.problem


def test_a_deleted_entry_is_named(session: Session, five: None) -> None:
    session.exec(delete(AuditEntry).where(AuditEntry.seq == 2))
    session.commit()

    result = audit.verify(session)

    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert "missing" in result.problem


def test_a_cut_off_tail_is_named(session: Session, five: None) -> None:
    session.exec(delete(AuditEntry).where(AuditEntry.seq == 5))
    session.commit()

    result = audit.verify(session)

    assert (result.ok, result.first_bad_seq) == (False, 5)


def test_reordered_entries_are_named(session: Session, five: None) -> None:
    # Swap entries 2 and 4 wholesale, hashes and all, keeping the seq numbers in place.
    rows = {r.seq: r.model_dump() for r in audit.recent(session)}
    for seq, other in ((2, 4), (4, 2)):
        values = {k: v for k, v in rows[other].items() if k != "seq"}
        session.exec(update(AuditEntry).where(AuditEntry.seq == seq).values(**values))
    session.commit()

    result = audit.verify(session)

    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_detail_must_be_plain_json(session: Session) -> None:
    with pytest.raises(AuditError):
        audit.append(session, "wang", "x", "", {"when": T0})
    with pytest.raises(AuditError):
        audit.append(session, " ", "x")


def test_detail_reads_back_as_hashed(session: Session) -> None:
    audit.append(session, "wang", "x", "", {1: "one", "list": (1, 2)})
    session.commit()

    assert audit.verify(session).ok
    assert audit.recent(session)[0].detail == {"1": "one", "list": [1, 2]}


def test_concurrent_appends_make_one_chain(engine: Engine, factory: SessionFactory) -> None:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(10):
                with session_scope(factory) as s:
                    audit.append(s, name, "test.append", str(i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    with factory() as s:
        result = audit.verify(s)
    assert (result.ok, result.entries) == (True, 40)
