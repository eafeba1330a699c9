"""miss.unable_to_work_not_covered: a poverty member unable to work, in a poor household, in neither 低保 nor 特困."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import (
    age_on_check_date,
    covered_in_active_dibao,
    is_active_tekun,
    poverty_evidence,
    rural_standards_in_force,
    standard_evidence,
)

CYPHER = f"""
{rural_standards_in_force()}
// Poverty-relief households count as rural (poverty-relief.md).
MATCH (ph:PovertyHousehold {{county: county}})
WHERE ph.income_per_capita_year < 12 * std.monthly_standard
MATCH (p:Person)-[m:POVERTY_MEMBER]->(ph)
WHERE m.labour_skill IN $unable_skills
  AND NOT {covered_in_active_dibao("p")}
  AND NOT {is_active_tekun("p")}
WITH p, m, ph, std,
     coalesce({age_on_check_date("coalesce(p.birth_date, m.birth_date)")} < $child_age, false)
       OR coalesce(m.school, '') <> '' AS dependant
// A child or student with a working parent in the household: the household is the unit.
WHERE NOT (dependant AND EXISTS {{
  MATCH (q:Person)-[w:POVERTY_MEMBER]->(ph)
  WHERE q <> p AND w.relation IN coalesce($parent_relations[m.relation], [])
    AND w.labour_skill IN $working_skills
}})
RETURN [p.id] AS persons,
       ['poverty:' + ph.household_id] AS households,
       [ph.region_code] AS regions,
       [{poverty_evidence("ph", "m", "unable to work; neither 低保 nor 特困")}, {standard_evidence("std")}] AS evidence
"""

PARENTS = {
    "SON": ["HEAD", "SPOUSE"],
    "DAUGHTER": ["HEAD", "SPOUSE"],
    "GRANDSON": ["SON", "DAUGHTER", "DAUGHTER_IN_LAW", "SON_IN_LAW"],
    "GRANDDAUGHTER": ["SON", "DAUGHTER", "DAUGHTER_IN_LAW", "SON_IN_LAW"],
    "HEAD": ["FATHER", "MOTHER"],
}
"""Working parent of a member, by relation to the head (rules.md, Terms)."""

HEAD = b.pid("19600101", 113)
SICK = b.pid("19650505", 124)  # the spouse, 丧失劳动力
CHILD = b.pid("20180303", 135)  # 无劳动力, 8 years old
OLD = b.pid("19400202", 146)
COVERED = b.pid("19700101", 157)

_STANDARD = b.standard("500")  # 12 × 500 = 6000 a year

RULE = Rule(
    id="miss.unable_to_work_not_covered",
    kind=Kind.MISSED,
    severity=Severity.HIGH,
    summary="无劳动能力的低收入脱贫（监测）人口未纳入低保或特困\nA poverty-registry member unable to work, in a low-income household, is in neither dibao nor tekun",
    explanation=Explanation(
        what_it_flags="防返贫系统中劳动技能为“丧失劳动力”或“无劳动力”的成员，家庭年人均纯收入低于当地农村低保月标准的12倍，"
        "但既不是在保低保家庭的保障成员，也不是特困人员。\n"
        "A poverty-relief member who has lost or has no labour capacity, in a household whose yearly income per head is below "
        "twelve months of the rural 低保 standard, who is neither covered by 低保 nor in 特困 support.",
        why_it_matters="无劳动能力、收入低于标准的人是兜底保障的首要对象，应保未保。\n"
        "People unable to work and below the standard are the first the safety net must reach: entitled and not reached.",
        typical_cause="两项制度衔接不畅，乡村振兴与民政名单未比对；本人或家庭未申请。\n"
        "The poverty-relief and 低保 lists were never compared; the family did not apply.",
        what_to_do="入户核实收入和劳动能力，符合条件的引导申请低保（或单人户、特困）。\n"
        "Visit, verify income and capacity, and help the family apply for 低保 (or single-person 低保, or 特困).",
    ),
    policy_basis="国办发〔2016〕70号 农村低保与扶贫开发衔接；中办发〔2020〕18号 社会救助改革 (policy-notes §0, §2.7: "
    "劳动技能 values; 年人均纯收入 is an estimate, hence a suspect only).",
    household_notion="poverty-relief household (户籍户), compared with any active 低保 household and the 特困 roll",
    cypher=CYPHER,
    params={
        "unable_skills": ["丧失劳动力", "无劳动力"],
        "working_skills": ["技能劳动力", "普通劳动力", "弱劳动力或半劳动力"],
        "child_age": 16,
        "parent_relations": PARENTS,
    },
    examples=(
        Example(
            name="a spouse unable to work in a poor household, not covered",
            records=(
                _STANDARD,
                b.poverty(
                    "530102001001-0001",
                    [b.pmember(HEAD), b.pmember(SICK, "配偶", skill="丧失劳动力")],
                    income="4000",
                ),
            ),
            flags=(Expect((SICK,), ("poverty:530102001001-0001",)),),
            spared=(HEAD,),
        ),
        Example(
            name="a child with a working parent; a member already in 低保; income above the line",
            records=(
                _STANDARD,
                b.poverty(
                    "530102001001-0002",
                    [
                        b.pmember(HEAD),
                        b.pmember(CHILD, "之子", skill="无劳动力", school="小学"),
                        b.pmember(COVERED, "之女", skill="丧失劳动力"),
                    ],
                    income="4000",
                ),
                b.household("MZ530102-000501", [b.member(COVERED, "02")]),
                b.poverty("530102001001-0003", [b.pmember(OLD, skill="无劳动力")], income="7000"),
            ),
            spared=(HEAD, CHILD, COVERED, OLD),
        ),
        Example(
            name="a child whose parents cannot work is flagged; so is the old head",
            records=(
                _STANDARD,
                b.poverty(
                    "530102001001-0004",
                    [b.pmember(OLD, skill="无劳动力"), b.pmember(CHILD, "之孙子", skill="无劳动力")],
                    income="3000",
                ),
            ),
            flags=(
                Expect((OLD,), ("poverty:530102001001-0004",)),
                Expect((CHILD,), ("poverty:530102001001-0004",)),
            ),
        ),
    ),
)
