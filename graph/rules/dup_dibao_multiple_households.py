"""dup.dibao_multiple_households: one person covered in two or more active 低保 households."""

from __future__ import annotations

from datetime import date

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule
from graph.terms import active_dibao, civil_evidence

CYPHER = f"""
MATCH (h:CivilHousehold)
WHERE h.dibao_status IN ['active', 'phasing_out'] AND {active_dibao("h")}
MATCH (p:Person)-[c:CIVIL_MEMBER]->(h)
WHERE c.covered
WITH p, collect({{h: h, c: c}}) AS cs
WHERE size(cs) >= 2
  // A move in progress: exactly two, one phasing out, the other started within the window.
  AND NOT (size(cs) = 2 AND any(i IN [0, 1] WHERE cs[i].h.dibao_status = 'phasing_out'
       AND duration.inDays(cs[1 - i].h.dibao_start, $check_date).days < $move_window_days))
RETURN [p.id] AS persons,
       [x IN cs | 'civil:' + x.h.household_id] AS households,
       [x IN cs | x.h.region_code] AS regions,
       [x IN cs | {civil_evidence("x.h", "x.c")}] AS evidence
"""

P = b.pid("19800101", 123)
Q = b.pid("19750505", 211)
R = b.pid("19900909", 315)

RULE = Rule(
    id="dup.dibao_multiple_households",
    kind=Kind.DUPLICATE,
    severity=Severity.HIGH,
    summary="同一人同时是两个以上在保低保家庭的保障成员\nOne person is a covered member of two or more active dibao households",
    explanation=Explanation(
        what_it_flags="同一身份证号在两个或以上在保低保家庭中被计为保障成员（同县或跨县）。\n"
        "A person counted as a covered member in two or more active 低保 households, in one county or several.",
        why_it_matters="低保以家庭为单位按差额发放，一人重复计入就重复领取。\n"
        "低保 is paid per household on the gap to the standard; a person counted twice is paid twice.",
        typical_cause="迁居后原户未停保、分户后未调整成员、录入错误。\n"
        "A move where the old household was not stopped, a household split without updating members, a keying error.",
        what_to_do="核实实际共同生活的家庭，在另一户中取消保障并追回多发金额。\n"
        "Verify which household the person lives in, remove him from the other and recover the overpayment.",
    ),
    policy_basis="民发〔2021〕57号《最低生活保障审核确认办法》第五条（户籍地申请，一处享受）；"
    "policy-notes §1.1 D10 (same ID on two rolls; allow about a month for a move).",
    household_notion="低保 civil household (the 共同生活家庭 of 民政)",
    cypher=CYPHER,
    examples=(
        Example(
            name="covered in two active households, one in another county",
            records=(
                b.household("MZ530102-000001", [b.member(P, "02")]),
                b.household("MZ530103-000002", [b.member(Q, "02"), b.member(P, "10")], region="530103002003"),
            ),
            flags=(Expect((P,), ("civil:MZ530102-000001", "civil:MZ530103-000002")),),
            spared=(Q,),
        ),
        Example(
            name="a move in progress; listed but not covered; an ended household",
            records=(
                # P moves: old household phasing out, new one started 10 days ago.
                b.household("MZ530102-000011", [b.member(P, "02")], b.dibao("phasing_out")),
                b.household("MZ530102-000012", [b.member(P, "02")], b.dibao(start=date(2026, 11, 13))),
                # Q is listed in a second household but not covered there.
                b.household("MZ530102-000013", [b.member(Q, "02")]),
                b.household("MZ530102-000014", [b.member(R, "02"), b.member(Q, "20", covered=False)]),
                # R's second household's 低保 ended.
                b.household("MZ530102-000015", [b.member(R, "02")], b.dibao("ended")),
            ),
            spared=(P, Q, R),
        ),
        Example(
            name="phasing out but the new household started long ago is not a move",
            records=(
                b.household("MZ530102-000021", [b.member(P, "02")], b.dibao("phasing_out")),
                b.household("MZ530102-000022", [b.member(P, "02")], b.dibao(start=date(2026, 9, 1))),
            ),
            flags=(Expect((P,), ("civil:MZ530102-000021", "civil:MZ530102-000022")),),
        ),
    ),
)
