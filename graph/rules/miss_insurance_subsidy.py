"""miss.insurance_subsidy: enrolled without the 资助参保 category due to a 特困 or 低保 person."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, active_tekun, civil_evidence, tekun_evidence

CYPHER = f"""
CALL () {{
  MATCH (h:CivilHousehold)
  WHERE h.dibao_status IN ['active', 'phasing_out'] AND {active_dibao("h")}
  MATCH (p:Person)-[c:CIVIL_MEMBER]->(h)
  WHERE c.covered
  RETURN p
  UNION
  MATCH (t:Tekun)
  WHERE t.status = 'active' AND {active_tekun("t")}
  MATCH (p:Person)-[:HAS_TEKUN]->(t)
  RETURN p
}}
MATCH (p)-[:MEDICAL]->(ma:MedicalAnswer {{year: $check_year}})-[:HAS_INSURANCE]->(i:Insurance)
WHERE i.year = $check_year AND i.status = 'ENROLLED'
WITH p, ma, collect(i) AS ins, max(coalesce($category_rank[i.subsidy_category], 0)) AS got
CALL (p) {{
  MATCH (p)-[c:CIVIL_MEMBER]->(h:CivilHousehold)
  WHERE c.covered AND {active_dibao("h")}
  RETURN collect({{h: h, c: c}}) AS cs
}}
CALL (p) {{
  MATCH (p)-[:HAS_TEKUN]->(t:Tekun)
  WHERE {active_tekun("t")}
  RETURN collect(t) AS ts
}}
WITH p, ma, ins, got, cs, ts,
     CASE WHEN size(ts) > 0 THEN $category_rank['TEKUN_FULL']
          WHEN size(cs) > 0 THEN $category_rank['DIBAO'] ELSE 0 END AS due
WHERE got < due
RETURN [p.id] AS persons,
       [x IN cs | 'civil:' + x.h.household_id] AS households,
       [x IN cs | x.h.region_code] + [i IN ins | i.region_code] AS regions,
       [x IN cs | {civil_evidence("x.h", "x.c")}] + [t IN ts | {tekun_evidence("t")}]
       + [i IN ins | {{source: 'medical', record_key: ma.record_key,
                      facts: {{insurance_type: i.insurance_type, year: i.year, status: i.status,
                              subsidy_category: i.subsidy_category, subsidy: i.subsidy}},
                      note: 'enrolled below the subsidy category due'}}] AS evidence
"""

P = b.pid("19810101", 113)
Q = b.pid("19820202", 124)
T = b.pid("19440404", 135)
U = b.pid("19460606", 146)

RULE = Rule(
    id="miss.insurance_subsidy",
    kind=Kind.MISSED,
    severity=Severity.MEDIUM,
    summary="特困或低保人员参保但未享受应有的资助类别\nEnrolled without the insurance subsidy category due to a tekun or dibao person",
    explanation=Explanation(
        what_it_flags="已参保，但资助类别为“无”或低于应得类别：特困人员应为全额资助，低保成员应为低保资助。\n"
        "Enrolled for the year with subsidy category NONE or lower than due: TEKUN_FULL for 特困, DIBAO for covered 低保 members.",
        why_it_matters="资助参保是医疗救助的第一道，少资助即本人多缴费，困难群众可能因此断保。\n"
        "Subsidised enrolment is the first layer of medical assistance; too little subsidy makes the poor pay and drop out.",
        typical_cause="医保按月或按年取民政名单，新纳入人员滞后；多重身份未按就高原则资助。\n"
        "The medical office takes the lists monthly or yearly so new cases lag; several identities were not subsidised at the highest.",
        what_to_do="向医保推送身份，按最高类别补足资助；名单滞后的，核实纳入日期后再处理。\n"
        "Send the person's status to the medical office and top up to the highest category; for a list lag, check the start date first.",
    ),
    policy_basis="国办发〔2021〕42号 分类资助参保 (特困 全额, 低保 定额); 就高不重复 (policy-notes §1.1 D8, §2.10).",
    household_notion="低保 civil household and the 特困 roll",
    cypher=CYPHER,
    params={"category_rank": {"TEKUN_FULL": 3, "DIBAO": 2, "POVERTY": 1, "NONE": 0}},
    examples=(
        Example(
            name="a 低保 member with no subsidy; a 特困 person subsidised only as 低保",
            records=(
                b.household("MZ530102-000901", [b.member(P, "02")]),
                b.medical(P, b.insurance(category="NONE")),
                b.tekun(T, "MZ530102-000902"),
                b.medical(T, b.insurance(category="DIBAO")),
            ),
            flags=(Expect((P,), ("civil:MZ530102-000901",)), Expect((T,))),
        ),
        Example(
            name="due category met or exceeded; a non-beneficiary without subsidy; not enrolled at all",
            records=(
                b.household("MZ530102-000911", [b.member(P, "02"), b.member(Q, "10", covered=False)]),
                b.medical(P, b.insurance(category="TEKUN_FULL")),
                b.medical(Q, b.insurance(category="NONE")),
                b.tekun(T, "MZ530102-000912"),
                b.medical(T, b.insurance(category="TEKUN_FULL")),
                b.tekun(U, "MZ530102-000913"),
                b.medical(U, b.insurance("TERMINATED", category="NONE")),
            ),
            spared=(P, Q, T, U),
        ),
    ),
)
