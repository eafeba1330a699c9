"""other.identity_conflict: one number with different names, birth dates or genders; a certNo not matching its idCard."""

from __future__ import annotations

from datetime import date

from adapters.records import Gender
from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule

# The number as written, as rules.md compares it with certNo: NFKC, spaces removed, upper-cased.
_WRITTEN = "toUpper(replace(normalize({x}, NFKC), ' ', ''))"


def _written(x: str) -> str:
    return _WRITTEN.replace("{x}", x)


CYPHER = f"""
MATCH (p:Person)
CALL (p) {{
  // Records reached through identity resolution carry another number: they are not claims on this one.
  MATCH (p)-[r:CIVIL_MEMBER]->(h:CivilHousehold)
  WHERE NOT coalesce(r.linked, false)
  RETURN 'civil' AS source, h.household_id AS record_key, r.name AS name, r.name_key AS name_key,
         r.gender AS gender, r.birth_date AS born, h.region_code AS region, false AS mismatch
  UNION ALL
  MATCH (p)-[r:POVERTY_MEMBER]->(ph:PovertyHousehold)
  WHERE NOT coalesce(r.linked, false)
  RETURN 'poverty' AS source, coalesce(r.snapshot, ph.snapshot) + ':' + coalesce(toString(r.line), '?') AS record_key,
         r.name AS name, r.name_key AS name_key, r.gender AS gender, r.birth_date AS born,
         ph.region_code AS region, false AS mismatch
  UNION ALL
  MATCH (p)-[r:HOLDS]->(c:Certificate)
  RETURN 'disability' AS source, c.cert_no AS record_key,
         CASE WHEN coalesce(r.linked, false) THEN null ELSE r.name END AS name,
         CASE WHEN coalesce(r.linked, false) THEN null ELSE r.name_key END AS name_key,
         CASE WHEN coalesce(r.linked, false) THEN null ELSE r.gender END AS gender,
         CASE WHEN coalesce(r.linked, false) THEN null ELSE r.birth_date END AS born,
         c.region_code AS region,
         NOT {_written("c.cert_no")} STARTS WITH {_written("c.id_card_raw")} AS mismatch
  UNION ALL
  MATCH (p)-[:HAS_TEKUN]->(t:Tekun)
  // A 特困 record whose own number is another (it followed a link) is not a claim on this one.
  WITH t, {_written("t.raw_id")} AS written
  WHERE written = p.id OR size(written) = 15
  RETURN 'civil' AS source, coalesce(t.record_key, t.key) AS record_key, t.name AS name, t.name_key AS name_key,
         null AS gender, null AS born, null AS region, false AS mismatch
  UNION ALL
  MATCH (p)-[:MEDICAL]->(m:MedicalAnswer)
  WHERE m.found AND m.name_key IS NOT NULL
  RETURN 'medical' AS source, m.record_key AS record_key, m.name AS name, m.name_key AS name_key,
         null AS gender, null AS born, null AS region, false AS mismatch
}}
WITH p, collect({{source: source, record_key: record_key, name: name, name_key: name_key, gender: gender,
                 born: born, region: region, mismatch: mismatch}}) AS claims,
     collect(DISTINCT name_key) AS names, collect(DISTINCT gender) AS genders, collect(DISTINCT born) AS births
WHERE size(names) > 1 OR size(genders) > 1 OR size(births) > 1 OR any(x IN claims WHERE x.mismatch)
RETURN [p.id] AS persons,
       [] AS households,
       [x IN claims | x.region] AS regions,
       [x IN claims | {{source: x.source, record_key: x.record_key,
                       facts: {{name: x.name, gender: x.gender, birth_date: x.born,
                               cert_matches_id_card: NOT x.mismatch}},
                       note: 'what this record says of the number'}}] AS evidence
"""

P = b.pid("19800101", 113)
Q = b.pid("19810202", 124)
R = b.pid("19820303", 135)
S = b.pid("19830404", 146)
T = b.pid("19840505", 157)
U = b.pid("19850606", 168)

RULE = Rule(
    id="other.identity_conflict",
    kind=Kind.OTHER,
    severity=Severity.MEDIUM,
    summary="同一身份证号在各系统中姓名、出生日期或性别不一致，或残疾人证号与身份证号不符\nOne ID number carried with different names, birth dates or genders, or a certificate number not matching its ID",
    explanation=Explanation(
        what_it_flags="同一规范化身份证号，在同一系统或不同系统（含特困记录和医保答复）中，姓名（繁简、空格、分隔符归一后）、"
        "出生日期或性别不同；或残疾人证号不以其登记的身份证号（NFKC、去空格、大写后）开头。\n"
        "One normalised ID number carried with names that are not the same (after folding), different birth dates or genders, "
        "within one source or across sources including 特困 records and medical answers; or a certNo that does not begin "
        "with its idCard as written (NFKC, spaces removed, upper-cased).",
        why_it_matters="身份不一致可能是冒用他人身份领取救助，也会使跨部门比对失准。\n"
        "A conflicting identity may be someone drawing aid on another's number, and it makes every cross-check unreliable.",
        typical_cause="录入错误、旧证号、代办人信息误填；冒名顶替。\n"
        "Keying errors, an old number, an agent's details entered by mistake; impersonation.",
        what_to_do="以公安户籍信息为准核对身份，更正错误的一方；确属冒用的移交处理。\n"
        "Check against the 公安 hukou record, correct the wrong source, and refer impersonation for action.",
    ),
    policy_basis="GB 11643-1999 公民身份号码; 第二代残疾人证号 = 身份证号 + 类别 + 等级 (policy-notes §2.6, §2.11).",
    household_notion="none: every record that names the number",
    cypher=CYPHER,
    examples=(
        Example(
            name="a different name in the poverty registry; a different birth date on a certificate; a certNo of another",
            records=(
                b.household("MZ530102-001701", [b.member(P, "02"), b.member(Q, "10"), b.member(R, "20")]),
                b.poverty("530102001001-1701", [b.pmember(P, name="王小明")]),
                b.certificate(Q, born=date(1981, 2, 3)),
                b.certificate(R, cert_no=f"{S}44"),
            ),
            flags=(Expect((P,)), Expect((Q,)), Expect((R,))),
        ),
        Example(
            name="a traditional-character name is the same name; a gender conflict; a 15-digit idCard is not widened",
            records=(
                b.household("MZ530102-001711", [b.member(S, "02", name="陈国华")]),
                b.medical(S, b.insurance(), name="陳 国华"),
                b.household("MZ530102-001712", [b.member(T, "02", gender=Gender.FEMALE)]),
                b.certificate(T),
                b.certificate(U, id_card=f"{U[:6]}{U[8:17]}"),
            ),
            flags=(Expect((T,)), Expect((U,))),
            spared=(S,),
        ),
    ),
)
