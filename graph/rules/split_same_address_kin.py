"""split.same_address_kin: active 低保 households at one address linked by close kin (one finding per group)."""

from __future__ import annotations

from graph.hits import Kind, Severity
from graph.rules import _build as b
from graph.rules._rule import Example, Expect, Explanation, Rule, merge_linked
from graph.terms import active_dibao, civil_evidence, lone_qualifier


def _counted(h: str) -> str:
    """A counted household: active 低保 and not a lone qualifier."""
    return f"{active_dibao(h)} AND NOT {lone_qualifier(h)}"


# One row per pair of counted households at one address with close kin covered in each;
# the combine hook joins pairs sharing a household into linked groups.
CYPHER = f"""
MATCH (h1:CivilHousehold)
WHERE h1.dibao_status IN ['active', 'phasing_out'] AND h1.address_key IS NOT NULL
  AND {_counted("h1")}
MATCH (p1:Person)-[c1:CIVIL_MEMBER]->(h1)
WHERE c1.covered
CALL (p1) {{
  // Close kin by a civil listing of any status: the head with spouse, child or parent.
  MATCH (p1)-[a:CIVIL_MEMBER]->(x:CivilHousehold)<-[k:CIVIL_MEMBER]-(kin:Person)
  WHERE kin <> p1 AND ((a.relation = 'HEAD' AND k.relation IN $civil_kin)
                       OR (k.relation = 'HEAD' AND a.relation IN $civil_kin))
  RETURN kin, 'civil' AS via_source, x.household_id AS via, a.relation + '/' + k.relation AS pair
  UNION
  // Or by the poverty-relief relation words.
  MATCH (p1)-[a:POVERTY_MEMBER]->(x:PovertyHousehold)<-[k:POVERTY_MEMBER]-(kin:Person)
  WHERE kin <> p1 AND (a.relation + '|' + k.relation IN $poverty_kin
    OR (a.relation + '|' + k.relation IN $in_law_kin
        AND COUNT {{ (x)<-[i:POVERTY_MEMBER]-(:Person) WHERE i.relation = a.relation }} = 1
        AND COUNT {{ (x)<-[i:POVERTY_MEMBER]-(:Person) WHERE i.relation = k.relation }} = 1))
  RETURN kin, 'poverty' AS via_source, x.household_id AS via, a.relation_word + '/' + k.relation_word AS pair
}}
MATCH (kin)-[c2:CIVIL_MEMBER]->(h2:CivilHousehold)
WHERE c2.covered AND h2.key > h1.key AND h2.address_key = h1.address_key
  AND h2.dibao_status IN ['active', 'phasing_out'] AND {_counted("h2")}
WITH h1, h2, collect(DISTINCT {{source: via_source, record_key: via,
                               facts: {{person: p1.id, kin: kin.id, relations: pair}},
                               note: 'close kin'}}) AS kin_evidence
RETURN [h1.key, h2.key] AS links,
       [(x:Person)-[cx:CIVIL_MEMBER]->(h1) WHERE cx.covered | x.id]
       + [(x:Person)-[cx:CIVIL_MEMBER]->(h2) WHERE cx.covered | x.id] AS persons,
       ['civil:' + h1.household_id, 'civil:' + h2.household_id] AS households,
       [h1.region_code, h2.region_code] AS regions,
       [{civil_evidence("h1", note="active 低保 household at the address")},
        {civil_evidence("h2", note="active 低保 household at the address")}] + kin_evidence AS evidence
"""

CIVIL_KIN = ["SPOUSE", "SON", "DAUGHTER", "FATHER", "MOTHER", "PARENT"]
_POVERTY_PAIRS = [
    ("HEAD", "SPOUSE"),
    ("HEAD", "SON"),
    ("HEAD", "DAUGHTER"),
    ("HEAD", "FATHER"),
    ("HEAD", "MOTHER"),
    ("SPOUSE", "SON"),
    ("SPOUSE", "DAUGHTER"),
    ("FATHER", "MOTHER"),
]
_IN_LAW_PAIRS = [("DAUGHTER_IN_LAW", "SON"), ("SON_IN_LAW", "DAUGHTER")]


def _both_ways(pairs: list[tuple[str, str]]) -> list[str]:
    return sorted({f"{a}|{b}" for a, b in pairs} | {f"{b}|{a}" for a, b in pairs})


F = b.pid("19500101", 113)  # father
M = b.pid("19520202", 124)  # mother
S = b.pid("19780303", 135)  # son
W = b.pid("19800404", 146)  # son's wife
G = b.pid("19820505", 157)  # daughter
N = b.pid("19830606", 168)  # neighbour, no kin
L = b.pid("19600707", 179)  # lone qualifier
X = b.pid("19640808", 181)
Y = b.pid("19660909", 192)

