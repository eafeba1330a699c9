"""A check run: every (or some) integrity rules over the graph, hits recorded as findings.

The rules and the engine live in ``graph``; the findings and their review states in
the SQL store. This module joins the two for the CLI and for the API's jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from neo4j import AsyncDriver

from graph.checks import run_checks, select_rules
from graph.hits import Hit
from graph.profiles import profile as find_profile
from graph.rules import RULES
from graph.rules._rule import Rule
from hub.store.checks import finish_check, start_check
from hub.store.db import SessionFactory, session_scope
from hub.store.findings import RunSummary, record_run
from hub.store.states import RunStatus

RuleProgress = Callable[[Rule, int, int, int], None]


@dataclass(frozen=True)
class CheckOutcome:
    run_id: int
    summary: RunSummary
    hits: int


async def run_check(
    driver: AsyncDriver,
    sessions: SessionFactory,
    *,
    check_date: date,
    check_year: int,
    rule_ids: Iterable[str] | None = None,
    region: str = "",
    profile_name: str = "default",
    database: str | None = None,
    progress: RuleProgress | None = None,
) -> CheckOutcome:
    """Run the rules, record every hit as a finding, clear what is no longer found."""
    profile = find_profile(profile_name)
    rules = select_rules(RULES, rule_ids)
    with session_scope(sessions) as session:
        run_id = start_check(
            session, check_date=check_date, rule_ids=[r.id for r in rules], region=region, profile=profile.name
        )
    hits: list[Hit] = []
    try:
        async for _rule, rule_hits in run_checks(
            driver,
            rules=rules,
            region_prefix=region or None,
            profile=profile,
            check_date=check_date,
            check_year=check_year,
            database=database,
            progress=progress,
        ):
            hits.extend(rule_hits)
    except BaseException:
        with session_scope(sessions) as session:
            finish_check(session, run_id, status=RunStatus.FAILED)
        raise
    with session_scope(sessions) as session:
        summary = record_run(
            session, run_id, hits, rule_ids_run=[r.id for r in rules], region_prefix=region, on=check_date
        )
        finish_check(session, run_id, status=RunStatus.OK, counts=summary.as_dict())
    return CheckOutcome(run_id=run_id, summary=summary, hits=len(hits))
