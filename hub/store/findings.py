"""Recording a check run's hits as findings: new, seen again, cleared, reopened.

A finding's id is :func:`graph.hits.finding_id`, so the same case found on a later
run is the same finding and keeps its review state. A finding of a rule that ran
(within the run's region) and did not find it again is *cleared*: an open one
(OPEN, ASSIGNED, CONFIRMED) becomes CLEARED; a concluded one (DISMISSED, RECTIFIED)
keeps its conclusion and only gets ``cleared_on``. Found again, a CLEARED finding
is reopened, and so is a RECTIFIED one (the case came back); a DISMISSED one stays
dismissed, as its reviewer decided. Every change is an event by actor ``doudi``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from graph.hits import Hit
from hub.store.columns import utcnow
from hub.store.states import SYSTEM_ACTOR, FindingStatus, RunEvent
from hub.store.tables import Finding, FindingEvent, FindingPerson

# A run that no longer finds these moves them to CLEARED: still under review, or
# rectified (the rectification worked: the case is gone). A DISMISSED finding keeps
# the reviewer's verdict and only gets ``cleared_on``.
CLEARS = frozenset({FindingStatus.OPEN, FindingStatus.ASSIGNED, FindingStatus.CONFIRMED, FindingStatus.RECTIFIED})
# The case came back: found again, these reopen (a RECTIFIED one that a run never
# cleared too, e.g. when the clearing run covered another region).
REOPENS = frozenset({FindingStatus.CLEARED, FindingStatus.RECTIFIED})

_CHUNK = 500  # ids per IN (...) list: well under every driver's parameter limit


@dataclass(slots=True)
class RuleCounts:
    """What one run did to one rule's findings."""

    new: int = 0
    still_open: int = 0  # found again, review state kept
    cleared: int = 0
    reopened: int = 0


@dataclass(slots=True)
class RunSummary:
    """Per rule: new, still open, cleared, reopened."""

    rules: dict[str, RuleCounts] = field(default_factory=dict)

    def of(self, rule_id: str) -> RuleCounts:
        return self.rules.setdefault(rule_id, RuleCounts())

    @property
    def total(self) -> RuleCounts:
        t = RuleCounts()
        for c in self.rules.values():
            t.new += c.new
            t.still_open += c.still_open
            t.cleared += c.cleared
            t.reopened += c.reopened
        return t

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            rule: {"new": c.new, "still_open": c.still_open, "cleared": c.cleared, "reopened": c.reopened}
            for rule, c in sorted(self.rules.items())
        }


def record_run(
    session: Session,
    run_id: int,
    hits: Iterable[Hit],
    *,
    rule_ids_run: Iterable[str],
    region_prefix: str = "",
    on: date,
    at: datetime | None = None,
) -> RunSummary:
    """Upsert a check run's hits as findings and clear what the run's rules no longer find.

    ``rule_ids_run`` are every rule the run executed (a rule with no hits still
    clears its findings); ``region_prefix`` bounds the clearing to the region the
    run covered; ``on`` is the check date (first/last seen, cleared on).
    """
    rules = set(rule_ids_run)
    at = at or utcnow()
    found: dict[str, Hit] = {}
    for hit in hits:
        if hit.rule_id not in rules:
            raise ValueError(f"hit of rule {hit.rule_id!r}, which is not among the rules run {sorted(rules)}")
        found[hit.finding_id] = hit
    summary = RunSummary(rules={r: RuleCounts() for r in sorted(rules)})
    known = _load(session, list(found))
    new = {fid: hit for fid, hit in found.items() if fid not in known}
    _insert(session, run_id, new, on, at)
    for fid, hit in found.items():
        row = known.get(fid)
        if row is None:
            summary.of(hit.rule_id).new += 1
        elif _seen_again(session, run_id, row, hit, on, at):
            summary.of(hit.rule_id).reopened += 1
        else:
            summary.of(hit.rule_id).still_open += 1
    for row in _gone(session, rules, region_prefix, set(found)):
        _clear(session, run_id, row, on, at)
        summary.of(row.rule_id).cleared += 1
    session.flush()
    return summary


