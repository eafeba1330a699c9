"""The rule engine: runs the integrity rules over the graph and turns their rows into hits.

This is the only code that opens sessions for rules. Each rule's query runs in its
own read transaction with the parameters: the rule's defaults, then the policy
profile's settings, then what the engine provides (``check_date`` as a Neo4j
``DATE``, ``check_year``, ``region``). A rule's optional ``combine`` hook then
post-processes its rows in Python (connected components, for the rules that find
chains or groups), and each row becomes a :class:`graph.hits.Hit`.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from neo4j import READ_ACCESS, AsyncDriver, AsyncManagedTransaction
from neo4j.time import Date, DateTime

from graph.hits import Evidence, Hit, Severity, common_region, finding_id
from graph.profiles import DEFAULT, PolicyProfile
from graph.rules import RULES
from graph.rules._rule import Row, Rule

ENGINE_PARAMS: Final[frozenset[str]] = frozenset({"check_date", "check_year", "region"})
"""Parameters the engine adds to every query (besides the profile's settings)."""

Progress = Callable[[Rule, int, int, int], None]
"""Called after each rule: (rule, rules done, rules in the run, hits the rule kept)."""


def provided_params() -> frozenset[str]:
    """Every parameter name a rule may use without declaring it."""
    return ENGINE_PARAMS | frozenset(DEFAULT.as_params())


def select_rules(rules: Sequence[Rule], rule_ids: Iterable[str] | None) -> list[Rule]:
    """The rules to run, in registry order; an unknown id raises ``KeyError`` naming it."""
    if rule_ids is None:
        return list(rules)
    wanted = set(rule_ids)
    unknown = wanted - {r.id for r in rules}
    if unknown:
        raise KeyError(f"unknown rule id(s): {', '.join(sorted(unknown))}")
    return [r for r in rules if r.id in wanted]


def query_params(
    rule: Rule, *, profile: PolicyProfile, check_date: date, check_year: int, region_prefix: str
) -> dict[str, Any]:
    """The parameters of one rule's query: defaults < profile < engine."""
    return {
        **dict(rule.params),
        **profile.as_params(),
        "check_date": Date(check_date.year, check_date.month, check_date.day),
        "check_year": check_year,
        "region": region_prefix,
    }


async def run_checks(
    driver: AsyncDriver,
    *,
    rules: Sequence[Rule] = RULES,
    rule_ids: Iterable[str] | None = None,
    region_prefix: str | None = None,
    profile: PolicyProfile = DEFAULT,
    check_date: date,
    check_year: int | None = None,
    database: str | None = None,
    progress: Progress | None = None,
) -> AsyncIterator[tuple[Rule, list[Hit]]]:
    """Run the rules (all, or those of ``rule_ids``) and yield each with its hits.

    ``check_year`` defaults to the check date's year. With ``region_prefix`` a hit
    is kept when its region starts with the prefix, or, for a hit spanning regions
    wider than the prefix, when any fact it rests on lies inside it (a duplicate
    across two counties concerns both). Hits come sorted by region and subjects.
    """
    chosen = select_rules(rules, rule_ids)
    year = check_date.year if check_year is None else check_year
    prefix = region_prefix or ""
    for done, rule in enumerate(chosen, start=1):
        params = query_params(
            rule, profile=profile, check_date=check_date, check_year=year, region_prefix=prefix
        )
        rows = await _read(driver, rule.cypher, params, database)
        if rule.combine is not None:
            rows = rule.combine(rows)
        hits = [hit for hit, regions in _build(rule, rows) if _in_region(hit, regions, prefix)]
        if progress is not None:
            progress(rule, done, len(chosen), len(hits))
        yield rule, hits


async def run_rule(
    driver: AsyncDriver,
    rule: Rule,
    *,
    profile: PolicyProfile = DEFAULT,
    check_date: date,
    check_year: int | None = None,
    region_prefix: str | None = None,
    database: str | None = None,
) -> list[Hit]:
    """The hits of one rule (a convenience over :func:`run_checks`)."""
    async for _, hits in run_checks(
        driver,
        rules=(rule,),
        profile=profile,
        check_date=check_date,
        check_year=check_year,
        region_prefix=region_prefix,
        database=database,
    ):
        return hits
    return []


async def _read(
    driver: AsyncDriver, cypher: str, params: Mapping[str, Any], database: str | None
) -> list[Row]:
    async def work(tx: AsyncManagedTransaction) -> list[Row]:
        result = await tx.run(cypher, dict(params))
        return [record.data() async for record in result]

    # A graph that lacks a label a rule reads (no certificates synced yet) is normal, not worth a
    # server warning per query.
    async with driver.session(
        database=database, default_access_mode=READ_ACCESS, notifications_min_severity="OFF"
    ) as session:
        return await session.execute_read(work)


# ---------------------------------------------------------------------------
# Rows → hits


def _in_region(hit: Hit, regions: Sequence[str], prefix: str) -> bool:
    if not prefix or hit.region.startswith(prefix):
        return True
    # A hit whose common region is wider than the prefix still concerns the prefix
    # when one of its facts lies inside it.
    return prefix.startswith(hit.region) and any(r.startswith(prefix) for r in regions)


def build_hits(rule: Rule, rows: Iterable[Row]) -> list[Hit]:
    """One hit per distinct set of subjects (rows naming the same subjects merge)."""
    return [hit for hit, _ in _build(rule, rows)]


def _build(rule: Rule, rows: Iterable[Row]) -> list[tuple[Hit, tuple[str, ...]]]:
    by_id: dict[str, tuple[Hit, tuple[str, ...]]] = {}
    for row in rows:
        persons = _clean(row.get("persons"))
        households = _clean(row.get("households"))
        if not persons and not households:
            continue
        regions = _clean(row.get("regions"))
        evidence = _evidence(row.get("evidence"))
        severity = Severity(row["severity"]) if row.get("severity") else rule.severity
        summary = str(row.get("summary") or rule.title)
        fid = finding_id(rule.id, persons, households)
        if fid in by_id:
            old, old_regions = by_id[fid]
            regions = tuple(sorted({*old_regions, *regions}))
            evidence = _dedupe((*old.evidence, *evidence))
            severity = max(old.severity, severity, key=_SEVERITY_ORDER.index)
            summary = old.summary
        hit = Hit(
            rule_id=rule.id,
            kind=rule.kind,
            severity=severity,
            persons=persons,
            households=households,
            region=common_region(regions),
            evidence=evidence,
            summary=summary,
        )
        by_id[fid] = (hit, regions)
    return sorted(by_id.values(), key=lambda pair: (pair[0].region, pair[0].persons, pair[0].households))


_SEVERITY_ORDER: Final = [Severity.LOW, Severity.MEDIUM, Severity.HIGH]


def _clean(values: object) -> tuple[str, ...]:
    if not values:
        return ()
    items = values if isinstance(values, list | tuple) else [values]
    return tuple(sorted({str(v) for v in items if v is not None and str(v) != ""}))


def _evidence(values: object) -> tuple[Evidence, ...]:
    if not values or not isinstance(values, list | tuple):
        return ()
    found: list[Evidence] = []
    for value in values:
        if not isinstance(value, Mapping):
            continue
        facts = value.get("facts") or {}
        pairs = facts.items() if isinstance(facts, Mapping) else (tuple(p) for p in facts)
        found.append(
            Evidence(
                source=str(value.get("source") or ""),
                record_key=str(value.get("record_key") or ""),
                facts=tuple((str(k), fact_text(v)) for k, v in pairs),
                note=str(value.get("note") or ""),
            )
        )
    return _dedupe(found)


def _dedupe(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    unique = {(e.source, e.record_key, e.facts, e.note): e for e in evidence}
    return tuple(unique[k] for k in sorted(unique))


def fact_text(value: object) -> str:
    """A value read from the graph as a reviewer reads it in the source."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}" if math.isfinite(value) else str(value)
    if isinstance(value, Date | DateTime):
        return str(value.iso_format())
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(fact_text(v) for v in value)
    return str(value)
