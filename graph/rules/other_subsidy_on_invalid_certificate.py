"""other.subsidy_on_invalid_certificate: an ACTIVE subsidy on an EXPIRED or CANCELLED certificate."""

from __future__ import annotations

from datetime import date

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule

CYPHER = """
MATCH (c:Certificate)
WHERE c.status IN ['EXPIRED', 'CANCELLED']
  // An expired certificate inside the renewal window is being renewed: not yet a finding.
  AND NOT (c.status = 'EXPIRED' AND c.valid_until IS NOT NULL
           AND duration.inDays(c.valid_until, $check_date).days < $renewal_window_days)
MATCH (c)-[:HAS_SUBSIDY]->(s:Subsidy)
WHERE s.status = 'ACTIVE' AND s.type IN ['LIVING', 'NURSING']
MATCH (p:Person)-[:HOLDS]->(c)
WITH p, c, collect(s) AS subsidies
WITH p, collect({c: c, subsidies: subsidies}) AS certs
RETURN [p.id] AS persons,
       [] AS households,
       [x IN certs | x.c.region_code] AS regions,
       [x IN certs | {source: 'disability', record_key: x.c.cert_no,
                      facts: {cert_status: x.c.status, cancel_reason: x.c.cancel_reason,
                              valid_until: x.c.valid_until, modified_at: x.c.modified_at,
                              active_subsidies: [s IN x.subsidies | s.type]},
                      note: 'ACTIVE subsidy on a certificate no longer valid'}] AS evidence
"""

P = b.pid("19700101", 113)
Q = b.pid("19710202", 124)
R = b.pid("19720303", 135)
S = b.pid("19730404", 146)

RULE = Rule(
    id="other.subsidy_on_invalid_certificate",
    kind=Kind.OTHER,
    severity=Severity.MEDIUM,
    summary="残疾人证已过期或注销，补贴仍在发放\nAn active disability subsidy on an expired or cancelled certificate",
    explanation=Explanation(
        what_it_flags="生活补贴或护理补贴为“发放中”，而所依据的残疾人证已过期（超过90天换证期）或已注销。\n"
        "An ACTIVE LIVING or NURSING subsidy on a certificate that is EXPIRED (beyond the 90-day renewal window) or CANCELLED.",
        why_it_matters="两项补贴以有效残疾人证为前提，证件失效后应停发。\n"
        "Both subsidies require a valid certificate; once it lapses the payment must stop.",
        typical_cause="证件到期未换领；注销（撤销、死亡）后补贴系统未联动。\n"
        "The certificate was not renewed; a cancellation (revoked, deceased) did not reach the subsidy system.",
        what_to_do="核实证件状态；提醒换证，或停发并追回失效后的补贴。\n"
        "Check the certificate: remind the holder to renew, or stop the subsidy and recover what was paid after it lapsed.",
    ),
    policy_basis="国发〔2015〕52号 两项补贴以持有第二代残疾人证为条件 (policy-notes §2.6).",
    household_notion="none: the certificate and its subsidies",
    cypher=CYPHER,
    examples=(
        Example(
            name="expired half a year ago; revoked",
            records=(
                b.certificate(
                    P, status="EXPIRED", valid_until=date(2026, 5, 1), subsidies=[b.subsidy("LIVING")]
                ),
                b.certificate(
                    Q, status="CANCELLED", cancel_reason="REVOKED", subsidies=[b.subsidy("NURSING")], level=1
                ),
            ),
            flags=(Expect((P,)), Expect((Q,))),
        ),
        Example(
            name="expired within the renewal window; a stopped subsidy; a valid certificate",
            records=(
                b.certificate(
                    R, status="EXPIRED", valid_until=date(2026, 10, 1), subsidies=[b.subsidy("LIVING")]
                ),
                b.certificate(
                    S, status="CANCELLED", cancel_reason="REVOKED", subsidies=[b.subsidy("LIVING", "STOPPED")]
                ),
                b.certificate(P, subsidies=[b.subsidy("LIVING")]),
            ),
            spared=(R, S, P),
        ),
    ),
)
