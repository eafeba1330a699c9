"""Reading findings: filters, keyset pages, history, counts in SQL, the JSON-lines export."""

from __future__ import annotations

import io
import json

import pytest
from sqlmodel import Session
from store_fixtures import DAY1, DAY2, HitFactory, RunFactory

from graph.hits import Kind, Severity
from hub.store.errors import CursorError
from hub.store.findings import record_run
from hub.store.listing import FindingFilter, count_findings, export_jsonl, get_finding, list_findings
from hub.store.review import Step, review
from hub.store.states import FindingStatus, ReviewAction

DUP, MISS = "dup.dibao_multiple_households", "miss.nursing_subsidy"


@pytest.fixture
def stocked(session: Session, make_hit: HitFactory, new_run: RunFactory) -> list[str]:
    """Five findings: three DUP in two counties first seen DAY1, two MISS first seen DAY2."""
    day1 = [
        make_hit(persons=("530102198001011237",), region="530102001001"),
        make_hit(persons=("530102198001011245",), region="530102002001"),
        make_hit(persons=("530103198001011230",), region="530103001001"),
    ]
    record_run(session, new_run((DUP,)), day1, rule_ids_run=[DUP], on=DAY1)
    day2 = [
        make_hit(MISS, ("530102198001011237",), (), "530102001001", Kind.MISSED, Severity.MEDIUM),
        make_hit(MISS, ("530103198001011230",), (), "530103001001", Kind.MISSED, Severity.MEDIUM),
    ]
    record_run(session, new_run((MISS,), on=DAY2), day2, rule_ids_run=[MISS], on=DAY2)
    review(session, day1[0].finding_id, Step(ReviewAction.ASSIGN, "li", assignee="wang"))
    session.commit()
    return [h.finding_id for h in day1 + day2]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (FindingFilter(), 5),
        (FindingFilter(rule_id=MISS), 2),
        (FindingFilter(kind=Kind.DUPLICATE), 3),
        (FindingFilter(severity=Severity.MEDIUM), 2),
        (FindingFilter(status=FindingStatus.ASSIGNED), 1),
        (FindingFilter(region="530102"), 3),
        (FindingFilter(region="530103001"), 2),
        (FindingFilter(first_seen_from=DAY2), 2),
        (FindingFilter(first_seen_to=DAY1), 3),
        (FindingFilter(assignee="wang"), 1),
        (FindingFilter(person_id="530102198001011237"), 2),
        (FindingFilter(person_id="530102198001011237", rule_id=DUP), 1),
        (FindingFilter(region="5301%"), 0),  # a LIKE wildcard is a character, not a pattern
    ],
)
def test_filters(session: Session, stocked: list[str], filters: FindingFilter, expected: int) -> None:
    assert len(list_findings(session, filters).items) == expected


def test_pages_follow_each_other_without_repeats_newest_first(session: Session, stocked: list[str]) -> None:
    seen: list[str] = []
    after = None
    while True:
        page = list_findings(session, first=2, after=after)
        seen += [f.id for f in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor

    assert sorted(seen) == sorted(stocked)
    assert len(seen) == len(set(seen))
    first_seen = [f.first_seen for f in list_findings(session).items]
    assert first_seen == sorted(first_seen, reverse=True)


def test_a_foreign_cursor_is_refused(session: Session) -> None:
    with pytest.raises(CursorError):
        list_findings(session, after="not-a-cursor")


def test_get_one_with_history_and_none_for_unknown(session: Session, stocked: list[str]) -> None:
    detail = get_finding(session, stocked[0])

    assert detail is not None
    assert [e.action for e in detail.history] == ["DETECTED", "ASSIGN"]
    assert get_finding(session, "F-unknown") is None


def test_counts_are_grouped_in_sql(session: Session, stocked: list[str]) -> None:
    by_county = count_findings(session, ["region"], region_level=6)
    by_kind_status = count_findings(session, ["kind", "status"])

    assert {tuple(g.key.values()): g.count for g in by_county} == {("530102",): 3, ("530103",): 2}
    assert {tuple(g.key.values()): g.count for g in by_kind_status} == {
        ("DUPLICATE", "ASSIGNED"): 1,
        ("DUPLICATE", "OPEN"): 2,
        ("MISSED", "OPEN"): 2,
    }
    assert count_findings(session, ["rule_id"], FindingFilter(region="530103")) == [
        type(by_county[0])({"rule_id": DUP}, 1),
        type(by_county[0])({"rule_id": MISS}, 1),
    ]


def test_export_writes_the_ground_truth_shape(session: Session, stocked: list[str]) -> None:
    out = io.StringIO()

    n = export_jsonl(session, out, FindingFilter(rule_id=MISS))

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert n == 2 == len(lines)
    assert all(set(line) == {"rule", "persons", "households"} for line in lines)
    assert {line["persons"][0] for line in lines} == {"530102198001011237", "530103198001011230"}
