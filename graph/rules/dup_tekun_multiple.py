"""dup.tekun_multiple: one person with two active 特困 records."""

from __future__ import annotations

from datetime import date

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_tekun, tekun_evidence

CYPHER = f"""
MATCH (t:Tekun)
WHERE t.status = 'active' AND {active_tekun("t")}
MATCH (p:Person)-[:HAS_TEKUN]->(t)
WITH p, collect(t) AS ts
WHERE size(ts) >= 2
CALL (ts) {{
  UNWIND ts AS t
  OPTIONAL MATCH (t)-[:TEKUN_HOUSEHOLD]->(th:CivilHousehold)
  RETURN collect(th.region_code) AS regions
}}
RETURN [p.id] AS persons,
       [t IN ts | 'civil:' + t.household_id] AS households,
       regions,
       [t IN ts | {tekun_evidence("t")}] AS evidence
"""

P = b.pid("19400404", 131)
Q = b.pid("19420606", 151)

RULE = Rule(
    id="dup.tekun_multiple",
    kind=Kind.DUPLICATE,
    severity=Severity.HIGH,
    summary="同一人有两条在册特困供养记录\nOne person has two active tekun records",
    explanation=Explanation(
        what_it_flags="同一身份证号有两条或以上在有效期内的特困供养记录。\n"
        "Two or more active 特困 support records carry the same person's number.",
        why_it_matters="特困供养按人发放，两条记录即两份供养金。\n"
        "特困 support is paid per person: two records are two payments.",
        typical_cause="户籍迁移后两地各自认定；供养方式变更（分散转集中）时旧记录未终止。\n"
        "Registered in two places after a move; a change of support mode (scattered to centralized) left the old record open.",
        what_to_do="核实供养地，终止多余记录并追回重复发放。\n"
        "Verify where the person is supported, end the extra record and recover the double payment.",
    ),
    policy_basis="《特困人员认定办法》(2021) 第二十四条（终止情形）；policy-notes §1.1 D10, §2.9.",
    household_notion="特困 records (each names the civil household it is filed under)",
    cypher=CYPHER,
    examples=(
        Example(
            name="two active records in two households",
            records=(
                b.tekun(P, "MZ530102-000201"),
                b.tekun(P, "MZ530103-000202", start=date(2023, 3, 1)),
            ),
            flags=(Expect((P,), ("civil:MZ530102-000201", "civil:MZ530103-000202")),),
        ),
        Example(
            name="an ended record beside the active one; one not yet started",
            records=(
                b.tekun(Q, "MZ530102-000211", status="ended", end=date(2022, 12, 31)),
                b.tekun(Q, "MZ530102-000212", start=date(2023, 1, 1)),
                b.tekun(P, "MZ530102-000213"),
                b.tekun(P, "MZ530102-000214", start=date(2027, 1, 1)),
            ),
            spared=(P, Q),
        ),
    ),
)
