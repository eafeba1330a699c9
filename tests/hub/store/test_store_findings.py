"""Recording check runs: stable ids, new / still open / cleared / reopened, review state kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session
from store_fixtures import DAY1, DAY2, DAY3, HitFactory, RunFactory

from graph.hits import finding_id
from hub.store.findings import record_run
from hub.store.listing import get_finding
from hub.store.review import Step, review
from hub.store.states import FindingStatus, Rectification, ReviewAction

RULE = "dup.dibao_multiple_households"
OTHER_RULE = "dup.tekun_multiple"


def status_of(session: Session, fid: str) -> FindingStatus:
    detail = get_finding(session, fid)
    assert detail is not None
    return detail.finding.status


def test_a_new_hit_becomes_an_open_finding_with_the_hits_id(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    hit = make_hit()

    summary = record_run(session, new_run(), [hit], rule_ids_run=[RULE], on=DAY1)
    session.commit()

    assert hit.finding_id == finding_id(RULE, hit.persons, hit.households)
    detail = get_finding(session, hit.finding_id)
    assert detail is not None
    f = detail.finding
    assert (f.status, f.rule_id, f.persons, f.households) == (
        FindingStatus.OPEN,
        RULE,
        hit.persons,
        hit.households,
    )
    assert f.first_seen == f.last_seen == DAY1
    assert f.evidence[0]["source"] == "civil"
    assert [e.action for e in detail.history] == ["DETECTED"]
    assert summary.as_dict() == {RULE: {"new": 1, "still_open": 0, "cleared": 0, "reopened": 0}}


def test_found_again_keeps_the_id_and_the_review_state(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    hit = make_hit()
    record_run(session, new_run(), [hit], rule_ids_run=[RULE], on=DAY1)
    review(session, hit.finding_id, Step(ReviewAction.ASSIGN, "supervisor-li", assignee="wang"))
    session.commit()

    summary = record_run(
        session, new_run(on=DAY2), [make_hit(note="refreshed")], rule_ids_run=[RULE], on=DAY2
    )
    session.commit()

    detail = get_finding(session, hit.finding_id)
    assert detail is not None
    assert detail.finding.status is FindingStatus.ASSIGNED
    assert detail.finding.assignee == "wang"
    assert (detail.finding.first_seen, detail.finding.last_seen) == (DAY1, DAY2)
    assert detail.finding.evidence[0]["note"] == "refreshed"
    assert summary.of(RULE).still_open == 1 and summary.of(RULE).new == 0


def test_not_found_again_is_cleared_with_an_event_and_found_later_is_reopened(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    hit = make_hit()
    record_run(session, new_run(), [hit], rule_ids_run=[RULE], on=DAY1)
    review(session, hit.finding_id, Step(ReviewAction.ASSIGN, "li", assignee="wang"))

    cleared = record_run(session, new_run(on=DAY2), [], rule_ids_run=[RULE], on=DAY2)
    session.commit()
    detail = get_finding(session, hit.finding_id)
    assert detail is not None
    assert detail.finding.status is FindingStatus.CLEARED
    assert detail.finding.cleared_on == DAY2
    assert cleared.of(RULE).cleared == 1

    reopened = record_run(session, new_run(on=DAY3), [hit], rule_ids_run=[RULE], on=DAY3)
    session.commit()
    detail = get_finding(session, hit.finding_id)
    assert detail is not None
    assert detail.finding.status is FindingStatus.OPEN
    assert detail.finding.cleared_on is None
    assert [(e.action, e.to_status) for e in detail.history] == [
        ("DETECTED", FindingStatus.OPEN),
        ("ASSIGN", FindingStatus.ASSIGNED),
        ("CLEARED", FindingStatus.CLEARED),
        ("REOPENED", FindingStatus.OPEN),
    ]
    assert reopened.of(RULE).reopened == 1


def test_clearing_only_touches_the_rules_run_and_the_region_run(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    here = make_hit(region="530102001001")
    elsewhere = make_hit(persons=("110101199001011234",), region="110101001001")
    other_rule = make_hit(rule_id=OTHER_RULE)
    record_run(
        session,
        new_run((RULE, OTHER_RULE)),
        [here, elsewhere, other_rule],
        rule_ids_run=[RULE, OTHER_RULE],
        on=DAY1,
    )

    summary = record_run(
        session, new_run(on=DAY2, region="53"), [], rule_ids_run=[RULE], region_prefix="53", on=DAY2
    )
    session.commit()

    assert status_of(session, here.finding_id) is FindingStatus.CLEARED
    assert status_of(session, elsewhere.finding_id) is FindingStatus.OPEN
    assert status_of(session, other_rule.finding_id) is FindingStatus.OPEN
    assert summary.total.cleared == 1


def test_a_dismissed_finding_stays_dismissed_when_cleared_and_found_again(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    hit = make_hit()
    record_run(session, new_run(), [hit], rule_ids_run=[RULE], on=DAY1)
    review(session, hit.finding_id, Step(ReviewAction.ASSIGN, "li", assignee="wang"))
    review(session, hit.finding_id, Step(ReviewAction.DISMISS, "wang", reason="move in progress"))

    record_run(session, new_run(on=DAY2), [], rule_ids_run=[RULE], on=DAY2)
    detail = get_finding(session, hit.finding_id)
    assert detail is not None
    assert (detail.finding.status, detail.finding.cleared_on) == (FindingStatus.DISMISSED, DAY2)

    summary = record_run(session, new_run(on=DAY3), [hit], rule_ids_run=[RULE], on=DAY3)
    session.commit()
    detail = get_finding(session, hit.finding_id)
    assert detail is not None
    assert (detail.finding.status, detail.finding.cleared_on) == (FindingStatus.DISMISSED, None)
    assert summary.of(RULE).still_open == 1


def test_a_rectified_case_that_disappears_is_cleared_and_reopens_if_it_comes_back(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    hit = make_hit()
    record_run(session, new_run(), [hit], rule_ids_run=[RULE], on=DAY1)
    for step in (
        Step(ReviewAction.ASSIGN, "li", assignee="wang"),
        Step(ReviewAction.CONFIRM, "wang"),
        Step(ReviewAction.RECTIFY, "wang", rectification=Rectification.RECOVERED, amount=Decimal("1200.50")),
    ):
        review(session, hit.finding_id, step)
    record_run(session, new_run(on=DAY2), [], rule_ids_run=[RULE], on=DAY2)
    assert status_of(session, hit.finding_id) is FindingStatus.CLEARED

    summary = record_run(session, new_run(on=DAY3), [hit], rule_ids_run=[RULE], on=DAY3)
    session.commit()

    detail = get_finding(session, hit.finding_id)
    assert detail is not None
    assert detail.finding.status is FindingStatus.OPEN
    assert detail.history[-1].detail["rectified_fen"] == 120050
    assert summary.of(RULE).reopened == 1


def test_a_rule_with_no_hits_is_summarised_and_a_hit_of_a_rule_not_run_is_refused(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    summary = record_run(
        session, new_run((RULE, OTHER_RULE)), [make_hit()], rule_ids_run=[RULE, OTHER_RULE], on=DAY1
    )
    assert set(summary.rules) == {RULE, OTHER_RULE}

    with pytest.raises(ValueError, match="not among the rules run"):
        record_run(session, new_run(), [make_hit(rule_id=OTHER_RULE)], rule_ids_run=[RULE], on=DAY1)


def test_the_same_hit_twice_in_one_run_is_one_finding(
    session: Session, make_hit: HitFactory, new_run: RunFactory
) -> None:
    summary = record_run(session, new_run(), [make_hit(), make_hit()], rule_ids_run=[RULE], on=DAY1)

    assert summary.of(RULE).new == 1


def test_many_hits_in_one_run(session: Session, make_hit: HitFactory, new_run: RunFactory) -> None:
    hits = [make_hit(persons=(f"5301021980010{i:05d}",)) for i in range(1200)]

    first = record_run(session, new_run(), hits, rule_ids_run=[RULE], on=DAY1)
    second = record_run(session, new_run(on=DAY2), hits[:700], rule_ids_run=[RULE], on=DAY2)
    session.commit()

    assert first.of(RULE).new == 1200
    assert (second.of(RULE).still_open, second.of(RULE).cleared) == (700, 500)
