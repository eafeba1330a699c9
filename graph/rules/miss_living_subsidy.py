"""miss.living_subsidy: a certificate holder covered by 低保 without an ACTIVE LIVING subsidy."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, certificate_evidence, civil_evidence, is_active_tekun

CYPHER = f"""
MATCH (c:Certificate)
WHERE c.status = 'VALID'
MATCH (p:Person)-[:HOLDS]->(c)
WITH p, collect(c) AS certs
WHERE NOT EXISTS {{
  MATCH (p)-[:HOLDS]->(:Certificate)-[:HAS_SUBSIDY]->(s:Subsidy)
  WHERE s.type = 'LIVING' AND s.status = 'ACTIVE'
}}
  // An active 特困 person does not receive it (see dup.disability_subsidy_and_tekun).
  AND NOT {is_active_tekun("p")}
MATCH (p)-[cm:CIVIL_MEMBER]->(h:CivilHousehold)
WHERE cm.covered AND {active_dibao("h")}
WITH p, certs, collect({{h: h, c: cm}}) AS cs
RETURN [p.id] AS persons,
       [x IN cs | 'civil:' + x.h.household_id] AS households,
       [x IN cs | x.h.region_code] + [c IN certs | c.region_code] AS regions,
       [c IN certs | {certificate_evidence("c", "VALID certificate, no ACTIVE LIVING subsidy")}]
       + [x IN cs | {civil_evidence("x.h", "x.c")}] AS evidence
"""

P = b.pid("19700707", 113)
Q = b.pid("19720808", 124)
T = b.pid("19440404", 135)

RULE = Rule(
    id="miss.living_subsidy",
    kind=Kind.MISSED,
    severity=Severity.MEDIUM,
    summary="低保家庭中的持证残疾人未领困难残疾人生活补贴\nA certificate holder covered by dibao has no active living subsidy",
    explanation=Explanation(
        what_it_flags="持有效残疾人证、且是在保低保家庭保障成员的人，没有“发放中”的困难残疾人生活补贴。\n"
        "A person with a VALID disability certificate who is a covered 低保 member and has no ACTIVE LIVING subsidy.",
        why_it_matters="低保家庭中的残疾人属于困难残疾人生活补贴的保障对象，应补未补。\n"
        "Disabled members of 低保 households are the very people the living subsidy is for: entitled and not reached.",
        typical_cause="残联不掌握低保名单；纳入低保后未告知申请补贴。\n"
        "The disability federation does not see the 低保 roll; nobody told the family to apply after 低保 began.",
        what_to_do="告知并协助申请生活补贴，由残联审核发放。\n"
        "Inform the person and help him apply; the disability federation verifies and pays.",
    ),
    policy_basis="国发〔2015〕52号 困难残疾人生活补贴 (低保家庭中的残疾人); policy-notes §0, §1.1 D3.",
    household_notion="低保 civil household",
    cypher=CYPHER,
    examples=(
        Example(
            name="a covered member with a valid certificate and no living subsidy",
            records=(
                b.household("MZ530102-000601", [b.member(P, "02"), b.member(Q, "10")]),
                b.certificate(P, level=4, subsidies=[b.subsidy("LIVING", "STOPPED")]),
            ),
            flags=(Expect((P,), ("civil:MZ530102-000601",)),),
            spared=(Q,),
        ),
        Example(
            name="a 特困 person; a holder with the subsidy; an expired certificate",
            records=(
                b.household("MZ530102-000611", [b.member(T, "02"), b.member(P, "20"), b.member(Q, "30")]),
                b.tekun(T, "MZ530102-000611"),
                b.certificate(T, level=3),
                b.certificate(P, level=3, subsidies=[b.subsidy("LIVING")]),
                b.certificate(Q, level=4, status="EXPIRED"),
            ),
            spared=(T, P, Q),
        ),
    ),
)
