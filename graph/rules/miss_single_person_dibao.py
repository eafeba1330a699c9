"""miss.single_person_dibao: a severely disabled or gravely ill poverty member who may apply as a 单人户."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import (
    active_dibao,
    certificate_evidence,
    is_active_tekun,
    poverty_evidence,
    rural_standards_in_force,
    single_route_certificate,
    standard_evidence,
)

CYPHER = f"""
{rural_standards_in_force()}
MATCH (ph:PovertyHousehold {{county: county}})
WHERE ph.income_per_capita_year / 12.0 < $single_person_band * std.monthly_standard
  // A poverty-relief household not in 低保: none of its members is covered anywhere.
  AND NOT EXISTS {{
    MATCH (ph)<-[:POVERTY_MEMBER]-(:Person)-[cov:CIVIL_MEMBER]->(ch:CivilHousehold)
    WHERE cov.covered AND {active_dibao("ch")}
  }}
MATCH (p:Person)-[m:POVERTY_MEMBER]->(ph)
WHERE NOT {is_active_tekun("p")}
CALL (p) {{
  MATCH (p)-[:HOLDS]->(c:Certificate)
  WHERE {single_route_certificate("c")}
  RETURN collect(c) AS certs
}}
WITH p, m, ph, std, certs
WHERE size(certs) > 0 OR '患有大病' IN coalesce(m.health, [])
RETURN [p.id] AS persons,
       ['poverty:' + ph.household_id] AS households,
       [ph.region_code] + [c IN certs | c.region_code] AS regions,
       [{poverty_evidence("ph", "m", "in a poverty household not in 低保, income under the single-person band")},
        {standard_evidence("std")}]
       + [c IN certs | {certificate_evidence("c", "qualifies for the single-person route")}] AS evidence
"""

P = b.pid("19750101", 113)  # level-2 certificate
Q = b.pid("19760202", 124)  # 患有大病
H = b.pid("19500303", 135)
M = b.pid("19770404", 146)  # level 3, intellectual
S = b.pid("19780505", 157)  # level 3, physical: not the route
T = b.pid("19480606", 168)

_STANDARD = b.standard("500")  # band: 2 × 500 = 1000 a month = 12000 a year

RULE = Rule(
    id="miss.single_person_dibao",
    kind=Kind.MISSED,
    severity=Severity.LOW,
    summary="重度残疾或重病的低收入家庭成员可按单人户申请低保（提示）\nA severely disabled or gravely ill member of a low-income household may apply for dibao alone (advisory)",
    explanation=Explanation(
        what_it_flags="未纳入低保的防返贫家庭中，持一、二级残疾人证（或三级智力、精神残疾）或健康状况为“患有大病”的成员，"
        "家庭年人均纯收入÷12低于本省单人户收入线（默认农村低保标准的2倍）。\n"
        "In a poverty-relief household not in 低保, a member with a level 1–2 certificate (or level 3 intellectual or mental) or "
        "患有大病, where yearly income per head ÷ 12 is under the province's band (default twice the rural 低保 standard).",
        why_it_matters="收入略高于标准的低收入家庭中的重残、重病人员，可单独纳入低保（单人户），常因不知政策而漏保。\n"
        "Severely disabled or ill members of near-poor households may receive 低保 alone (单人户); many never learn they can.",
        typical_cause="家庭整体收入超过低保标准，基层未告知单人户政策。\n"
        "The household as a whole is above the standard and nobody explained the single-person route.",
        what_to_do="告知政策，本人自愿申请后按单人户审核。此为提示，不是违规。\n"
        "Explain the policy; if the person applies, assess as a single-person household. Advisory, not a breach.",
    ),
    policy_basis="中办发〔2020〕18号 / 民发〔2021〕57号 单人户: 低收入家庭中的重度残疾人、重病患者; band per province "
    "(1.5×, 2×, 3×; policy-notes §5.3).",
    household_notion="poverty-relief household not in 低保 (no member covered in any active 低保 household)",
    cypher=CYPHER,
    examples=(
        Example(
            name="a level-2 holder and a gravely ill member in a near-poor household",
            records=(
                _STANDARD,
                b.poverty(
                    "530102001001-1001",
                    [b.pmember(H), b.pmember(P, "之子"), b.pmember(Q, "之女", health=("患有大病",))],
                    income="9000",
                ),
                b.certificate(P, level=2),
            ),
            flags=(
                Expect((P,), ("poverty:530102001001-1001",)),
                Expect((Q,), ("poverty:530102001001-1001",)),
            ),
            spared=(H,),
        ),
        Example(
            name="level 3 intellectual qualifies, level 3 physical does not",
            records=(
                _STANDARD,
                b.poverty("530102001001-1011", [b.pmember(M), b.pmember(S, "配偶")], income="9000"),
                b.certificate(M, level=3, kind=5),
                b.certificate(S, level=3, kind=4),
            ),
            flags=(Expect((M,), ("poverty:530102001001-1011",)),),
            spared=(S,),
        ),
        Example(
            name="household already in 低保; a 特困 person; income above the band",
            records=(
                _STANDARD,
                b.poverty("530102001001-1021", [b.pmember(H), b.pmember(P, "之子")], income="5000"),
                b.certificate(P, level=1),
                b.household("MZ530102-001021", [b.member(H, "02"), b.member(P, "20", covered=False)]),
                b.poverty("530102001001-1022", [b.pmember(T, health=("患有大病",))], income="5000"),
                b.tekun(T, "MZ530102-001022"),
                b.poverty("530102001001-1023", [b.pmember(Q, health=("患有大病",))], income="13000"),
            ),
            spared=(H, P, T, Q),
        ),
    ),
)