def _load(session: Session, ids: list[str]) -> dict[str, Finding]:
    rows: dict[str, Finding] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in session.exec(select(Finding).where(col(Finding.id).in_(chunk)).with_for_update()):
            rows[row.id] = row
    return rows


def _insert(session: Session, run_id: int, new: dict[str, Hit], on: date, at: datetime) -> None:
    session.add_all(
        Finding(
            id=fid,
            rule_id=hit.rule_id,
            kind=hit.kind.value,
            severity=hit.severity.value,
            region=hit.region,
            persons=list(hit.persons),
            households=list(hit.households),
            evidence=[e.as_dict() for e in hit.evidence],
            summary=hit.summary,
            status=FindingStatus.OPEN.value,
            first_seen=on,
            last_seen=on,
            last_run_id=run_id,
            updated_at=at,
        )
        for fid, hit in new.items()
    )
    # Parents before children: PostgreSQL checks foreign keys per statement.
    session.flush()
    for fid, hit in new.items():
        session.add_all(FindingPerson(finding_id=fid, person_id=p) for p in sorted(set(hit.persons)))
        session.add(_event(fid, at, RunEvent.DETECTED, None, FindingStatus.OPEN, run_id, f"found on {on}"))


def _seen_again(session: Session, run_id: int, row: Finding, hit: Hit, on: date, at: datetime) -> bool:
    """Refresh a known finding from this run's hit; True when it was reopened."""
    # The facts may have moved (amounts, dates): the evidence shown is the latest run's.
    row.evidence = [e.as_dict() for e in hit.evidence]
    row.summary = hit.summary
    row.severity = hit.severity.value
    row.region = hit.region
    row.last_seen = on
    row.last_run_id = run_id
    row.updated_at = at
    before = FindingStatus(row.status)
    reopened = before in REOPENS
    if reopened:
        detail: dict[str, object] = {"cleared_on": row.cleared_on.isoformat() if row.cleared_on else None}
        if row.rectification:  # rectified before it cleared: the history keeps what was done
            detail |= {"rectification": row.rectification, "rectified_fen": row.rectified_fen}
        session.add(
            _event(row.id, at, RunEvent.REOPENED, before, FindingStatus.OPEN, run_id, f"found again on {on}", detail)
        )
        row.status = FindingStatus.OPEN.value
        row.assignee = None
        row.rectification = None
        row.rectified_fen = None
    row.cleared_on = None
    session.add(row)
    return reopened


def _gone(session: Session, rules: set[str], region_prefix: str, found: set[str]) -> list[Finding]:
    """Findings of the rules run, in the region, not cleared yet, that this run did not find."""
    query = (
        select(Finding)
        .where(col(Finding.rule_id).in_(sorted(rules)))
        .where(col(Finding.cleared_on).is_(None))
        .where(col(Finding.region).startswith(region_prefix, autoescape=True))
        .with_for_update()
    )
    return [row for row in session.exec(query) if row.id not in found]


def _clear(session: Session, run_id: int, row: Finding, on: date, at: datetime) -> None:
    before = FindingStatus(row.status)
    after = FindingStatus.CLEARED if before in CLEARS else before
    session.add(_event(row.id, at, RunEvent.CLEARED, before, after, run_id, f"not found on {on}"))
    row.status = after.value
    row.cleared_on = on
    row.updated_at = at
    session.add(row)


def _event(
    fid: str,
    at: datetime,
    action: RunEvent,
    before: FindingStatus | None,
    after: FindingStatus,
    run_id: int,
    note: str,
    detail: dict[str, object] | None = None,
) -> FindingEvent:
    return FindingEvent(
        finding_id=fid,
        at=at,
        actor=SYSTEM_ACTOR,
        action=action.value,
        from_status=before.value if before else None,
        to_status=after.value,
        note=note,
        run_id=run_id,
        detail=detail or {},
    )
