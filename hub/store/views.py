"""What the store hands back: frozen values, never live rows, so no caller holds a session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from graph.hits import Kind, Severity
from hub.store.states import FindingStatus, Rectification
from hub.store.tables import Finding, FindingEvent


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """Integer fen as a yuan ``Decimal`` with two places."""
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding as the API, the CLI and exports show it."""

    id: str
    rule_id: str
    kind: Kind
    severity: Severity
    region: str
    persons: tuple[str, ...]
    households: tuple[str, ...]
    evidence: tuple[dict[str, Any], ...]
    summary: str
    status: FindingStatus
    assignee: str | None
    first_seen: date
    last_seen: date
    last_run_id: int | None
    cleared_on: date | None
    rectification: Rectification | None
    rectified_amount: Decimal | None

    @classmethod
    def of(cls, row: Finding) -> FindingView:
        return cls(
            id=row.id,
            rule_id=row.rule_id,
            kind=Kind(row.kind),
            severity=Severity(row.severity),
            region=row.region,
            persons=tuple(row.persons),
            households=tuple(row.households),
            evidence=tuple(row.evidence),
            summary=row.summary,
            status=FindingStatus(row.status),
            assignee=row.assignee,
            first_seen=row.first_seen,
            last_seen=row.last_seen,
            last_run_id=row.last_run_id,
            cleared_on=row.cleared_on,
            rectification=Rectification(row.rectification) if row.rectification else None,
            rectified_amount=fen_to_yuan(row.rectified_fen),
        )


@dataclass(frozen=True, slots=True)
class FindingEventView:
    """One step of a finding's history."""

    at: datetime
    actor: str
    action: str  # a ReviewAction or a RunEvent
    from_status: FindingStatus | None
    to_status: FindingStatus
    note: str
    reason: str | None
    run_id: int | None
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: FindingEvent) -> FindingEventView:
        return cls(
            at=row.at,
            actor=row.actor,
            action=row.action,
            from_status=FindingStatus(row.from_status) if row.from_status else None,
            to_status=FindingStatus(row.to_status),
            note=row.note,
            reason=row.reason,
            run_id=row.run_id,
            detail=dict(row.detail),
        )


@dataclass(frozen=True, slots=True)
class FindingDetail:
    """A finding with its history, oldest step first."""

    finding: FindingView
    history: tuple[FindingEventView, ...]


@dataclass(frozen=True, slots=True)
class FindingPage:
    """One page of findings and the cursor of the next (``None`` on the last page)."""

    items: tuple[FindingView, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class GroupCount:
    """How many findings share the values named in ``key`` (e.g. ``{"region": "530102"}``)."""

    key: dict[str, str]
    count: int
