"""split.padded_household: a covered 低保 member whose own poverty-relief family lives elsewhere (合户保)."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, age_on_check_date, civil_evidence, poverty_evidence

CYPHER = f"""
MATCH (h:CivilHousehold)
WHERE h.dibao_status IN ['active', 'phasing_out'] AND {active_dibao("h")} AND h.address_key IS NOT NULL
MATCH (p:Person)-[c:CIVIL_MEMBER]->(h)
WHERE c.covered
MATCH (p)-[m:POVERTY_MEMBER]->(ph:PovertyHousehold)
WHERE ph.address_key IS NOT NULL AND ph.address_key <> h.address_key
  // Students and minors are often counted where they are supported: not this rule.
  AND coalesce(m.school, '') = ''
  AND NOT coalesce({age_on_check_date("coalesce(p.birth_date, m.birth_date)")} < $adult_age, false)
  // None of his family in the poverty registry is covered in any active 低保 household.
  AND NOT EXISTS {{
    MATCH (ph)<-[:POVERTY_MEMBER]-(q:Person)-[cq:CIVIL_MEMBER]->(qh:CivilHousehold)
    WHERE q <> p AND cq.covered AND {active_dibao("qh")}
  }}
// One finding per 低保 household: every padded person of it, with his poverty household.
WITH h, collect({{p: p, c: c, m: m, ph: ph}}) AS padded
RETURN [x IN padded | x.p.id] AS persons,
       ['civil:' + h.household_id] + [x IN padded | 'poverty:' + x.ph.household_id] AS households,
       [h.region_code] + [x IN padded | x.ph.region_code] AS regions,
       [x IN padded | {civil_evidence("h", "x.c")}]
       + [x IN padded | {poverty_evidence("x.ph", "x.m", "poverty-relief household at another address")}] AS evidence
"""

H = b.pid("19600101", 113)
P = b.pid("19580202", 124)  # padded in
K = b.pid("19620303", 135)  # his wife, at home, not covered
S = b.pid("20050404", 146)  # a student
C = b.pid("20120505", 157)  # a child
J = b.pid("19630606", 168)
Z = b.pid("19640707", 179)

RULE = Rule(
    id="split.padded_household",
    kind=Kind.SPLIT_HOUSEHOLD,
    severity=Severity.MEDIUM,
    summary="低保户中计入了户籍家庭在别处的人员（合户保）\nA covered dibao member whose own family lives at another address and is not covered",
    explanation=Explanation(
        what_it_flags="在保低保家庭的保障成员，其防返贫系统中的户在另一地址，且该户其他成员都不在任何低保户中保障；"
        "学生和未满18岁者除外。每个低保户一条。\n"
        "A covered member of an active 低保 household whose poverty-relief household is at a different address, none of whose "
        "other members is covered anywhere; students and persons under 18 excepted. One finding per 低保 household.",
        why_it_matters="把不共同生活的人计入低保户，会增加保障人数、拉低人均收入，多领低保（合户保）。\n"
        "Counting someone who does not live there raises the household size, lowers income per head and the payment grows.",
        typical_cause="挂靠亲友户头；外出人员仍计入原低保户；录入时成员不实。\n"
        "A person listed with relatives on paper; someone who moved out still counted; untrue member lists.",
        what_to_do="入户核实此人是否在该户共同生活；否则减员并重新核算。\n"
        "Visit and check whether the person lives in the household; if not, remove him and reassess.",
    ),
    policy_basis="民发〔2021〕57号 共同生活的家庭成员 (policy-notes §5.1; 合户保 as the opposite of 拆户保).",
    household_notion="低保 civil household against the member's poverty-relief household (户籍户) and its address",
    cypher=CYPHER,
    params={"adult_age": 18},
    examples=(
        Example(
            name="a man covered in his neighbour's 低保 household while his wife stays at home",
            records=(
                b.household("MZ530102-001301", [b.member(H, "02"), b.member(P, "99")]),
                b.poverty(
                    "530102001001-1301", [b.pmember(P), b.pmember(K, "配偶")], address="翠湖社区青云路40号"
                ),
            ),
            flags=(Expect((P,), ("civil:MZ530102-001301", "poverty:530102001001-1301")),),
            spared=(H, K),
        ),
        Example(
            name="a student, a child; a family also covered elsewhere; the same address",
            records=(
                b.household(
                    "MZ530102-001311",
                    [
                        b.member(H, "02"),
                        b.member(S, "93"),
                        b.member(C, "93"),
                        b.member(J, "70"),
                        b.member(Z, "70"),
                    ],
                ),
                b.poverty("530102001001-1311", [b.pmember(S, school="高中")], address="翠湖社区青云路41号"),
                b.poverty("530102001001-1312", [b.pmember(C, "之子")], address="翠湖社区青云路42号"),
                # J's wife is covered in a 低保 household of her own.
                b.poverty(
                    "530102001001-1313", [b.pmember(J), b.pmember(K, "配偶")], address="翠湖社区青云路43号"
                ),
                b.household("MZ530102-001312", [b.member(K, "02")], address="翠湖社区青云路43号"),
                # Z's poverty household is at the same house.
                b.poverty("530102001001-1314", [b.pmember(Z)]),
            ),
            spared=(S, C, J, Z, K),
        ),
    ),
)
