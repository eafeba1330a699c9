"""miss.nursing_subsidy: a valid level 1–2 certificate without an ACTIVE NURSING subsidy."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import certificate_evidence, is_active_tekun

CYPHER = f"""
MATCH (c:Certificate)
WHERE c.status = 'VALID' AND c.disability_level IN [1, 2]
MATCH (p:Person)-[:HOLDS]->(c)
WITH p, collect(c) AS certs
WHERE NOT EXISTS {{
  MATCH (p)-[:HOLDS]->(:Certificate)-[:HAS_SUBSIDY]->(s:Subsidy)
  WHERE s.type = 'NURSING' AND s.status = 'ACTIVE'
}}
  // Where the province excludes 特困 persons from the nursing subsidy, its absence is right.
  AND NOT ($tekun_excludes_nursing AND {is_active_tekun("p")})
RETURN [p.id] AS persons,
       [] AS households,
       [c IN certs | c.region_code] AS regions,
       [c IN certs | {certificate_evidence("c", "severe (level 1–2) VALID certificate, no ACTIVE NURSING subsidy")}] AS evidence
"""

P = b.pid("19900101", 113)
Q = b.pid("19910202", 124)
T = b.pid("19430303", 135)

RULE = Rule(
    id="miss.nursing_subsidy",
    kind=Kind.MISSED,
    severity=Severity.MEDIUM,
    summary="重度残疾人未领护理补贴\nA person with a severe (level 1–2) valid certificate has no active nursing subsidy",
    explanation=Explanation(
        what_it_flags="持有效一级或二级残疾人证的人，没有“发放中”的重度残疾人护理补贴。\n"
        "A person with a VALID certificate of level 1 or 2 and no ACTIVE NURSING subsidy.",
        why_it_matters="护理补贴面向全部重度残疾人，不看家庭收入，漏发即应补未补。\n"
        "The nursing subsidy is for every severely disabled person whatever the income: a gap is a missed entitlement.",
        typical_cause="评残后未同步申请补贴；补贴到期停发后未续。\n"
        "The certificate was issued without an application for the subsidy; a stopped subsidy was never renewed.",
        what_to_do="核实后协助申请护理补贴；特困人员按本省规定处理。\n"
        "Verify and help the person apply; for a 特困 person follow the province's rule.",
    ),
    policy_basis="国发〔2015〕52号 重度残疾人护理补贴 (一级、二级); 特困 persons per province (policy-notes §1.1 D4).",
    household_notion="none: the certificate holder",
    cypher=CYPHER,
    examples=(
        Example(
            name="a level-1 certificate without nursing subsidy",
            records=(b.certificate(P, level=1, subsidies=[b.subsidy("LIVING")]),),
            flags=(Expect((P,)),),
        ),
        Example(
            name="a level-3 certificate; a severe holder paid; a 特困 person where the province excludes nursing",
            records=(
                b.certificate(P, level=3),
                b.certificate(Q, level=2, subsidies=[b.subsidy("NURSING")]),
                b.tekun(T, "MZ530102-000701"),
                b.certificate(T, level=1),
            ),
            spared=(P, Q, T),
            settings={"tekun_excludes_nursing": True},
        ),
        Example(
            name="a 特困 person by default is still due the nursing subsidy",
            records=(b.tekun(T, "MZ530102-000711"), b.certificate(T, level=1)),
            flags=(Expect((T,)),),
        ),
    ),
)
