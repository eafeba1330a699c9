"""Cypher fragments for the terms of rules.md, written once so every rule (and the API's coverage figures) reads them alike.

Each function returns query *text* for a variable name; values always travel as
``$params`` (``$check_date`` and the profile's settings), never inside the text.
"""

from __future__ import annotations


def active_dibao(h: str) -> str:
    """Active 低保 household: household active, dibao active or phasing out, in its dates."""
    return (
        f"{h}.status = 'active' AND {h}.dibao_status IN ['active', 'phasing_out'] "
        f"AND {h}.dibao_start <= $check_date AND ({h}.dibao_end IS NULL OR {h}.dibao_end >= $check_date)"
    )


def active_tekun(t: str) -> str:
    """Active 特困 record: status active and in its dates."""
    return (
        f"{t}.status = 'active' AND {t}.start_date <= $check_date "
        f"AND ({t}.end_date IS NULL OR {t}.end_date >= $check_date)"
    )


def covered_in_active_dibao(p: str) -> str:
    """A pattern predicate: p is a covered member of some active 低保 household."""
    return (
        f"EXISTS {{ MATCH ({p})-[cov:CIVIL_MEMBER]->(ch:CivilHousehold) "
        f"WHERE cov.covered AND {active_dibao('ch')} }}"
    )


def is_active_tekun(p: str) -> str:
    """A pattern predicate: p is an active 特困 person."""
    return f"EXISTS {{ MATCH ({p})-[:HAS_TEKUN]->(tk:Tekun) WHERE {active_tekun('tk')} }}"


def single_route_certificate(c: str) -> str:
    """A valid certificate of level 1 or 2, or of level 3 with type 5 (intellectual) or 6 (mental)."""
    return (
        f"{c}.status = 'VALID' AND ({c}.disability_level IN [1, 2] "
        f"OR ({c}.disability_level = 3 AND {c}.disability_type IN [5, 6]))"
    )


def qualifies_single_route(p: str) -> str:
    """A pattern predicate: p qualifies for the single-person route (certificate or 患有大病)."""
    return (
        f"(EXISTS {{ MATCH ({p})-[:HOLDS]->(sc:Certificate) WHERE {single_route_certificate('sc')} }} "
        f"OR EXISTS {{ MATCH ({p})-[sm:POVERTY_MEMBER]->(:PovertyHousehold) WHERE '患有大病' IN sm.health }})"
    )


def lone_qualifier(h: str) -> str:
    """A predicate: h's only listed member qualifies for the single-person route."""
    return (
        f"(COUNT {{ ({h})<-[:CIVIL_MEMBER]-(:Person) }} = 1 "
        f"AND EXISTS {{ MATCH (lq:Person)-[:CIVIL_MEMBER]->({h}) WHERE {qualifies_single_route('lq')} }})"
    )


def age_on_check_date(born: str) -> str:
    """Whole years from a birth date to the check date (null when the date is unknown)."""
    return f"duration.between({born}, $check_date).years"


def known_deceased(p: str) -> str:
    """A pattern predicate: p is recorded as deceased by the medical platform or a certificate."""
    return (
        f"(EXISTS {{ MATCH ({p})-[:MEDICAL]->(dm:MedicalAnswer) WHERE dm.deceased }} "
        f"OR EXISTS {{ MATCH ({p})-[:HOLDS]->(dc:Certificate) "
        f"WHERE dc.status = 'CANCELLED' AND dc.cancel_reason = 'DECEASED' }})"
    )


# Evidence maps: the source, the record key a reviewer looks up, the values read.


def civil_evidence(
    h: str, c: str | None = None, note: str = "covered member of an active 低保 household"
) -> str:
    """Evidence of a civil household (and a membership in it)."""
    member = f", covered: {c}.covered, relation: {c}.relation_code, name: {c}.name" if c else ""
    return (
        f"{{source: 'civil', record_key: {h}.household_id, facts: {{household_status: {h}.status, "
        f"dibao_status: {h}.dibao_status, dibao_start: {h}.dibao_start, dibao_end: {h}.dibao_end, "
        f"address: {h}.address{member}}}, note: '{note}'}}"
    )


def tekun_evidence(t: str, note: str = "active 特困 person") -> str:
    """Evidence of a 特困 record."""
    return (
        f"{{source: 'civil', record_key: coalesce({t}.record_key, {t}.key), facts: {{tekun_status: {t}.status, "
        f"start_date: {t}.start_date, end_date: {t}.end_date, household_id: {t}.household_id, "
        f"name: {t}.name}}, note: '{note}'}}"
    )


def certificate_evidence(c: str, note: str) -> str:
    """Evidence of a disability certificate."""
    return (
        f"{{source: 'disability', record_key: {c}.cert_no, facts: {{cert_status: {c}.status, "
        f"level: {c}.disability_level, type: {c}.disability_type, cancel_reason: {c}.cancel_reason, "
        f"valid_until: {c}.valid_until}}, note: '{note}'}}"
    )


def poverty_evidence(ph: str, m: str, note: str) -> str:
    """Evidence of a poverty-relief member line (record key ``<snapshot>:<line>``)."""
    return (
        f"{{source: 'poverty', record_key: coalesce({m}.snapshot, {ph}.snapshot) + ':' "
        f"+ coalesce(toString({m}.line), '?'), facts: {{household_id: {ph}.household_id, "
        f"name: {m}.name, relation: {m}.relation_word, labour_skill: {m}.labour_skill, "
        f"health: {m}.health, school: {m}.school, risk_cleared: {ph}.risk_cleared, "
        f"income_per_capita_year: {ph}.income_per_capita_year, address: {ph}.address}}, note: '{note}'}}"
    )


def standard_evidence(s: str) -> str:
    """Evidence of the 低保 standard in force (civil-affairs /api/v1/standards)."""
    return (
        f"{{source: 'civil', record_key: 'standards:' + {s}.key, facts: {{county: {s}.county, "
        f"area_type: {s}.area_type, monthly_standard: {s}.monthly_standard, "
        f"effective_from: {s}.effective_from}}, note: '低保 standard in force on the check date'}}"
    )


def rural_standards_in_force() -> str:
    """Rows ``county, std``: each county's rural 低保 standard in force on the check date.

    Standards are few (two per county and year), so reading them all once and then
    matching households by the indexed ``county`` avoids one lookup per household.
    """
    return (
        "MATCH (s:Standard) WHERE s.area_type = 'rural' AND s.effective_from <= $check_date\n"
        "WITH s ORDER BY s.effective_from DESC\n"
        "WITH s.county AS county, head(collect(s)) AS std\n"
    )
