"""The oracle, rule by rule, on tiny hand-written populations: each flagged case and each named exception."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from oracle_fixtures import ADDRESS, COUNTY, VILLAGE, World, dibao, idn, member, typo

from sandbox import layout
from sandbox.oracle import RULES, Case, Params, evaluate, read_cases
from sandbox.oracle.__main__ import main
from sandbox.oracle.identity import normalise_id, normalise_name
from sandbox.oracle.load import load
from sandbox.oracle.terms import house_part

A = idn("19800101", 123)  # a man of 46
B = idn("19820304", 282)  # a woman of 44
C = idn("20150601", 311)  # a boy of 11
D = idn("19500101", 415)  # a man of 76
E = idn("20000101", 517)  # a man of 26


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path / "population")


def found(world: World, rule: str, **kw: object) -> set[Case]:
    """The cases of one rule in a written world."""
    return {c for c in evaluate(world.write(), **kw) if c.rule == rule}  # type: ignore[arg-type]


def case(rule: str, persons: tuple[str, ...] = (), households: tuple[str, ...] = ()) -> Case:
    return Case.of(rule, persons, households)


# -- identity -----------------------------------------------------------------------------


def test_normalise_id_folds_what_can_be_folded() -> None:
    legacy = A[:6] + A[8:17]
    assert normalise_id(legacy) == A
    assert normalise_id(" ".join(A)) == A
    assert normalise_id(A.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == A
    assert normalise_id(typo(A)) is None
    x = next(idn("19800101", n) for n in range(1, 999) if idn("19800101", n).endswith("X"))
    assert normalise_id(x.lower()) == x


def test_names_compare_across_scripts_and_separators() -> None:
    assert normalise_name("劉 德華") == normalise_name("刘德华")
    assert (
        normalise_name("阿依古丽·买买提")
        == normalise_name("阿依古丽．买买提")
        == normalise_name("阿依古丽･买买提")
    )


def test_house_part_folds_numerals_and_scripts() -> None:
    assert house_part("翠湖社區青云路十二號") == house_part("翠湖社区 青云路12号") == "青云路12号"
    assert house_part("某某村三〇五室") == "305室"


def test_invalid_number_links_and_its_tekun_record_follows(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(typo(B), "李秀英", "10"))
    world.plain_household("H2", member(B, "李秀英"))
    world.tekun(typo(B), "李秀英")  # no birth date of its own: follows the civil link
    assert found(world, "dup.dibao_and_tekun") == {case("dup.dibao_and_tekun", (B,), ("civil:H1",))}


def test_ambiguous_link_keeps_the_raw_number(world: World) -> None:
    twin = idn("19820304", 284)
    world.household("H1", member(A, "张建国"), member(typo(B), "李秀英", "10"))
    world.plain_household("H2", member(B, "李秀英"), member(twin, "李秀英", "70"))
    world.tekun(typo(B), "李秀英")
    assert found(world, "dup.dibao_and_tekun") == {case("dup.dibao_and_tekun", (typo(B),), ("civil:H1",))}


def test_link_needs_the_same_birth_date_field(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(typo(B), "李秀英", "10", birth_date="1982-03-05"))
    world.plain_household("H2", member(B, "李秀英"))
    world.tekun(B, "李秀英")
    assert found(world, "dup.dibao_and_tekun") == set()


def test_link_reaches_across_sources(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.poverty("P1", typo(A), "張建國", skill="无劳动力", income="1000")
    assert found(world, "miss.unable_to_work_not_covered") == set()


def test_legacy_number_and_traditional_name_are_one_person(world: World) -> None:
    world.household("H1", member(D, "张老汉"))
    world.poverty("P1", D[:6] + D[8:17], "張老漢", skill="无劳动力", income="1000", birth="1950/1/1")
    assert found(world, "miss.unable_to_work_not_covered") == set()


def test_link_ignores_separator_variants(world: World) -> None:
    world.household("H1", member(A, "阿依古丽·买买提"))
    world.certificate(typo(A), "阿依古丽•买买提", of=A, level=1)
    assert found(world, "miss.nursing_subsidy") == {case("miss.nursing_subsidy", (A,))}


def test_link_needs_the_same_first_six_digits(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    moved = typo("530103" + A[6:])
    world.certificate(moved, "张建国", of=A, level=1)
    assert found(world, "miss.nursing_subsidy") == {case("miss.nursing_subsidy", (moved,))}


def test_payments_follow_the_civil_link(world: World) -> None:
    world.household("H1", member(typo(A), "张建国"))
    world.plain_household("H2", member(A, "张建国"))
    world.payment("P1", typo(A), "2026-01-01", hid="H1")
    world.payment("P2", A, "2026-02-01")
    assert found(world, "dup.temp_aid_repeated") == {case("dup.temp_aid_repeated", (A,), ("civil:H1",))}


def test_a_link_is_per_source(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.poverty("P1", typo(A), "张建国")  # links in poverty
    world.tekun(typo(A), "张建国")  # civil has no record of typo(A) that can link: stays raw
    assert found(world, "dup.dibao_and_tekun") == set()


def test_linked_records_make_no_identity_conflict(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.poverty("P1", typo(A), "张建国")  # links to A
    world.poverty_rows[-1][6] = "女"  # a gender the link does not look at
    assert found(world, "other.identity_conflict") == set()


# -- malformed rows -------------------------------------------------------------------------


def test_household_with_one_bad_member_is_dropped_whole(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(B, "李秀英", "13"))
    world.household("H2", member(A, "张建国"))
    population = load(world.write())
    assert [h.household_id for h in population.households] == ["H2"]
    assert [(q.source, q.location) for q in population.quarantined] == [("civil", "H1")]


def test_bad_poverty_rows_are_quarantined_by_line(world: World) -> None:
    world.poverty("P1", A, "张建国")
    world.poverty("P1", B, "李秀英", "配偶", skill="会劳动")
    world.poverty("P1", C, "张小明", "之子", birth="2015/13/1")
    world.poverty_extra.append("530102001001,P1,张建国")
    population = load(world.write())
    assert [row.raw_id for row in population.poverty] == [A]
    assert [q.location for q in population.quarantined] == [
        f"fpxx_{COUNTY}_20261101.csv:{n}" for n in (3, 4, 5)
    ]


def test_only_the_newest_snapshot_of_a_county_counts(world: World) -> None:
    world.poverty("P1", A, "张建国", skill="无劳动力", income="1000")
    root = world.write()
    assert len(found(world, "miss.unable_to_work_not_covered")) == 1
    old = "fpxx_530102_20250101.csv"
    (root / "poverty/files" / old).write_bytes((root / "poverty/files/fpxx_530102_20261101.csv").read_bytes())
    world.poverty_rows.clear()
    world.write()
    listing = (root / "poverty/exports.json").read_text("utf-8")
    (root / "poverty/exports.json").write_text(
        listing[:-1]
        + f', {{"name": "{old}", "county": "530102", "created_at": "2025-01-01T02:00:00+08:00"}}]',
        "utf-8",
    )
    assert {c for c in evaluate(root) if c.rule == "miss.unable_to_work_not_covered"} == set()


# -- DUPLICATE ------------------------------------------------------------------------------


def test_dibao_multiple_households(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.household("H2", member(A, "张建国"), address="青云路13号")
    assert found(world, "dup.dibao_multiple_households") == {
        case("dup.dibao_multiple_households", (A,), ("civil:H1", "civil:H2"))
    }


def test_dibao_multiple_households_move_in_progress(world: World) -> None:
    world.household("H1", member(A, "张建国"), block=dibao("phasing_out"))
    world.household("H2", member(A, "张建国"), block=dibao(start="2026-11-01"))
    assert found(world, "dup.dibao_multiple_households") == set()


def test_dibao_multiple_households_move_window_closed(world: World) -> None:
    world.household("H1", member(A, "张建国"), block=dibao("phasing_out"))
    world.household("H2", member(A, "张建国"), block=dibao(start="2026-10-24"))  # 30 days before
    assert len(found(world, "dup.dibao_multiple_households")) == 1


def test_dibao_multiple_households_ignores_inactive(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.household("H2", member(A, "张建国"), block=dibao("suspended"))
    world.household("H3", member(A, "张建国"), status="cancelled")
    world.household("H4", member(A, "张建国"), block=dibao(end="2026-11-22"))
    world.household("H5", member(A, "张建国"), block=dibao(start="2026-11-24"))
    world.household("H6", member(A, "张建国", covered=False))
    assert found(world, "dup.dibao_multiple_households") == set()


def test_dibao_and_tekun(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(D, "张老汉", "50"))
    world.tekun(D, "张老汉", hid="H1")
    assert found(world, "dup.dibao_and_tekun") == {case("dup.dibao_and_tekun", (D,), ("civil:H1",))}


def test_dibao_and_tekun_not_covered_is_legal(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(D, "张老汉", "50", covered=False))
    world.tekun(D, "张老汉", hid="H1")
    world.tekun(A, "张建国", status="ended")
    assert found(world, "dup.dibao_and_tekun") == set()


def test_tekun_multiple(world: World) -> None:
    world.tekun(D, "张老汉", hid="T1")
    world.tekun(D, "张老汉", hid="T2")
    world.tekun(A, "张建国", hid="T3")
    world.tekun(A, "张建国", hid="T4", status="suspended")
    assert found(world, "dup.tekun_multiple") == {case("dup.tekun_multiple", (D,), ("civil:T1", "civil:T2"))}


def test_insurance_multiple_enrollment(world: World) -> None:
    world.insured(
        A, "张建国", ("RESIDENT", "530102", "ENROLLED", "NONE"), ("RESIDENT", "530103", "ENROLLED", "NONE")
    )
    world.insured(
        B, "李秀英", ("RESIDENT", "530102", "ENROLLED", "NONE"), ("EMPLOYEE", "530103", "ENROLLED", "NONE")
    )
    world.insured(
        C, "张小明", ("RESIDENT", "530102", "ENROLLED", "NONE"), ("RESIDENT", "530103", "TERMINATED", "NONE")
    )
    assert found(world, "dup.insurance_multiple_enrollment") == {
        case("dup.insurance_multiple_enrollment", (A,))
    }


def test_insurance_of_other_years_is_ignored(world: World) -> None:
    world.insured(A, "张建国", ("RESIDENT", "530102", "ENROLLED", "NONE"))
    world.insured(A, "张建国", ("RESIDENT", "530103", "ENROLLED", "NONE"), year=2025)
    world.insured_rows[0]["records"] += world.insured_rows.pop()["records"]
    assert found(world, "dup.insurance_multiple_enrollment") == set()


def test_disability_subsidy_and_tekun(world: World) -> None:
    world.tekun(D, "张老汉")
    world.certificate(D, "张老汉", level=1, subsidies=(("LIVING", "ACTIVE"), ("NURSING", "ACTIVE")))
    world.tekun(E, "张青")
    world.certificate(E, "张青", level=1, subsidies=(("NURSING", "ACTIVE"), ("LIVING", "STOPPED")))
    assert found(world, "dup.disability_subsidy_and_tekun") == {
        case("dup.disability_subsidy_and_tekun", (D,))
    }
    strict = Params(tekun_excludes_nursing=True)
    assert len(found(world, "dup.disability_subsidy_and_tekun", params=strict)) == 2


def test_temp_aid_repeated_chains(world: World) -> None:
    world.payment("P1", A, "2026-01-01", hid="H1")
    world.payment("P2", A, "2026-03-20", hid="H1")  # 78 days
    world.payment("P3", B, "2026-06-10", hid="H1")  # 82 days, same household
    world.payment("P4", A, "2026-10-01", hid="H1")  # 113 days: a new chain alone
    world.payment("P5", A, "2026-03-21", reason="fire", hid="H1")
    assert found(world, "dup.temp_aid_repeated") == {case("dup.temp_aid_repeated", (A, B), ("civil:H1",))}


def test_temp_aid_repeated_window_edge(world: World) -> None:
    world.payment("P1", A, "2026-01-01")
    world.payment("P2", A, "2026-04-01")  # 90 days: still one event
    world.payment("P3", B, "2026-01-01")
    world.payment("P4", B, "2026-04-02")  # 91 days
    assert found(world, "dup.temp_aid_repeated") == {case("dup.temp_aid_repeated", (A,))}


# -- MISSED -------------------------------------------------------------------------------


def test_unable_to_work_not_covered(world: World) -> None:
    ref = world.poverty("P1", A, "张建国", skill="丧失劳动力", income="6239")  # < 12 × 520
    world.poverty("P2", B, "李秀英", skill="无劳动力", income="6240")
    world.poverty("P3", D, "张老汉", skill="无劳动力", income="100")
    world.tekun(D, "张老汉")
    assert found(world, "miss.unable_to_work_not_covered") == {
        case("miss.unable_to_work_not_covered", (A,), (ref,))
    }


def test_unable_to_work_child_with_working_parent(world: World) -> None:
    world.poverty("P1", A, "张建国", skill="普通劳动力", income="1000")
    world.poverty("P1", C, "张小明", "之子", skill="无劳动力", income="1000")
    world.poverty("P2", D, "张老汉", skill="无劳动力", income="1000")
    world.poverty("P2", E, "张青", "之子", skill="无劳动力", school="本科及以上", income="1000")
    world.poverty("P3", B, "李秀英", "之女", skill="无劳动力", school="高中", income="1000")
    world.poverty("P3", idn("19600101", 622), "李母", "户主", skill="丧失劳动力", income="1000")
    assert {c.persons[0] for c in found(world, "miss.unable_to_work_not_covered")} == {
        D,
        E,
        B,
        idn("19600101", 622),
    }


def test_living_subsidy(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(B, "李秀英", "10"), member(D, "张老汉", "50"))
    world.certificate(A, "张建国")
    world.certificate(B, "李秀英", subsidies=(("LIVING", "ACTIVE"),))
    world.certificate(D, "张老汉")
    world.tekun(D, "张老汉")
    world.certificate(E, "张青")  # not in 低保
    assert found(world, "miss.living_subsidy") == {case("miss.living_subsidy", (A,), ("civil:H1",))}


def test_nursing_subsidy(world: World) -> None:
    world.certificate(A, "张建国", level=2)
    world.certificate(B, "李秀英", level=1, subsidies=(("NURSING", "ACTIVE"),))
    world.certificate(C, "张小明", level=3)
    world.certificate(D, "张老汉", level=1)
    world.tekun(D, "张老汉")
    world.certificate(E, "张青", level=1, status="EXPIRED", valid_until="20250101")
    assert found(world, "miss.nursing_subsidy") == {
        case("miss.nursing_subsidy", (A,)),
        case("miss.nursing_subsidy", (D,)),
    }
    strict = Params(tekun_excludes_nursing=True)
    assert found(world, "miss.nursing_subsidy", params=strict) == {case("miss.nursing_subsidy", (A,))}


def test_insurance_not_enrolled(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(B, "李秀英", "10", covered=False))
    world.tekun(D, "张老汉")
    ref = world.poverty("P1", E, "张青", risk="否")
    world.poverty("P2", B, "李秀英", risk="是")
    world.household("H2", member(C, "张小明"))
    world.enrol(C, "张小明")
    assert found(world, "miss.insurance_not_enrolled") == {
        case("miss.insurance_not_enrolled", (A,), ("civil:H1",)),
        case("miss.insurance_not_enrolled", (D,)),
        case("miss.insurance_not_enrolled", (E,), (ref,)),
    }


def test_insurance_not_enrolled_spares_the_deceased(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.insured(A, "张建国", deceased=True, death_date="2026-11-01")
    world.tekun(D, "张老汉")
    world.certificate(D, "张老汉", status="CANCELLED", cancel_reason="DECEASED")
    world.tekun(E, "张青")
    world.insured(E, "张青", ("EMPLOYEE", COUNTY, "ENROLLED", "NONE"))
    assert found(world, "miss.insurance_not_enrolled") == set()


def test_insurance_subsidy(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(B, "李秀英", "10"))
    world.insured(A, "张建国", ("RESIDENT", COUNTY, "ENROLLED", "POVERTY"))
    world.insured(B, "李秀英", ("RESIDENT", COUNTY, "ENROLLED", "DIBAO"))
    world.tekun(D, "张老汉")
    world.insured(
        D,
        "张老汉",
        ("RESIDENT", COUNTY, "ENROLLED", "DIBAO"),
        ("EMPLOYEE", COUNTY, "SUSPENDED", "TEKUN_FULL"),
    )
    world.tekun(E, "张青")
    world.insured(E, "张青", ("RESIDENT", COUNTY, "ENROLLED", "TEKUN_FULL"))
    assert found(world, "miss.insurance_subsidy") == {
        case("miss.insurance_subsidy", (A,), ("civil:H1",)),
        case("miss.insurance_subsidy", (D,)),
    }


def test_single_person_dibao(world: World) -> None:
    ref = world.poverty("P1", A, "张建国", income="12479")  # 1039.9 a month < 2 × 520
    world.poverty("P1", B, "李秀英", "配偶")
    world.certificate(A, "张建国", kind=5, level=3)
    ref2 = world.poverty("P2", D, "张老汉", health="患有大病,长期慢性病", income="1000")
    world.poverty("P3", E, "张青", income="12480")  # at the band: not below
    world.certificate(E, "张青", level=1)
    world.poverty("P4", C, "张小明", income="100")
    world.certificate(C, "张小明", kind=4, level=3)  # level 3 physical: no route
    assert found(world, "miss.single_person_dibao") == {
        case("miss.single_person_dibao", (A,), (ref,)),
        case("miss.single_person_dibao", (D,), (ref2,)),
    }
    wide = Params(single_person_band=Decimal(3))
    assert len(found(world, "miss.single_person_dibao", params=wide)) == 3


def test_single_person_dibao_exceptions(world: World) -> None:
    world.poverty("P1", A, "张建国", health="患有大病", income="100")
    world.poverty("P1", B, "李秀英", "配偶", income="100")
    world.household("H1", member(B, "李秀英"))  # household is in 低保
    world.poverty("P2", D, "张老汉", health="患有大病", income="100")
    world.tekun(D, "张老汉")  # already covered
    assert found(world, "miss.single_person_dibao") == set()


# -- SPLIT_HOUSEHOLD ------------------------------------------------------------------------


def test_one_family_many_dibao(world: World) -> None:
    ref = world.poverty("P1", A, "张建国")
    world.poverty("P1", B, "李秀英", "配偶")
    world.poverty("P1", D, "张老汉", "之父", health="患有大病")
    world.household("H1", member(A, "张建国"))
    world.household("H2", member(B, "李秀英"))
    world.household("H3", member(D, "张老汉"))  # a lone qualifier: not counted
    assert found(world, "split.one_family_many_dibao") == {
        case("split.one_family_many_dibao", (A, B), (ref, "civil:H1", "civil:H2"))
    }


def test_one_family_many_dibao_lone_qualifier_alone(world: World) -> None:
    world.poverty("P1", A, "张建国")
    world.poverty("P1", D, "张老汉", "之父")
    world.certificate(D, "张老汉", kind=6, level=3)
    world.household("H1", member(A, "张建国"))
    world.household("H3", member(D, "张老汉"))
    assert found(world, "split.one_family_many_dibao") == set()


def test_same_address_kin(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(C, "张小明", "20"))
    world.household("H2", member(B, "李秀英"), address="云南省昆明市五华区华山街道翠湖社區 青云路十二號")
    world.household("H3", member(E, "张青"))
    world.plain_household("F", member(A, "张建国"), member(B, "李秀英", "10"), status="cancelled")
    world.poverty("P9", B, "李秀英")
    world.poverty("P9", E, "张青", "之子")
    assert found(world, "split.same_address_kin") == {
        case("split.same_address_kin", (A, B, C, E), ("civil:H1", "civil:H2", "civil:H3"))
    }


def test_same_address_kin_needs_address_and_kin(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.household("H2", member(B, "李秀英"), address="翠湖社区青云路14号")
    world.household("H3", member(E, "张青"))
    world.household("H4", member(D, "张老汉"), region="530102001002")
    world.plain_household("F", member(A, "张建国"), member(B, "李秀英", "10"), member(D, "张老汉", "51"))
    world.plain_household("G", member(A, "张建国"), member(E, "张青", "70"))  # a sibling is not close kin
    assert found(world, "split.same_address_kin") == set()


def test_same_address_kin_lone_qualifier_not_counted(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.household("H2", member(D, "张老汉"))
    world.certificate(D, "张老汉", level=2)
    world.plain_household("F", member(A, "张建国"), member(D, "张老汉", "51"))
    assert found(world, "split.same_address_kin") == set()


def test_same_address_kin_in_law_pairs_only_when_unique(world: World) -> None:
    son, daughter_in_law, other_son = idn("19900101", 711), idn("19910101", 722), idn("19920101", 733)
    world.household("H1", member(son, "张一"))
    world.household("H2", member(daughter_in_law, "王二"))
    world.poverty("P1", D, "张老汉")
    world.poverty("P1", son, "张一", "之子")
    world.poverty("P1", daughter_in_law, "王二", "之儿媳")
    assert len(found(world, "split.same_address_kin")) == 1
    world.poverty("P1", other_son, "张三", "之子")
    assert found(world, "split.same_address_kin") == set()


def test_padded_household(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(E, "张青", "80"))
    ref = world.poverty("P1", E, "张青", address="某某村8号")
    world.poverty("P1", idn("19750101", 811), "王某", "之父", address="某某村8号")
    assert found(world, "split.padded_household") == {case("split.padded_household", (E,), ("civil:H1", ref))}


def test_padded_household_exceptions(world: World) -> None:
    world.household(
        "H1",
        member(A, "张建国"),
        member(E, "张青", "80"),
        member(C, "张小明", "40"),
        member(B, "李秀英", "80"),
    )
    world.poverty("P1", E, "张青", school="本科及以上", address="某某村8号")  # a student
    world.poverty("P2", C, "张小明", address="某某村9号")  # a child
    world.poverty("P3", B, "李秀英", address="某某村7号")
    world.poverty("P3", D, "李父", "之父", address="某某村7号")
    world.household("H2", member(D, "李父"), address="某某村7号")  # her family is in 低保
    world.poverty("P4", A, "张建国")  # at the same address
    assert found(world, "split.padded_household") == set()


# -- OTHER ----------------------------------------------------------------------------------


def test_deceased_paid(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.insured(A, "张建国", deceased=True, death_date="2026-10-22")  # 32 days
    world.household("H2", member(B, "李秀英"))
    world.insured(B, "李秀英", deceased=True, death_date="2026-10-23")  # 31 days: not yet
    world.certificate(B, "李秀英", status="CANCELLED", cancel_reason="DECEASED", modified="20250101000000")
    world.tekun(D, "张老汉")
    world.certificate(D, "张老汉", status="CANCELLED", cancel_reason="DECEASED", modified="20260901000000")
    world.certificate(
        E, "张青", status="CANCELLED", cancel_reason="DECEASED", subsidies=(("NURSING", "ACTIVE"),)
    )
    world.certificate(C, "张小明", status="CANCELLED", cancel_reason="DECEASED", modified="20200101000000")
    assert found(world, "other.deceased_paid") == {
        case("other.deceased_paid", (A,), ("civil:H1",)),
        case("other.deceased_paid", (D,)),
        case("other.deceased_paid", (E,)),
    }


def test_subsidy_on_invalid_certificate(world: World) -> None:
    world.certificate(
        A, "张建国", status="EXPIRED", valid_until="20260825", subsidies=(("LIVING", "ACTIVE"),)
    )
    world.certificate(
        B, "李秀英", status="EXPIRED", valid_until="20260826", subsidies=(("LIVING", "ACTIVE"),)
    )
    world.certificate(
        C, "张小明", status="CANCELLED", cancel_reason="REVOKED", subsidies=(("NURSING", "ACTIVE"),)
    )
    world.certificate(
        D, "张老汉", status="CANCELLED", cancel_reason="REVOKED", subsidies=(("NURSING", "STOPPED"),)
    )
    assert found(world, "other.subsidy_on_invalid_certificate") == {
        case("other.subsidy_on_invalid_certificate", (A,)),
        case("other.subsidy_on_invalid_certificate", (C,)),
    }


def test_benefit_above_entitlement(world: World) -> None:
    # (750 − 600) × 2 = 300, plus 20% × 750 for the child = 450
    world.household("H1", member(A, "张建国"), member(C, "张小明", "20"), block=dibao(amount="451.01"))
    world.household("H2", member(B, "李秀英"), member(C, "张小明", "30"), block=dibao(amount="451.00"))
    world.household(
        "H3", member(E, "张青"), member(A, "张建国", "10", covered=False), block=dibao(amount="151.01")
    )
    world.household("H4", member(E, "张青"), block=dibao(amount="300.01"))
    world.certificate(E, "张青", level=2)  # severe: special
    assert found(world, "other.benefit_above_entitlement") == {
        case("other.benefit_above_entitlement", (), ("civil:H1",)),
    }
    generous = Params(special_member_extra=Decimal("0.5"))
    assert found(world, "other.benefit_above_entitlement", params=generous) == set()


def test_identity_conflict(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.poverty("P1", A, "張 建國")  # the same name
    world.household("H2", member(B, "李秀英"))
    world.tekun(B, "李秀兰")  # another name
    world.household("H3", member(C, "张小明", birth_date="2015-06-02"))
    world.certificate(C, "张小明")  # another birth date
    world.certificate(D, "张老汉", cert_no=E + "44")  # certNo of another number
    world.insured(E, "张青")
    world.household("H4", member(E, "张青", gender="2"))
    world.household("H5", member(E, "张青"))
    assert found(world, "other.identity_conflict") == {
        case("other.identity_conflict", (B,)),
        case("other.identity_conflict", (C,)),
        case("other.identity_conflict", (D,)),
        case("other.identity_conflict", (E,)),
    }


def test_identity_conflict_cert_number_as_written(world: World) -> None:
    x = next(idn("19800101", n) for n in range(1, 999) if idn("19800101", n).endswith("X"))
    world.certificate(x.lower(), "张建国", cert_no=x + "44")  # folds to the same
    legacy = A[:6] + A[8:17]
    world.certificate(legacy, "张建国", cert_no=A + "44", of=A)  # never widened for this check
    assert found(world, "other.identity_conflict") == {case("other.identity_conflict", (A,))}


# -- the package ----------------------------------------------------------------------------


def test_every_rule_of_the_contract_is_registered() -> None:
    # shared/ lies beside the repository, in a working tree and in CI alike.
    contract = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "rules.md"
    assert contract.exists(), f"{contract} not found: shared/ must lie beside the repository"
    ids = {line.split("`")[1] for line in contract.read_text("utf-8").splitlines() if line.startswith("| `")}
    assert {rule for rule, _ in RULES} == ids


def test_check_date_override(world: World) -> None:
    world.household("H1", member(A, "张建国"), block=dibao(start="2026-12-01"))
    world.household("H2", member(A, "张建国"))
    root = world.write()
    assert not [c for c in evaluate(root) if c.rule == "dup.dibao_multiple_households"]
    later = evaluate(root, check_date=date(2026, 12, 24))
    assert [c.rule for c in later if c.rule == "dup.dibao_multiple_households"] == [
        "dup.dibao_multiple_households"
    ]


def test_cli_prints_json_lines(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.tekun(D, "张老汉", hid="T1")
    world.tekun(D, "张老汉", hid="T2")
    world.enrol(D, "张老汉", "TEKUN_FULL")
    assert main([str(world.write())]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f'{{"rule": "dup.tekun_multiple", "persons": ["{D}"], "households": ["civil:T1", "civil:T2"]}}'
    ]


def test_region_and_village_constants_agree() -> None:
    assert VILLAGE.startswith(COUNTY) and "社区" in ADDRESS


def test_cli_diffs_against_a_truth_file(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.tekun(D, "张老汉", hid="T1")
    world.tekun(D, "张老汉", hid="T2")
    world.enrol(D, "张老汉", "TEKUN_FULL")
    root = world.write()
    truth = root / "truth.jsonl"
    truth.write_text(
        f'{{"rule": "dup.tekun_multiple", "persons": ["{D}"], "households": ["civil:T2", "civil:T1"]}}\n'
    )
    assert main([str(root), "--against", str(truth)]) == 0
    truth.write_text('{"rule": "dup.tekun_multiple", "persons": [], "households": []}\n')
    assert main([str(root), "--against", str(truth)]) == 1
    assert [line[0] for line in capsys.readouterr().out.splitlines()] == ["-", "+"]


def test_a_household_sent_again_replaces_its_earlier_version(world: World) -> None:
    world.household("H1", member(A, "张建国"))
    world.household("H2", member(A, "张建国"))
    world.household("H2", member(A, "张建国"), status="cancelled")
    assert found(world, "dup.dibao_multiple_households") == set()


# -- against the generator ------------------------------------------------------------------

NOISES = ("clean", "default", "dirty")


@pytest.fixture(scope="module", params=NOISES)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"population-{request.param}")
    command = [sys.executable, "-m", "sandbox", "generate", "--persons", "3000", "--seed", "11"]
    subprocess.run([*command, "--out", str(out), "--noise", request.param], check=True, capture_output=True)
    return out


def test_planted_truth_is_exactly_what_the_rules_find(generated: Path) -> None:
    truth = read_cases(generated / layout.TRUTH)
    found = evaluate(generated)
    assert sorted(truth - found) == [] and sorted(found - truth) == []


def test_malformed_rows_are_the_ones_set_aside(generated: Path) -> None:
    planted = {
        (row["source"], row["location"])
        for row in map(json.loads, (generated / layout.MALFORMED).read_text("utf-8").splitlines())
    }
    assert {(q.source, q.location) for q in load(generated).quarantined} == planted


def test_lookalikes_are_not_flagged(generated: Path) -> None:
    found = evaluate(generated)
    touched = [
        (look, case)
        for look in read_cases(generated / layout.LOOKALIKES)
        for case in found
        if case.rule == look.rule
        and (
            set(case.persons) & set(look.persons)
            if look.persons
            else set(case.households) & set(look.households)
        )
    ]
    assert touched == []


def test_truth_stays_exact_after_a_mutation(generated: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mutated"
    shutil.copytree(generated, folder)
    command = [sys.executable, "-m", "sandbox", "mutate", str(folder), "--seed", "3", "--fraction", "0.05"]
    subprocess.run(command, check=True, capture_output=True)
    truth = read_cases(folder / layout.TRUTH)
    found = evaluate(folder)
    assert sorted(truth - found) == [] and sorted(found - truth) == []


def test_padded_household_one_finding_per_dibao_household(world: World) -> None:
    world.household("H1", member(A, "张建国"), member(E, "张青", "80"), member(B, "李秀英", "80"))
    p1 = world.poverty("P1", E, "张青", address="某某村8号")
    p2 = world.poverty("P2", B, "李秀英", address="某某村9号")
    assert found(world, "split.padded_household") == {
        case("split.padded_household", (B, E), ("civil:H1", p1, p2))
    }


def test_insurance_not_enrolled_needs_an_askable_number(world: World) -> None:
    world.household("H1", member(typo(A), "张建国"))  # invalid and unlinked: the platform cannot be asked
    world.household("H2", member(B, "李秀英"))  # valid, no answer line: found false
    assert found(world, "miss.insurance_not_enrolled") == {
        case("miss.insurance_not_enrolled", (B,), ("civil:H2",))
    }
