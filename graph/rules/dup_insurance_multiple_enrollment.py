"""dup.insurance_multiple_enrollment: two ENROLLED resident insurance records of one year in two regions."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule

CYPHER = """
MATCH (m:MedicalAnswer {year: $check_year})-[:HAS_INSURANCE]->(i:Insurance)
WHERE i.year = $check_year AND i.insurance_type = 'RESIDENT' AND i.status = 'ENROLLED'
WITH m, collect(i) AS ins, collect(DISTINCT i.region_code) AS places
WHERE size(places) >= 2
MATCH (p:Person)-[:MEDICAL]->(m)
WITH p, m, ins, size([i IN ins WHERE i.subsidy_category <> 'NONE']) AS subsidised
RETURN [p.id] AS persons,
       [] AS households,
       [i IN ins | i.region_code] AS regions,
       // Worse where two carry a subsidy: the assistance budget paid twice.
       CASE WHEN subsidised >= 2 THEN 'HIGH' ELSE 'MEDIUM' END AS severity,
       [i IN ins | {source: 'medical', record_key: m.record_key,
                    facts: {insurance_type: i.insurance_type, year: i.year, region_code: i.region_code,
                            status: i.status, subsidy_category: i.subsidy_category, subsidy: i.subsidy},
                    note: 'ENROLLED resident insurance record'}] AS evidence
"""

P = b.pid("19850707", 173)
Q = b.pid("19880808", 193)
R = b.pid("19660606", 215)

RULE = Rule(
    id="dup.insurance_multiple_enrollment",
    kind=Kind.DUPLICATE,
    severity=Severity.MEDIUM,
    summary="同一人同一年度在两个统筹区参加城乡居民医保\nOne person holds two enrolled resident insurance records for the year in different regions",
    explanation=Explanation(
        what_it_flags="同一人在检查年度有两条或以上“已参保”的城乡居民医保记录，分属不同统筹区；两条都有资助时更严重。\n"
        "Two or more ENROLLED RESIDENT records for the check year in different regions; worse where two are subsidised.",
        why_it_matters="重复参保重复缴费，资助参保时财政重复资助。\n"
        "Duplicate enrolment doubles the contribution, and with 资助参保 the assistance budget pays twice.",
        typical_cause="外出务工后在新居住地参保而原籍未退保；两地各自按名单资助。\n"
        "Enrolled where the person now lives while the home county kept him; both counties subsidised from their lists.",
        what_to_do="与医保部门核实，保留一处参保，退还重复缴费或资助。\n"
        "Check with the medical-insurance office, keep one enrolment, refund the duplicate contribution or subsidy.",
    ),
    policy_basis="医保 重复参保清理 (policy-notes §1.1 D8, D9: one 资助 per person and year, 就高不重复).",
    household_notion="none: insurance records are per person",
    cypher=CYPHER,
    examples=(
        Example(
            name="two resident records in two regions, both subsidised",
            records=(
                b.medical(
                    P,
                    b.insurance(category="DIBAO", region="530102"),
                    b.insurance(category="POVERTY", region="530103"),
                ),
            ),
            flags=(Expect((P,)),),
        ),
        Example(
            name="a resident record beside an employee record is a switch; last year's duplicate",
            records=(
                b.medical(Q, b.insurance(region="530102"), b.insurance(kind="EMPLOYEE", region="530103")),
                b.medical(
                    R,
                    b.insurance(region="530102", year=2025),
                    b.insurance(region="530103", year=2025),
                    year=2025,
                ),
                b.medical(R, b.insurance(region="530102"), b.insurance("TERMINATED", region="530103")),
            ),
            spared=(Q, R),
        ),
    ),
)
