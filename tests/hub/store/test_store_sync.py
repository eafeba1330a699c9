"""Sync state: runs, cursors that round-trip, quarantine kept whole, snapshots and departures."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from store_fixtures import T0

from adapters.records import PovertySnapshot, Provenance, Quarantined, Source
from hub.store.states import RunStatus
from hub.store.sync import (
    add_quarantined,
    clear_cursor,
    departures_of,
    finish_sync,
    latest_snapshot,
    list_quarantined,
    load_cursor,
    record_departures,
    record_snapshot,
    save_cursor,
    source_status,
    start_sync,
)

BAD_ROW = '{"householdId": "MZ530102-000999", "members": [{"idNumber": "53010219800101123"}]}'


def test_a_cursor_round_trips_and_its_watermark_never_moves_back(session: Session) -> None:
    assert load_cursor(session, Source.CIVIL, "households") is None

    save_cursor(session, Source.CIVIL, "households", resume="c:abc", watermark=T0, at=T0)
    save_cursor(session, Source.CIVIL, "households", resume="c:def", watermark=T0 - timedelta(days=1), at=T0)
    session.commit()

    cursor = load_cursor(session, Source.CIVIL, "households")
    assert cursor is not None
    assert (cursor.resume, cursor.watermark, cursor.updated_at) == ("c:def", T0, T0)
    assert load_cursor(session, Source.CIVIL, "tekun") is None
    assert clear_cursor(session, Source.CIVIL, "households")
    assert load_cursor(session, Source.CIVIL, "households") is None


def test_quarantined_rows_are_kept_whole(session: Session) -> None:
    run = start_sync(session, Source.CIVIL, "households", at=T0)
    rows = [
        Quarantined(Source.CIVIL, "MZ530102-000999", BAD_ROW, "member 1: ID number has 17 characters", T0),
        Quarantined(Source.POVERTY, "530102-2026.csv:17", "张三,,户主", "no ID number", T0),
    ]

    assert add_quarantined(session, rows, run_id=run) == 2
    session.commit()

    civil = list_quarantined(session, source=Source.CIVIL)
    assert [(q.location, q.raw, q.reason, q.fetched_at, q.run_id) for q in civil] == [
        ("MZ530102-000999", BAD_ROW, "member 1: ID number has 17 characters", T0, run)
    ]
    assert len(list_quarantined(session)) == 2


def test_source_status_tells_the_last_run_and_quarantine(session: Session) -> None:
    run = start_sync(session, Source.CIVIL, "households", at=T0)
    add_quarantined(session, [Quarantined(Source.CIVIL, "x", "{}", "bad", T0)], run_id=run)
    save_cursor(session, Source.CIVIL, "households", resume="c", at=T0)
    finish_sync(
        session, run, status=RunStatus.OK, read=10, written=9, quarantined=1, at=T0 + timedelta(minutes=1)
    )
    session.commit()

    status = {s.source: s for s in source_status(session)}

    civil = status[Source.CIVIL]
    assert (civil.last_status, civil.read, civil.written, civil.quarantined, civil.streams) == (
        RunStatus.OK,
        10,
        9,
        1,
        1,
    )
    assert civil.last_ended == T0 + timedelta(minutes=1)
    assert status[Source.MEDICAL].last_status is None


def test_snapshots_are_recorded_once_and_departures_kept(session: Session) -> None:
    snap = PovertySnapshot(
        provenance=Provenance(Source.POVERTY, "530102-2026-11.csv", T0, "{}"),
        county="530102",
        name="530102-2026-11.csv",
        created_at=T0,
        rows=120,
        sha256="ab" * 32,
    )

    assert record_snapshot(session, snap, at=T0)
    assert not record_snapshot(session, snap, at=T0)
    pairs = [("poverty:P1", "530102198001011237"), ("poverty:P1", "530102198001011245")]
    assert record_departures(session, "530102", snap.name, pairs, at=T0) == 2
    assert record_departures(session, "530102", snap.name, pairs, at=T0) == 0
    session.commit()

    latest = latest_snapshot(session, "530102")
    assert latest is not None and (latest.sha256, latest.rows) == ("ab" * 32, 120)
    assert [d.household_key for d in departures_of(session, "530102198001011237")] == ["poverty:P1"]
