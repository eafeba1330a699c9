"""miss.insurance_not_enrolled: a 低保, 特困 or at-risk poverty person not enrolled for the check year."""

from __future__ import annotations

from datetime import date

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import (
    active_dibao,
    active_tekun,
    civil_evidence,
    known_deceased,
    poverty_evidence,
    tekun_evidence,
)

CYPHER = f"""
CALL () {{
  MATCH (h:CivilHousehold)
  WHERE h.dibao_status IN ['active', 'phasing_out'] AND {active_dibao("h")}
  MATCH (p:Person)-[c:CIVIL_MEMBER]->(h)
  WHERE c.covered
  RETURN p, 'civil:' + h.household_id AS household, h.region_code AS region, {civil_evidence("h", "c")} AS ev
  UNION
  MATCH (t:Tekun)
  WHERE t.status = 'active' AND {active_tekun("t")}
  MATCH (p:Person)-[:HAS_TEKUN]->(t)
  RETURN p, null AS household, null AS region, {tekun_evidence("t")} AS ev
  UNION
  // 风险是否消除 = 否: a monitored household whose risk is not cleared.
  MATCH (ph:PovertyHousehold)
  WHERE ph.risk_cleared = false
  MATCH (p:Person)-[m:POVERTY_MEMBER]->(ph)
  RETURN p, 'poverty:' + ph.household_id AS household, ph.region_code AS region,
         {poverty_evidence("ph", "m", "member of a household whose risk is not cleared")} AS ev
}}
WITH p, collect(household) AS households, collect(region) AS regions, collect(ev) AS evidence
// Only a person the platform answered about for the year: no answer is no knowledge.
MATCH (p)-[:MEDICAL]->(ma:MedicalAnswer {{year: $check_year}})
WHERE NOT EXISTS {{
  MATCH (ma)-[:HAS_INSURANCE]->(i:Insurance)
  WHERE i.year = $check_year AND i.status = 'ENROLLED'
}}
  AND NOT {known_deceased("p")}
OPTIONAL MATCH (ma)-[:HAS_INSURANCE]->(i:Insurance)
WITH p, households, regions, evidence, ma, collect(i.insurance_type + ' ' + i.status) AS records
RETURN [p.id] AS persons, households, regions,
       evidence + [{{source: 'medical', record_key: ma.record_key,
                    facts: {{year: ma.year, found: ma.found, records: records}},
                    note: 'not enrolled for the check year'}}] AS evidence
"""

P = b.pid("19810101", 113)
Q = b.pid("19820202", 124)
T = b.pid("19440404", 135)
R = b.pid("19830303", 146)
D = b.pid("19450505", 157)
E = b.pid("19840404", 168)

RULE = Rule(
    id="miss.insurance_not_enrolled",
    kind=Kind.MISSED,
    severity=Severity.HIGH,
    summary="低保、特困或未消除风险的监测对象未参加医保\nA dibao, tekun or at-risk poverty-registry person is not enrolled for the year",
    explanation=Explanation(
        what_it_flags="在保低保家庭保障成员、在册特困人员、或“风险未消除”的防返贫监测户成员，检查年度没有任何“已参保”的医保记录。\n"
        "A covered 低保 member, an active 特困 person, or a member of a poverty household whose risk is not cleared, "
        "with no ENROLLED insurance record (either type) for the check year.",
        why_it_matters="这些人属于资助参保对象，未参保即一旦患病无保障，是因病返贫的主要风险。\n"
        "These people are entitled to subsidised enrolment; without insurance an illness pushes them back into poverty.",
        typical_cause="资助名单未及时推送医保；户籍迁移后未续保；新纳入对象错过集中参保期。\n"
        "The subsidy list did not reach the medical-insurance office; a move broke enrolment; a new case missed the enrolment period.",
        what_to_do="与医保部门核实，按类别办理资助参保。已死亡者不在此列。\n"
        "Check with the medical-insurance office and enrol the person with the subsidy due. Deceased persons are excluded.",
    ),
    policy_basis="国办发〔2021〕42号 医疗救助 资助参保 (policy-notes §0; §1.2 M5 资助参保 categories).",
    household_notion="低保 civil household, the 特困 roll, and the poverty-relief household (风险是否消除)",
    cypher=CYPHER,
    examples=(
        Example(
            name="a 低保 member not found, a 特困 person suspended, an at-risk poverty member not found",
            records=(
                b.household("MZ530102-000801", [b.member(P, "02")]),
                b.medical(P, found=False),
                b.tekun(T, "MZ530102-000802"),
                b.medical(T, b.insurance("SUSPENDED")),
                b.poverty(
                    "530102001001-0801", [b.pmember(R)], risk_cleared=False, household_type="脱贫不稳定户"
                ),
                b.medical(R, found=False),
            ),
            flags=(
                Expect((P,), ("civil:MZ530102-000801",)),
                Expect((T,)),
                Expect((R,), ("poverty:530102001001-0801",)),
            ),
        ),
        Example(
            name="deceased; enrolled as an employee; risk cleared; never asked",
            records=(
                b.household("MZ530102-000811", [b.member(D, "02"), b.member(Q, "10"), b.member(E, "20")]),
                b.medical(D, found=True, deceased=True, death_date=date(2026, 10, 1)),
                b.medical(Q, b.insurance(kind="EMPLOYEE")),
                b.poverty("530102001001-0811", [b.pmember(R)], risk_cleared=True),
                b.medical(R, found=False),
            ),
            spared=(D, Q, R, E),
        ),
    ),
)