_ADDR = "翠湖社区青云路12号"

RULE = Rule(
    id="split.same_address_kin",
    kind=Kind.SPLIT_HOUSEHOLD,
    severity=Severity.HIGH,
    summary="同一地址的多个低保户由近亲属相连（拆户保）\nActive dibao households at one address linked by close kin",
    explanation=Explanation(
        what_it_flags="同一地址（同一村居代码、同一门牌）有两个或以上在保低保家庭，其保障成员之间是配偶或父母子女关系，"
        "直接或经由其他户相连；每个相连的户组一条。单人户不计。\n"
        "Two or more active 低保 households at the same address whose covered members are spouses or parent and child, "
        "directly or through one another; one finding per linked group. Lone qualifiers are not counted.",
        why_it_matters="同住的近亲属本应作为一个共同生活家庭核算，分开申请可多领低保。\n"
        "Close kin under one roof form one 共同生活 household; separate applications raise what is paid.",
        typical_cause="老人与子女分户各自申请；夫妻分户。\n"
        "Parents and grown children, or a couple, registered as separate households at one house.",
        what_to_do="入户核实是否共同生活；是则合并核算，否则（如分灶另居）记录核实结论。\n"
        "Visit: if they live together, assess them as one household; if not (separate kitchens), record the finding.",
    ),
    policy_basis="民发〔2021〕57号 共同生活的家庭成员 (配偶、父母、子女); GB/T 4761 relation codes (policy-notes §2.3, §5.1).",
    household_notion="address (same address_key) of active 低保 civil households; kinship from any civil or poverty listing",
    cypher=CYPHER,
    params={
        "civil_kin": CIVIL_KIN,
        "poverty_kin": _both_ways(_POVERTY_PAIRS),
        "in_law_kin": _both_ways(_IN_LAW_PAIRS),
    },
    combine=merge_linked,
    examples=(
        Example(
            name="parents, son and daughter in three households at one address: one group",
            records=(
                b.household("MZ530102-001201", [b.member(F, "02"), b.member(M, "10")], address=_ADDR),
                b.household("MZ530102-001202", [b.member(S, "02"), b.member(W, "10")], address=_ADDR),
                b.household("MZ530102-001203", [b.member(G, "02")], address="翠湖社区青云路十二號"),
                # The kinship comes from the old family listing, cancelled long ago.
                b.household(
                    "MZ530102-001200",
                    [b.member(F, "02"), b.member(S, "20"), b.member(G, "30")],
                    address=_ADDR,
                    status="cancelled",
                    no_dibao=True,
                ),
                b.household("MZ530102-001204", [b.member(N, "02")], address=_ADDR),
            ),
            flags=(
                Expect(
                    (F, G, M, S, W),
                    ("civil:MZ530102-001201", "civil:MZ530102-001202", "civil:MZ530102-001203"),
                ),
            ),
            spared=(N, "civil:MZ530102-001204", "civil:MZ530102-001200"),
        ),
        Example(
            name="kin by poverty words (儿媳 with 之子, one of each); a lone qualifier; another address",
            records=(
                b.poverty(
                    "530102001001-1201",
                    [b.pmember(F), b.pmember(S, "之子"), b.pmember(W, "之儿媳"), b.pmember(L, "之父")],
                ),
                b.household("MZ530102-001211", [b.member(S, "02")], address=_ADDR),
                b.household("MZ530102-001212", [b.member(W, "02")], address=_ADDR),
                # L is F's father and lives alone at the address, level-1 certificate: a lone qualifier.
                b.household("MZ530102-001213", [b.member(L, "02")], address=_ADDR),
                b.certificate(L, level=1),
                # F is kin of S but lives elsewhere.
                b.household("MZ530102-001214", [b.member(F, "02")], address="翠湖社区青云路99号"),
            ),
            flags=(Expect((S, W), ("civil:MZ530102-001211", "civil:MZ530102-001212")),),
            spared=(L, F, "civil:MZ530102-001213", "civil:MZ530102-001214"),
        ),
        Example(
            name="two sons and two daughters-in-law: 之儿媳 pairs with no one; a covered sibling is not close kin",
            records=(
                b.poverty(
                    "530102001001-1221",
                    [
                        b.pmember(F),
                        b.pmember(S, "之子"),
                        b.pmember(X, "之子"),
                        b.pmember(W, "之儿媳"),
                        b.pmember(Y, "之儿媳"),
                    ],
                ),
                b.household("MZ530102-001221", [b.member(S, "02")], address=_ADDR),
                b.household("MZ530102-001222", [b.member(W, "02")], address=_ADDR),
                b.household("MZ530102-001223", [b.member(X, "02")], address=_ADDR),
            ),
            spared=(S, W, X, Y, F),
        ),
    ),
)
