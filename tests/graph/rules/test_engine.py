"""The engine: parameters, rule selection, region filter, progress, hits and their evidence."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import AsyncDriver

from graph.checks import query_params, run_checks
from graph.hits import Severity
from graph.ingest import write_records
from graph.profiles import DEFAULT, GANSU, profile
from graph.rules import RULES
from graph.rules import dup_dibao_multiple_households as multiple
from graph.rules._rule import EXAMPLE_CHECK_DATE, merge_linked

CROSS_COUNTY = multiple.RULE.examples[0]  # one person covered in 530102 and in 530103


async def _hits(graph: AsyncDriver, **options: Any) -> list[Any]:
    found = []
    async for _, hits in run_checks(
        graph, rule_ids=[multiple.RULE.id], check_date=EXAMPLE_CHECK_DATE, **options
    ):
        found.extend(hits)
    return found


async def test_a_hit_names_sorted_subjects_its_common_region_and_evidence(graph: AsyncDriver) -> None:
    await write_records(graph, CROSS_COUNTY.records)

    [hit] = await _hits(graph)

    assert hit.persons == (multiple.P,)
    assert hit.households == ("civil:MZ530102-000001", "civil:MZ530103-000002")
    assert hit.region == "5301"  # the city both counties belong to
    assert hit.severity is Severity.HIGH
    assert {e.record_key for e in hit.evidence} == {"MZ530102-000001", "MZ530103-000002"}
    facts = dict(hit.evidence[0].facts)
    assert facts["dibao_start"] == "2024-05-01" and facts["covered"] == "true"


@pytest.mark.parametrize(
    ("prefix", "kept"),
    [("53", True), ("5301", True), ("530103", True), ("530103002", True), ("530104", False), ("54", False)],
)
async def test_region_prefix_keeps_hits_that_touch_the_region(
    graph: AsyncDriver, prefix: str, kept: bool
) -> None:
    await write_records(graph, CROSS_COUNTY.records)

    hits = await _hits(graph, region_prefix=prefix)

    assert bool(hits) is kept


async def test_rules_run_in_registry_order_with_progress(graph: AsyncDriver) -> None:
    seen: list[tuple[str, int, int]] = []
    chosen = [RULES[3].id, RULES[0].id]

    ran = [
        rule.id
        async for rule, _ in run_checks(
            graph,
            rule_ids=chosen,
            check_date=EXAMPLE_CHECK_DATE,
            progress=lambda rule, done, total, _hits: seen.append((rule.id, done, total)),
        )
    ]

    assert ran == [RULES[0].id, RULES[3].id]
    assert seen == [(RULES[0].id, 1, 2), (RULES[3].id, 2, 2)]


async def test_an_unknown_rule_id_is_refused(graph: AsyncDriver) -> None:
    with pytest.raises(KeyError, match=r"dup\.nothing"):
        async for _ in run_checks(graph, rule_ids=["dup.nothing"], check_date=EXAMPLE_CHECK_DATE):
            pass


def test_params_are_defaults_then_profile_then_engine() -> None:
    params = query_params(
        RULES[0], profile=GANSU, check_date=EXAMPLE_CHECK_DATE, check_year=2026, region_prefix="53"
    )

    assert params["single_person_band"] == 1.5
    assert params["check_year"] == 2026 and params["region"] == "53"
    assert params["check_date"].iso_format() == "2026-11-23"


def test_profiles_by_name_or_region() -> None:
    assert profile("gansu") is GANSU
    assert profile("620102001001") is GANSU
    assert profile("110101") is DEFAULT
    with pytest.raises(KeyError):
        profile("atlantis")


def test_merge_linked_joins_rows_through_shared_links() -> None:
    rows = [
        {"links": ["a", "b"], "persons": ["1"], "households": ["h1"], "regions": [], "evidence": []},
        {"links": ["c", "d"], "persons": ["3"], "households": ["h3"], "regions": [], "evidence": []},
        {"links": ["b", "c"], "persons": ["2"], "households": ["h2"], "regions": [], "evidence": []},
        {"links": ["x", "y"], "persons": ["9"], "households": ["h9"], "regions": [], "evidence": []},
    ]

    merged = merge_linked(rows)

    assert [(m["persons"], m["households"]) for m in merged] == [
        (["1", "2", "3"], ["h1", "h2", "h3"]),
        (["9"], ["h9"]),
    ]


def _operators(plan: Any) -> list[str]:
    names = [str(plan.get("operatorType", ""))]
    for child in plan.get("children", ()):
        names += _operators(child)
    return names


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
async def test_no_rule_plans_a_cartesian_product(graph: AsyncDriver, rule: Any) -> None:
    params = query_params(
        rule, profile=DEFAULT, check_date=EXAMPLE_CHECK_DATE, check_year=2026, region_prefix=""
    )
    async with graph.session(notifications_min_severity="OFF") as session:
        result = await session.run("EXPLAIN " + rule.cypher, params)
        summary = await result.consume()

    operators = _operators(summary.plan)
    assert not [op for op in operators if "CartesianProduct" in op], operators
