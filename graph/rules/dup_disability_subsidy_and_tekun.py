"""dup.disability_subsidy_and_tekun: an ACTIVE LIVING subsidy (and NURSING where the profile says) to a 特困 person."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_tekun, tekun_evidence

CYPHER = f"""
MATCH (t:Tekun)
WHERE t.status = 'active' AND {active_tekun("t")}
MATCH (p:Person)-[:HAS_TEKUN]->(t)
WITH p, collect(t) AS ts
MATCH (p)-[:HOLDS]->(c:Certificate)-[:HAS_SUBSIDY]->(s:Subsidy)
WHERE s.status = 'ACTIVE'
  AND (s.type = 'LIVING' OR (s.type = 'NURSING' AND $tekun_excludes_nursing))
WITH p, ts, collect({{c: c, s: s}}) AS paid
RETURN [p.id] AS persons,
       [] AS households,
       [x IN paid | x.c.region_code] AS regions,
       [t IN ts | {tekun_evidence("t")}]
       + [x IN paid | {{source: 'disability', record_key: x.c.cert_no,
                       facts: {{cert_status: x.c.status, subsidy: x.s.type, subsidy_status: x.s.status,
                               monthly_amount: x.s.monthly_amount, start_date: x.s.start_date}},
                       note: 'ACTIVE disability subsidy'}}] AS evidence
"""

P = b.pid("19500505", 133)
Q = b.pid("19520202", 153)

RULE = Rule(
    id="dup.disability_subsidy_and_tekun",
    kind=Kind.DUPLICATE,
    severity=Severity.MEDIUM,
    summary="特困人员仍在领取困难残疾人生活补贴\nAn active tekun person is paid the disability living subsidy",
    explanation=Explanation(
        what_it_flags="在册特困人员名下有“发放中”的困难残疾人生活补贴（省份规定时也包括重度残疾人护理补贴）。\n"
        "An active 特困 person with an ACTIVE LIVING subsidy (and the NURSING subsidy where the province excludes it).",
        why_it_matters="纳入特困供养的残疾人不享受两项补贴，供养金已涵盖基本生活。\n"
        "Persons in 特困 support do not receive the two subsidies: their support already covers basic living.",
        typical_cause="残联与民政数据不通；先领补贴后认定特困，补贴未停。\n"
        "The disability federation and civil affairs do not share data; the subsidy was granted before 特困 and never stopped.",
        what_to_do="通知残联停发生活补贴，核实后追回认定特困之后的部分。\n"
        "Ask the disability federation to stop the subsidy and recover what was paid after 特困 began.",
    ),
    policy_basis="国发〔2015〕52号：纳入特困人员供养保障的残疾人不享受两项补贴；护理补贴各省不一 "
    "(policy-notes §1.1 D3/D4: per-province flag tekun_excludes_nursing).",
    household_notion="none: the 特困 person and his certificate",
    cypher=CYPHER,
    examples=(
        Example(
            name="a 特困 person with an active living subsidy",
            records=(
                b.tekun(P, "MZ530102-000301"),
                b.certificate(P, subsidies=[b.subsidy("LIVING"), b.subsidy("NURSING")]),
            ),
            flags=(Expect((P,)),),
        ),
        Example(
            name="the nursing subsidy alone is kept by default; a stopped living subsidy",
            records=(
                b.tekun(P, "MZ530102-000311"),
                b.certificate(P, subsidies=[b.subsidy("NURSING")]),
                b.tekun(Q, "MZ530102-000312"),
                b.certificate(Q, subsidies=[b.subsidy("LIVING", "STOPPED")]),
            ),
            spared=(P, Q),
        ),
        Example(
            name="where the province excludes nursing too",
            records=(
                b.tekun(P, "MZ530102-000321"),
                b.certificate(P, subsidies=[b.subsidy("NURSING")]),
            ),
            flags=(Expect((P,)),),
            settings={"tekun_excludes_nursing": True},
        ),
    ),
)
