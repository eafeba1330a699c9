"""other.deceased_paid: a person recorded as deceased still paid more than 31 days after death."""

from __future__ import annotations

from datetime import date, datetime

from adapters.normalise import CST
from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, active_tekun, civil_evidence, tekun_evidence

CYPHER = f"""
CALL () {{
  MATCH (m:MedicalAnswer)
  WHERE m.deceased
  MATCH (p:Person)-[:MEDICAL]->(m)
  RETURN p
  UNION
  MATCH (c:Certificate)
  WHERE c.status = 'CANCELLED' AND c.cancel_reason = 'DECEASED'
  MATCH (p:Person)-[:HOLDS]->(c)
  RETURN p
}}
// Each CALL aggregates without grouping: one row even when nothing matches.
CALL (p) {{
  MATCH (p)-[:MEDICAL]->(m:MedicalAnswer)
  WHERE m.deceased
  // No medical death date: the check date (rules.md, Terms: Deceased).
  RETURN min(coalesce(m.death_date, $check_date)) AS medical_death,
         collect(m) AS answers
}}
CALL (p) {{
  MATCH (p)-[:HOLDS]->(c:Certificate)
  WHERE c.status = 'CANCELLED' AND c.cancel_reason = 'DECEASED'
  RETURN min(date(c.modified_at)) AS certificate_death, collect(c) AS cancelled
}}
// Where both say so, the medical date wins.
WITH p, answers, cancelled, coalesce(medical_death, certificate_death) AS died
WHERE duration.inDays(died, $check_date).days > $death_grace_days
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
CALL (p) {{
  MATCH (p)-[:HOLDS]->(k:Certificate)-[:HAS_SUBSIDY]->(s:Subsidy)
  WHERE s.status = 'ACTIVE'
  RETURN collect({{k: k, s: s}}) AS subsidies
}}
WITH p, answers, cancelled, died, cs, ts, subsidies
WHERE size(cs) > 0 OR size(ts) > 0 OR size(subsidies) > 0
RETURN [p.id] AS persons,
       [x IN cs | 'civil:' + x.h.household_id] AS households,
       [x IN cs | x.h.region_code] + [x IN subsidies | x.k.region_code] + [c IN cancelled | c.region_code] AS regions,
       [m IN answers | {{source: 'medical', record_key: m.record_key,
                        facts: {{deceased: m.deceased, death_date: m.death_date, death_date_used: died}},
                        note: 'recorded as deceased'}}]
       + [c IN cancelled | {{source: 'disability', record_key: c.cert_no,
                            facts: {{cert_status: c.status, cancel_reason: c.cancel_reason, modified_at: c.modified_at,
                                    death_date_used: died}},
                            note: 'certificate cancelled: holder deceased'}}]
       + [x IN cs | {civil_evidence("x.h", "x.c", "still covered in an active 低保 household")}]
       + [t IN ts | {tekun_evidence("t", "still an active 特困 person")}]
       + [x IN subsidies | {{source: 'disability', record_key: x.k.cert_no,
                            facts: {{subsidy: x.s.type, subsidy_status: x.s.status, monthly_amount: x.s.monthly_amount}},
                            note: 'still an ACTIVE disability subsidy'}}] AS evidence
"""

P = b.pid("19400101", 113)
T = b.pid("19410202", 124)
D = b.pid("19420303", 135)
R = b.pid("19430404", 146)
N = b.pid("19440505", 157)
H = b.pid("19700606", 168)

RULE = Rule(
    id="other.deceased_paid",
    kind=Kind.OTHER,
    severity=Severity.HIGH,
    summary="已死亡人员仍在享受低保、特困或残疾人补贴\nA person recorded as deceased is still paid more than 31 days after death",
    explanation=Explanation(
        what_it_flags="医保记录死亡、或残疾人证因死亡注销的人，死亡超过31天后仍是在保低保家庭保障成员、在册特困人员，"
        "或仍有“发放中”的残疾人补贴。医保死亡日期优先。\n"
        "A person the medical platform records as deceased, or whose certificate was cancelled for death, who more than "
        "31 days after the death is still covered by 低保, in 特困 support, or paid a disability subsidy. The medical date wins.",
        why_it_matters="死亡后继续发放属于冒领，应停发并追回。\n"
        "Payments after death are improper and must be stopped and recovered.",
        typical_cause="殡葬、公安户口注销信息未推送民政和残联；家属未报告。\n"
        "Death and 户口注销 data never reached civil affairs or the disability federation; relatives did not report.",
        what_to_do="核实死亡事实和日期，停发并追回死亡次月起的款项，调整低保家庭保障人数。\n"
        "Confirm the death and its date, stop payment, recover from the month after death, adjust the 低保 household.",
    ),
    policy_basis="《特困人员认定办法》第二十四条 (死亡即终止); 民发〔2021〕57号 动态管理 (policy-notes §2.9, §4.2 death data).",
    household_notion="低保 civil household; the 特困 roll; disability subsidies",
    cypher=CYPHER,
    examples=(
        Example(
            name="medical death in August, still covered, still 特困, still subsidised",
            records=(
                b.household("MZ530102-001401", [b.member(H, "02"), b.member(P, "51")]),
                b.medical(P, found=True, deceased=True, death_date=date(2026, 8, 1)),
                b.tekun(T, "MZ530102-001402"),
                b.certificate(
                    T,
                    status="CANCELLED",
                    cancel_reason="DECEASED",
                    modified_at=datetime(2026, 6, 3, 9, 0, tzinfo=CST),
                ),
                b.certificate(D, level=1, subsidies=[b.subsidy("NURSING")]),
                b.medical(D, found=True, deceased=True, death_date=date(2026, 9, 1)),
            ),
            flags=(Expect((P,), ("civil:MZ530102-001401",)), Expect((T,)), Expect((D,))),
            spared=(H,),
        ),
        Example(
            name="within 31 days; the medical date wins over an older certificate date; no date at all; stopped",
            records=(
                b.household("MZ530102-001411", [b.member(H, "02"), b.member(P, "51"), b.member(R, "52")]),
                b.medical(P, found=True, deceased=True, death_date=date(2026, 11, 1)),
                b.medical(R, found=True, deceased=True, death_date=date(2026, 11, 10)),
                b.certificate(
                    R,
                    status="CANCELLED",
                    cancel_reason="DECEASED",
                    modified_at=datetime(2026, 1, 5, 9, 0, tzinfo=CST),
                ),
                b.tekun(N, "MZ530102-001412"),
                b.medical(N, found=True, deceased=True),
                b.certificate(
                    D,
                    status="CANCELLED",
                    cancel_reason="DECEASED",
                    modified_at=datetime(2026, 2, 1, 9, 0, tzinfo=CST),
                    subsidies=[b.subsidy("NURSING", "STOPPED")],
                ),
            ),
            spared=(P, R, N, D, H),
        ),
    ),
)
