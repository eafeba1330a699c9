"""split.one_family_many_dibao: one poverty-relief household's members covered in two or more 低保 households."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, civil_evidence, lone_qualifier, poverty_evidence

CYPHER = f"""
MATCH (h:CivilHousehold)
WHERE h.dibao_status IN ['active', 'phasing_out'] AND {active_dibao("h")}
  // A lone qualifier (a 单人户 by the single-person route) is not counted.
  AND NOT {lone_qualifier("h")}
MATCH (p:Person)-[c:CIVIL_MEMBER]->(h)
WHERE c.covered
MATCH (p)-[m:POVERTY_MEMBER]->(ph:PovertyHousehold)
WITH ph, collect(DISTINCT h) AS hs, collect({{p: p, m: m, h: h, c: c}}) AS rows
WHERE size(hs) >= 2
RETURN [x IN rows | x.p.id] AS persons,
       ['poverty:' + ph.household_id] + [h IN hs | 'civil:' + h.household_id] AS households,
       [ph.region_code] + [h IN hs | h.region_code] AS regions,
       [x IN rows | {poverty_evidence("ph", "x.m", "member of one poverty-relief household")}]
       + [x IN rows | {civil_evidence("x.h", "x.c")}] AS evidence
"""

H = b.pid("19600101", 113)
W = b.pid("19620202", 124)
S = b.pid("19850303", 135)
D = b.pid("19870404", 146)
L = b.pid("19900505", 157)

RULE = Rule(
    id="split.one_family_many_dibao",
    kind=Kind.SPLIT_HOUSEHOLD,
    severity=Severity.HIGH,
    summary="同一户籍家庭的成员分散在两个以上低保户中（拆户保）\nMembers of one poverty-relief household are covered in two or more dibao households",
    explanation=Explanation(
        what_it_flags="防返贫系统中同一户的成员，分别是两个或以上在保低保家庭的保障成员（单人户不计）。\n"
        "Members of one poverty-relief household are covered members of two or more distinct active 低保 households "
        "(a lone qualifier, a legitimate single-person household, is not counted).",
        why_it_matters="把一个家庭拆成几户分别申请，可以让每户人均收入都低于标准，多领低保（拆户保）。\n"
        "Splitting one family into several applications pushes each part under the standard and raises the total paid.",
        typical_cause="为多享受低保而人为分户；子女成家后分户但仍共同生活。\n"
        "A family split on paper to get more 低保; grown children registered apart while still living together.",
        what_to_do="入户核实是否共同生活，按共同生活家庭重新核算收入和保障人数。\n"
        "Visit and verify who lives together; reassess income and the covered count as one 共同生活 household.",
    ),
    policy_basis="民发〔2021〕57号 共同生活的家庭成员认定 (policy-notes §5.1: 户籍户 vs 共同生活家庭; 拆户保).",
    household_notion="poverty-relief household (户籍户) against active 低保 civil households",
    cypher=CYPHER,
    examples=(
        Example(
            name="a family split into two 低保 households",
            records=(
                b.poverty(
                    "530102001001-1101",
                    [b.pmember(H), b.pmember(W, "配偶"), b.pmember(S, "之子")],
                ),
                b.household("MZ530102-001101", [b.member(H, "02"), b.member(W, "10")]),
                b.household("MZ530102-001102", [b.member(S, "02")], address="翠湖社区青云路14号"),
            ),
            flags=(
                Expect(
                    (H, S, W),
                    ("civil:MZ530102-001101", "civil:MZ530102-001102", "poverty:530102001001-1101"),
                ),
            ),
        ),
        Example(
            name="a lone qualifier beside the family's household is not counted",
            records=(
                b.poverty("530102001001-1111", [b.pmember(H), b.pmember(W, "配偶"), b.pmember(D, "之女")]),
                b.household("MZ530102-001111", [b.member(H, "02"), b.member(W, "10")]),
                b.household("MZ530102-001112", [b.member(D, "02")]),
                b.certificate(D, level=1),
                # One family, one 低保 household: nothing split.
                b.poverty("530102001001-1112", [b.pmember(L)]),
                b.household("MZ530102-001113", [b.member(L, "02")]),
            ),
            spared=(H, W, D, L, "civil:MZ530102-001112", "poverty:530102001001-1111"),
        ),
    ),
)
