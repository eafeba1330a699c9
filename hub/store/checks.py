"""Check runs: when the rule engine ran, as of which date, over which rules and region."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from hub.store.columns import utcnow
from hub.store.states import RunStatus
from hub.store.tables import CheckRun


@dataclass(frozen=True, slots=True)
class CheckRunView:
    """A check run as recorded."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    profile: str
    check_date: date
    rule_ids: tuple[str, ...]
    region: str
    status: RunStatus
    counts: dict[str, Any]

    @classmethod
    def of(cls, row: CheckRun) -> CheckRunView:
        if row.id is None:
            raise ValueError("a check run that was never flushed has no id")
        return cls(
            id=row.id,
            started_at=row.started_at,
            ended_at=row.ended_at,
            profile=row.profile,
            check_date=row.check_date,
            rule_ids=tuple(row.rule_ids),
            region=row.region,
            status=RunStatus(row.status),
            counts=dict(row.counts),
        )


def start_check(
    session: Session,
    *,
    check_date: date,
    rule_ids: Iterable[str],
    region: str = "",
    profile: str = "default",
    at: datetime | None = None,
) -> int:
    """Record that a check run starts; returns its id (pass it to :func:`hub.store.findings.record_run`)."""
    row = CheckRun(
        started_at=at or utcnow(),
        profile=profile,
        check_date=check_date,
        rule_ids=sorted(set(rule_ids)),
        region=region,
        status=RunStatus.RUNNING.value,
    )
    session.add(row)
    session.flush()
    if row.id is None:  # pragma: no cover - the database always assigns one
        raise RuntimeError("check_run got no id")
    return row.id


def finish_check(
    session: Session,
    run_id: int,
    *,
    status: RunStatus,
    counts: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Record how a check run ended, with its counts (e.g. ``RunSummary.as_dict()``)."""
    row = session.get(CheckRun, run_id)
    if row is None:
        raise ValueError(f"no check run {run_id}")
    row.status = status.value
    row.ended_at = at or utcnow()
    row.counts = counts or {}
    session.add(row)
    session.flush()


def recent_checks(session: Session, *, limit: int = 20) -> list[CheckRunView]:
    """The latest check runs, newest first."""
    rows = session.exec(select(CheckRun).order_by(col(CheckRun.id).desc()).limit(limit)).all()
    return [CheckRunView.of(r) for r in rows]
