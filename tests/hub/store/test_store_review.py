"""The review workflow: every allowed step, every refused one, and what each records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session, func, select
from store_fixtures import DAY1, HitFactory, RunFactory

from hub.store.errors import TransitionCode, TransitionError
from hub.store.findings import record_run
from hub.store.listing import get_finding
from hub.store.review import Step, review
from hub.store.states import FindingStatus, Rectification, ReviewAction
from hub.store.tables import FindingEvent

A, S = ReviewAction, FindingStatus
RULE = "dup.dibao_multiple_households"

ASSIGN = Step(A.ASSIGN, "li", assignee="wang", note="please verify")
CONFIRM = Step(A.CONFIRM, "wang", note="visited the household")
DISMISS = Step(A.DISMISS, "wang", reason="household moved; old case closing")
RECTIFY = Step(A.RECTIFY, "wang", rectification=Rectification.STOPPED)
# The steps that bring a new finding to each status.
PATH = {
    S.OPEN: (),
    S.ASSIGNED: (ASSIGN,),
    S.CONFIRMED: (ASSIGN, CONFIRM),
    S.DISMISSED: (ASSIGN, DISMISS),
    S.RECTIFIED: (ASSIGN, CONFIRM, RECTIFY),
}
ALLOWED = {
    (S.OPEN, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.ASSIGN): S.ASSIGNED,
    (S.ASSIGNED, A.CONFIRM): S.CONFIRMED,
    (S.ASSIGNED, A.DISMISS): S.DISMISSED,
    (S.CONFIRMED, A.RECTIFY): S.RECTIFIED,
}
STEP = {A.ASSIGN: ASSIGN, A.CONFIRM: CONFIRM, A.DISMISS: DISMISS, A.RECTIFY: RECTIFY}


@pytest.fixture
def fid(session: Session, make_hit: HitFactory, new_run: RunFactory) -> str:
    hit = make_hit()
    record_run(session, new_run(), [hit], rule_ids_run=[RULE], on=DAY1)
    session.commit()
    return hit.finding_id


def bring(session: Session, fid: str, status: FindingStatus) -> None:
    for step in PATH[status]:
        review(session, fid, step)


def events(session: Session, fid: str) -> int:
    return session.exec(
        select(func.count()).select_from(FindingEvent).where(FindingEvent.finding_id == fid)
    ).one()


@pytest.mark.parametrize(("start", "action"), sorted(ALLOWED))
def test_allowed_steps_move_the_status_and_record_who_when_and_why(
    session: Session, fid: str, start: FindingStatus, action: ReviewAction
) -> None:
    bring(session, fid, start)

    view = review(session, fid, STEP[action])
    session.commit()

    assert view.status is ALLOWED[(start, action)]
    detail = get_finding(session, fid)
    assert detail is not None
    last = detail.history[-1]
    assert (last.actor, last.action, last.from_status, last.to_status) == (
        STEP[action].actor,
        action.value,
        start,
        ALLOWED[(start, action)],
    )
    assert last.note == STEP[action].note
    assert last.at.tzinfo is not None


REFUSED = [
    (start, action)
    for start in (*PATH, S.CLEARED)
    for action in ReviewAction
    if (start, action) not in ALLOWED
]


@pytest.mark.parametrize(("start", "action"), REFUSED)
def test_every_other_step_is_refused_and_writes_nothing(
    session: Session, fid: str, new_run: RunFactory, start: FindingStatus, action: ReviewAction
) -> None:
    if start is S.CLEARED:
        record_run(session, new_run(), [], rule_ids_run=[RULE], on=DAY1)
    else:
        bring(session, fid, start)
    session.commit()
    before = events(session, fid)

    with pytest.raises(TransitionError) as refused:
        review(session, fid, STEP[action])

    assert refused.value.code is TransitionCode.INVALID_TRANSITION
    session.rollback()
    assert events(session, fid) == before


def test_rectified_cannot_be_reached_from_open(session: Session, fid: str) -> None:
    with pytest.raises(TransitionError) as refused:
        review(session, fid, RECTIFY)

    assert refused.value.code is TransitionCode.INVALID_TRANSITION
    assert "OPEN" in str(refused.value)


@pytest.mark.parametrize(
    ("start", "step", "code"),
    [
        (S.ASSIGNED, Step(A.DISMISS, "wang"), TransitionCode.REASON_REQUIRED),
        (S.ASSIGNED, Step(A.DISMISS, "wang", reason="  "), TransitionCode.REASON_REQUIRED),
        (S.OPEN, Step(A.ASSIGN, "li"), TransitionCode.ASSIGNEE_REQUIRED),
        (S.OPEN, Step(A.ASSIGN, " ", assignee="wang"), TransitionCode.ACTOR_REQUIRED),
        (S.CONFIRMED, Step(A.RECTIFY, "wang"), TransitionCode.RECTIFICATION_REQUIRED),
        (
            S.CONFIRMED,
            Step(A.RECTIFY, "wang", rectification=Rectification.RECOVERED),
            TransitionCode.AMOUNT_REQUIRED,
        ),
        *[
            (
                S.CONFIRMED,
                Step(A.RECTIFY, "wang", rectification=Rectification.RECOVERED, amount=Decimal(bad)),
                TransitionCode.INVALID_AMOUNT,
            )
            for bad in ("0", "-5", "1.005", "NaN", "Infinity", "1e20")
        ],
    ],
)
def test_steps_missing_what_they_need_are_refused(
    session: Session, fid: str, start: FindingStatus, step: Step, code: TransitionCode
) -> None:
    bring(session, fid, start)

    with pytest.raises(TransitionError) as refused:
        review(session, fid, step)

    assert refused.value.code is code


def test_an_unknown_finding_is_not_found(session: Session) -> None:
    with pytest.raises(TransitionError) as refused:
        review(session, "F-nope", ASSIGN)

    assert refused.value.code is TransitionCode.NOT_FOUND


@pytest.mark.parametrize(
    ("kind", "amount", "fen"),
    [
        (Rectification.RECOVERED, Decimal("1200.5"), 120050),
        (Rectification.STOPPED, None, None),
        (Rectification.ENROLLED, Decimal("380"), 38000),
    ],
)
def test_rectification_keeps_how_and_how_much(
    session: Session, fid: str, kind: Rectification, amount: Decimal | None, fen: int | None
) -> None:
    bring(session, fid, S.CONFIRMED)

    view = review(session, fid, Step(A.RECTIFY, "wang", rectification=kind, amount=amount))
    session.commit()

    assert view.rectification is kind
    assert view.rectified_amount == (None if amount is None else amount.quantize(Decimal("0.01")))
    detail = get_finding(session, fid)
    assert detail is not None
    assert detail.history[-1].detail == {"rectification": kind.value, "rectified_fen": fen}


def test_a_dismissal_keeps_its_reason(session: Session, fid: str) -> None:
    bring(session, fid, S.DISMISSED)
    session.commit()

    detail = get_finding(session, fid)
    assert detail is not None
    assert detail.history[-1].reason == DISMISS.reason
