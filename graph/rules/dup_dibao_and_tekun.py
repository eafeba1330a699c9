"""dup.dibao_and_tekun: one person both a covered 低保 member and an active 特困 person."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, active_tekun, civil_evidence, tekun_evidence

CYPHER = f"""
MATCH (t:Tekun)
WHERE t.status = 'active' AND {active_tekun("t")}
MATCH (p:Person)-[:HAS_TEKUN]->(t)
WITH p, collect(t) AS ts
CALL (p) {{
  MATCH (p)-[c:CIVIL_MEMBER]->(h:CivilHousehold)
  WHERE c.covered AND {active_dibao("h")}
  RETURN collect({{h: h, c: c}}) AS cs
}}
WITH p, ts, cs
WHERE size(cs) > 0
CALL (ts) {{
  UNWIND ts AS t
  OPTIONAL MATCH (t)-[:TEKUN_HOUSEHOLD]->(th:CivilHousehold)
  RETURN collect(th.region_code) AS tekun_regions
}}
RETURN [p.id] AS persons,
       [x IN cs | 'civil:' + x.h.household_id] AS households,
       [x IN cs | x.h.region_code] + tekun_regions AS regions,
       [x IN cs | {civil_evidence("x.h", "x.c")}] + [t IN ts | {tekun_evidence("t")}] AS evidence
"""

P = b.pid("19450101", 123)
Q = b.pid("19700303", 211)

RULE = Rule(
    id="dup.dibao_and_tekun",
    kind=Kind.DUPLICATE,
    severity=Severity.HIGH,
    summary="同一人既是在保低保家庭的保障成员又是在册特困人员\nOne person is both a covered member of an active dibao household and an active tekun person",
    explanation=Explanation(
        what_it_flags="同一人同时计入在保低保家庭的保障人数并享受特困供养。\n"
        "A person counted as a covered member of an active 低保 household while also in active 特困 support.",
        why_it_matters="低保与特困是两种基本生活救助，同一人只能享受其一；重复即多领一份基本生活费。\n"
        "低保 and 特困 are alternative basic-living aids: one person on both rolls is paid twice for one need.",
        typical_cause="认定特困后未从低保家庭中减员；两个业务科室各自录入。\n"
        "After 特困 was granted the person was not removed from the 低保 household; two desks keyed the same person.",
        what_to_do="核实后将其从低保保障人数中减去（特困人员可在低保家庭中居住但不计入保障），追回重复部分。\n"
        "Verify, then remove the person from the 低保 count (he may live in the household, not be covered) and recover.",
    ),
    policy_basis="《特困人员认定办法》(2021) 与 民发〔2021〕57号：两种基本生活救助择一；"
    "policy-notes §1.1 D1 (flag the same person only; household co-occurrence is legal).",
    household_notion="低保 civil household; the 特困 record stands alone",
    cypher=CYPHER,
    examples=(
        Example(
            name="covered in 低保 and in 特困",
            records=(
                b.household("MZ530102-000101", [b.member(Q, "02"), b.member(P, "51")]),
                b.tekun(P, "MZ530102-000101"),
            ),
            flags=(Expect((P,), ("civil:MZ530102-000101",)),),
            spared=(Q,),
        ),
        Example(
            name="a 特困 person living in a 低保 household but not covered: legal",
            records=(
                b.household("MZ530102-000111", [b.member(Q, "02"), b.member(P, "51", covered=False)]),
                b.tekun(P, "MZ530102-000111"),
            ),
            spared=(P, Q, "civil:MZ530102-000111"),
        ),
        Example(
            name="a 特困 record that ended",
            records=(
                b.household("MZ530102-000121", [b.member(Q, "02"), b.member(P, "51")]),
                b.tekun(P, "MZ530102-000121", status="ended"),
            ),
            spared=(P,),
        ),
    ),
)
