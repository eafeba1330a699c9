"""dup.temp_aid_repeated: TEMP_AID for one reason, to one person or household, chained within 90 days."""

from __future__ import annotations

from datetime import date

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule, merge_linked

_CLOSE = (
    "b.program = 'TEMP_AID' AND b.key > a.key AND b.reason = a.reason "
    "AND abs(duration.inDays(a.paid_on, b.paid_on).days) <= $temp_aid_interval_days"
)

# One row per pair of payments close enough to chain; the engine's combine hook then
# joins pairs sharing a payment into one chain (connected components), one finding each.
CYPHER = f"""
MATCH (a:Payment)
WHERE a.program = 'TEMP_AID'
CALL (a) {{
  MATCH (a)<-[:RECEIVED]-(:Person)-[:RECEIVED]->(b:Payment)
  WHERE {_CLOSE}
  RETURN b
  UNION
  // The same household: only a real household id links payments (an empty one names nobody).
  MATCH (a)-[:PAYMENT_HOUSEHOLD]->(h:CivilHousehold)<-[:PAYMENT_HOUSEHOLD]-(b:Payment)
  WHERE h.household_id <> '' AND {_CLOSE}
  RETURN b
}}
OPTIONAL MATCH (pa:Person)-[:RECEIVED]->(a)
OPTIONAL MATCH (pb:Person)-[:RECEIVED]->(b)
RETURN [a.key, b.key] AS links,
       [pa.id, pb.id] AS persons,
       [x IN [a.household_id, b.household_id] WHERE x IS NOT NULL AND x <> '' | 'civil:' + x] AS households,
       [a.region_code, b.region_code] AS regions,
       [x IN [a, b] | {{source: 'civil', record_key: x.key,
                      facts: {{program: x.program, reason: x.reason, paid_on: x.paid_on, amount: x.amount,
                              household_id: x.household_id}},
                      note: '临时救助 payment for the same reason'}}] AS evidence
"""

P = b.pid("19780808", 177)
Q = b.pid("19800202", 128)
R = b.pid("19810303", 139)

RULE = Rule(
    id="dup.temp_aid_repeated",
    kind=Kind.DUPLICATE,
    severity=Severity.MEDIUM,
    summary="同一事由短期内重复给予临时救助\nTemporary aid paid again for the same reason within 90 days",
    explanation=Explanation(
        what_it_flags="同一人（或同一户）同一事由的临时救助，相邻两次间隔不超过90天；连续的多次合为一条。\n"
        "TEMP_AID payments to one person or household for the same reason, each within 90 days of the next; a chain is one finding.",
        why_it_matters="临时救助实行一事一救；同一事由反复救助说明困难是持续性的，应转介常态化救助。\n"
        "临时救助 is one aid per event; repeated aid for one reason means a lasting hardship that should be referred to regular aid.",
        typical_cause="同一事由多次申请未查重；家庭成员分别申请。\n"
        "Repeated applications for one event were not checked; family members applied one after another.",
        what_to_do="核实是否为新的事由；同一事由的，停止重复救助并考虑纳入低保或其他专项救助。\n"
        "Check whether each payment had a new cause; if not, stop repeating it and consider 低保 or other aid.",
    ),
    policy_basis="临时救助 一事一救 (国发〔2014〕47号; 六安市民政局: 同一事由重复申请…不予救助), policy-notes §1.1 D11.",
    household_notion="the civil household each payment names (household_id)",
    cypher=CYPHER,
    params={},
    combine=merge_linked,
    examples=(
        Example(
            name="a chain of three, each within 90 days of the next (the first and last 150 days apart)",
            records=(
                b.payment("P-1", P, "MZ530102-000401", date(2026, 3, 1)),
                b.payment("P-2", P, "MZ530102-000401", date(2026, 5, 15)),
                b.payment("P-3", P, "MZ530102-000401", date(2026, 7, 29)),
            ),
            flags=(Expect((P,), ("civil:MZ530102-000401",)),),
        ),
        Example(
            name="two members of one household, same reason, 30 days apart",
            records=(
                b.payment("P-11", Q, "MZ530102-000411", date(2026, 6, 1), "fire"),
                b.payment("P-12", R, "MZ530102-000411", date(2026, 7, 1), "fire"),
            ),
            flags=(Expect((Q, R), ("civil:MZ530102-000411",)),),
        ),
        Example(
            name="other reasons, a long gap, medical aid: not repeated",
            records=(
                b.payment("P-21", P, "MZ530102-000421", date(2026, 3, 1), "illness"),
                b.payment("P-22", P, "MZ530102-000421", date(2026, 3, 20), "fire"),
                b.payment("P-23", P, "MZ530102-000421", date(2026, 9, 1), "illness"),
                b.payment("P-24", Q, "MZ530102-000422", date(2026, 3, 1), program="MEDICAL_AID"),
                b.payment("P-25", Q, "MZ530102-000422", date(2026, 3, 2), program="MEDICAL_AID"),
            ),
            spared=(P, Q),
        ),
    ),
)
