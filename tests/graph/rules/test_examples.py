"""Every rule's examples, run by the engine against real Neo4j: exactly the expected hits.

One data-driven runner: for each rule and each of its examples, the graph is wiped,
the example's records are written with :func:`graph.ingest.write_records` (identity
resolution after, when the project has it), the rule runs through
:func:`graph.checks.run_rule`, and the hits' subjects must be exactly the example's
``flags``; no hit may name one of its ``spared`` look-alikes.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from neo4j import AsyncDriver

from graph.checks import run_rule
from graph.ingest import write_records
from graph.profiles import DEFAULT
from graph.rules import RULES
from graph.rules._rule import Example, Rule

CASES = [
    pytest.param(rule, example, id=f"{rule.id}::{example.name}")
    for rule in RULES
    for example in rule.examples
]


async def _resolve_identities(driver: AsyncDriver) -> None:
    # Identity resolution is another module's job; run it when it exists, as a sync would.
    try:
        identity: Any = importlib.import_module("graph.identity")
    except ModuleNotFoundError:
        return
    resolve = getattr(identity, "resolve", None)
    if resolve is None:
        return
    outcome = resolve(driver)
    if inspect.isawaitable(outcome):
        await outcome


@pytest.mark.parametrize(("rule", "example"), CASES)
async def test_example(graph: AsyncDriver, rule: Rule, example: Example) -> None:
    # given the example's tiny graph
    await write_records(graph, example.records)
    await _resolve_identities(graph)

    # when the engine runs the rule
    hits = await run_rule(
        graph,
        rule,
        profile=DEFAULT.with_settings(**example.settings),
        check_date=example.check_date,
    )

    # then exactly the expected subjects are flagged, and no look-alike is named
    found = sorted((h.persons, h.households) for h in hits)
    expected = sorted(e.key() for e in example.flags)
    assert found == expected
    named = {s for h in hits for s in (*h.persons, *h.households)}
    assert not named & set(example.spared)
    for hit in hits:
        assert hit.rule_id == rule.id and hit.kind == rule.kind
        assert hit.evidence, "a hit must rest on evidence"
        assert all(e.source and e.record_key for e in hit.evidence)


def test_every_rule_has_a_flagged_and_a_clean_example() -> None:
    for rule in RULES:
        assert any(e.flags for e in rule.examples), f"{rule.id}: no example it must flag"
        assert any(e.spared for e in rule.examples), f"{rule.id}: no look-alike it must spare"
