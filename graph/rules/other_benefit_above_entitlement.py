"""other.benefit_above_entitlement: a 低保 household paid more than its standard, income and members allow."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, age_on_check_date

CYPHER = f"""
MATCH (h:CivilHousehold)
WHERE h.dibao_status IN ['active', 'phasing_out'] AND {active_dibao("h")}
MATCH (p:Person)-[c:CIVIL_MEMBER]->(h)
WHERE c.covered
WITH h, p, c, {age_on_check_date("coalesce(p.birth_date, c.birth_date)")} AS age
WITH h, p, c, age,
     coalesce(age >= $special_old_age OR age < $special_young_age, false)
       OR EXISTS {{
         MATCH (p)-[:HOLDS]->(k:Certificate)
         WHERE k.status = 'VALID' AND k.disability_level IN [1, 2]
       }} AS special
WITH h, count(p) AS covered, sum(CASE WHEN special THEN 1 ELSE 0 END) AS specials,
     collect({{id: p.id, age: age, special: special}}) AS members
WITH h, covered, specials, members,
     (h.dibao_standard - h.dibao_income) * covered
       + $special_member_extra * h.dibao_standard * specials AS entitled
WHERE h.dibao_amount > entitled + $amount_tolerance
RETURN [] AS persons,
       ['civil:' + h.household_id] AS households,
       [h.region_code] AS regions,
       [{{source: 'civil', record_key: h.household_id,
         facts: {{dibao_status: h.dibao_status, monthly_amount: h.dibao_amount, standard: h.dibao_standard,
                 per_capita_income: h.dibao_income, covered_members: covered, special_members: specials,
                 entitled: entitled}},
         note: 'paid above (standard − income) × covered members + special-member extra'}}] AS evidence
"""

H = b.pid("19800101", 113)
W = b.pid("19820202", 124)
K = b.pid("20150303", 135)  # 11 years old: special
G = b.pid("19500404", 146)  # 76 years old: special

RULE = Rule(
    id="other.benefit_above_entitlement",
    kind=Kind.OTHER,
    severity=Severity.MEDIUM,
    summary="低保金高于按差额计算的应发金额\nA dibao household is paid more than its standard, income and members allow",
    explanation=Explanation(
        what_it_flags="在保低保家庭的月低保金，超过（本户保障标准 − 本户人均收入）× 保障人数，再加特殊成员增发"
        "（默认每名60岁以上、16岁以下或一二级残疾的保障成员加标准的20%）超过1元。\n"
        "An active 低保 household paid more than (its standard − its per-capita income) × covered members plus the "
        "special-member extra (default 20% of the standard for each covered member 60+, under 16, or level 1–2 disabled), "
        "by more than 1 yuan.",
        why_it_matters="低保按差额发放，超额即多发。\n"
        "低保 pays the gap to the standard: anything above it is overpaid.",
        typical_cause="减员或收入增加后未调整金额；标准调整时计算错误；分档施保档次过高。\n"
        "The amount was not adjusted after a member left or income rose; a wrong recalculation when the standard changed.",
        what_to_do="重新核算金额，调整发放并追回多发部分（分档施保地区按本地档次核对）。\n"
        "Recalculate, correct the payment and recover the excess (where payment is by bands, check against the local band).",
    ),
    policy_basis="国务院令第649号《社会救助暂行办法》: 按人均收入低于标准的差额按月发给; 民发〔2021〕57号 第二十三条 差额或分档 "
    "(policy-notes §2.8).",
    household_notion="低保 civil household (its own standard, income and covered members)",
    cypher=CYPHER,
    params={"special_old_age": 60, "special_young_age": 16, "amount_tolerance": 1.0},
    examples=(
        Example(
            name="two covered adults paid for three",
            records=(
                b.household(
                    "MZ530102-001601",
                    [b.member(H, "02"), b.member(W, "10")],
                    b.dibao(amount="1710.00", income="180.00", standard="750.00"),
                ),
            ),
            flags=(Expect((), ("civil:MZ530102-001601",)),),
        ),
        Example(
            name="the extra for a child and an old parent; within 1 yuan; a member listed but not covered",
            records=(
                # (750 − 180) × 4 + 0.2 × 750 × 2 = 2280 + 300 = 2580
                b.household(
                    "MZ530102-001611",
                    [b.member(H, "02"), b.member(W, "10"), b.member(K, "20"), b.member(G, "51")],
                    b.dibao(amount="2580.00", income="180.00", standard="750.00"),
                ),
                # (750 − 180) × 1 = 570, paid 570.80
                b.household(
                    "MZ530102-001612",
                    [
                        b.member(b.pid("19850505", 157), "02"),
                        b.member(b.pid("19860606", 168), "10", covered=False),
                    ],
                    b.dibao(amount="570.80", income="180.00", standard="750.00"),
                ),
            ),
            spared=("civil:MZ530102-001611", "civil:MZ530102-001612"),
        ),
    ),
)
