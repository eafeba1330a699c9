"""The review workflow supervision teams follow: 疑点 → 核查 → 结论 → 整改.

::

    OPEN ──assign──▶ ASSIGNED ──confirm──▶ CONFIRMED ──rectify──▶ RECTIFIED
                      │  ▲ assign (hand over)
                      └──dismiss (reason)──▶ DISMISSED

Each step is an event naming who, when and why. A refused step raises
:class:`hub.store.errors.TransitionError` with a code; nothing is written then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, select

from hub.store.columns import utcnow
from hub.store.errors import TransitionCode, TransitionError
from hub.store.states import FindingStatus, Rectification, ReviewAction
from hub.store.tables import Finding, FindingEvent
from hub.store.views import FindingView

S = FindingStatus

TRANSITIONS: dict[ReviewAction, tuple[frozenset[FindingStatus], FindingStatus]] = {
    ReviewAction.ASSIGN: (frozenset({S.OPEN, S.ASSIGNED}), S.ASSIGNED),
    ReviewAction.CONFIRM: (frozenset({S.ASSIGNED}), S.CONFIRMED),
    ReviewAction.DISMISS: (frozenset({S.ASSIGNED}), S.DISMISSED),
    ReviewAction.RECTIFY: (frozenset({S.CONFIRMED}), S.RECTIFIED),
}
"""For each action: the statuses it may start from, and where it leads."""

MAX_FEN = 10**13  # a hundred billion yuan: anything above is a typo


@dataclass(frozen=True, slots=True)
class Step:
    """One review step as a reviewer asks for it."""

    action: ReviewAction
    actor: str
    note: str = ""
    assignee: str | None = None  # ASSIGN
    reason: str | None = None  # DISMISS
    rectification: Rectification | None = None  # RECTIFY
    amount: Decimal | None = None  # RECTIFY; yuan; required when RECOVERED


def review(session: Session, finding_id: str, step: Step, *, at: datetime | None = None) -> FindingView:
    """Apply one review step to a finding and record it; returns the finding as it now stands."""
    row = session.exec(select(Finding).where(col(Finding.id) == finding_id).with_for_update()).first()
    if row is None:
        raise TransitionError(TransitionCode.NOT_FOUND, f"no finding {finding_id}")
    before = FindingStatus(row.status)
    after = _check(row, before, step)
    fen = _fen(step)
    at = at or utcnow()
    detail: dict[str, Any] = {}
    if step.action is ReviewAction.ASSIGN:
        row.assignee = step.assignee
        detail["assignee"] = step.assignee
    elif step.action is ReviewAction.RECTIFY:
        row.rectification = step.rectification.value if step.rectification else None
        row.rectified_fen = fen
        detail |= {"rectification": row.rectification, "rectified_fen": fen}
    row.status = after.value
    row.updated_at = at
    session.add(row)
    session.add(
        FindingEvent(
            finding_id=row.id,
            at=at,
            actor=step.actor.strip(),
            action=step.action.value,
            from_status=before.value,
            to_status=after.value,
            note=step.note,
            reason=step.reason.strip() if step.reason else None,
            detail=detail,
        )
    )
    session.flush()
    return FindingView.of(row)


def _check(row: Finding, before: FindingStatus, step: Step) -> FindingStatus:
    """The status ``step`` leads to, or the refusal."""
    if not step.actor.strip():
        raise TransitionError(TransitionCode.ACTOR_REQUIRED, "say who acts (actor)")
    starts, after = TRANSITIONS[step.action]
    if before not in starts:
        why = f" (cleared on {row.cleared_on}: the latest run no longer finds it)" if before is S.CLEARED else ""
        allowed = ", ".join(sorted(starts))
        raise TransitionError(
            TransitionCode.INVALID_TRANSITION,
            f"finding {row.id} is {before}{why}; {step.action.lower()} needs {allowed}",
        )
    if step.action is ReviewAction.ASSIGN and not (step.assignee or "").strip():
        raise TransitionError(TransitionCode.ASSIGNEE_REQUIRED, "assign needs an assignee")
    if step.action is ReviewAction.DISMISS and not (step.reason or "").strip():
        raise TransitionError(TransitionCode.REASON_REQUIRED, "dismiss needs a reason")
    if step.action is ReviewAction.RECTIFY:
        if step.rectification is None:
            raise TransitionError(
                TransitionCode.RECTIFICATION_REQUIRED,
                "rectify needs how: " + ", ".join(r.value.lower() for r in Rectification),
            )
        if step.rectification is Rectification.RECOVERED and step.amount is None:
            raise TransitionError(TransitionCode.AMOUNT_REQUIRED, "money recovered needs the amount (yuan)")
    return after


def _fen(step: Step) -> int | None:
    """The amount in fen, refused when negative, not a number, finer than a fen, or absurd."""
    if step.amount is None or step.action is not ReviewAction.RECTIFY:
        return None
    try:
        fen = step.amount * 100
        exact = fen == fen.to_integral_value()
    except InvalidOperation:
        exact = False
    if not exact or step.amount.is_nan() or step.amount <= 0 or fen >= MAX_FEN:
        raise TransitionError(
            TransitionCode.INVALID_AMOUNT,
            f"amount {step.amount} must be a positive number of yuan with at most two decimals",
        )
    return int(fen)
