"""MISSED cases: entitled and not reached (漏保, 应保未保, 应助未助)."""

from __future__ import annotations

from sandbox.generate.benefits import certify
from sandbox.generate.cases.common import (
    civ,
    dibao_household,
    insured,
    on_file,
    people,
    pov,
    poverty_household,
)
from sandbox.generate.world import World


def unable_to_work_not_covered(w: World, n: int) -> None:
    """An old head unable to work in a poor household, on no roll; the grandson (under 16,
    his father working) is the household's charge, not a case."""
    v = w.village(urban=False)
    head, son, dil, grandson = people(w, v, [(True, 76), (True, 46), (False, 44), (True, 12)])
    head.health = "长期慢性病"
    grandson.school = "初中"
    ph = poverty_household(
        w,
        v,
        v.next_house(w.rng),
        [(head, "户主"), (son, "之子"), (dil, "之儿媳"), (grandson, "之孙子")],
        "0.6",
    )
    w.case("miss.unable_to_work_not_covered", [head], [pov(ph)])
    w.lookalike(
        "miss.unable_to_work_not_covered",
        [grandson],
        [pov(ph)],
        "under 16 with a working parent in the household",
    )


def living_subsidy(w: World, n: int) -> None:
    """A covered 低保 member with a valid certificate and no living subsidy."""
    v = w.village(urban=True)
    head, spouse, child = people(w, v, [(True, 40), (False, 38), (False, 8)])
    certify(w, head, level=3 + n % 2, type_=4).subsidies = []
    hh = dibao_household(
        w, v, v.next_house(w.rng), [(head, "02", True), (spouse, "10", True), (child, "30", True)]
    )
    w.case("miss.living_subsidy", [head], [civ(hh)])


def nursing_subsidy(w: World, n: int) -> None:
    """A valid level-1 or level-2 certificate with no nursing subsidy."""
    v = w.village(urban=True)
    (p,) = people(w, v, [(n % 2 == 0, 50)])
    certify(w, p, level=1 + n % 2, type_=1).subsidies = []
    w.case("miss.nursing_subsidy", [p], [])


def insurance_not_enrolled(w: World, n: int) -> None:
    """Not enrolled for the check year: a 低保 member, a 监测户 member at risk, or a 特困 person."""
    variant = n % 3
    if variant == 0:
        v = w.village(urban=True)
        head, spouse = people(w, v, [(True, 45), (False, 43)])
        hh = dibao_household(w, v, v.next_house(w.rng), [(head, "02", True), (spouse, "10", True)])
        insured(w, spouse, (-1, "DIBAO", "RESIDENT", None, "ENROLLED"))
        w.case("miss.insurance_not_enrolled", [spouse], [civ(hh)])
    elif variant == 1:
        v = w.village(urban=False)
        head, spouse, child = people(w, v, [(True, 45), (False, 44), (True, 15)])
        child.school = "初中"
        ph = poverty_household(
            w,
            v,
            v.next_house(w.rng),
            [(head, "户主"), (spouse, "配偶"), (child, "之子")],
            "2.5",
            kind="边缘易致贫户",
        )
        ph.risk = "否"
        insured(
            w,
            spouse,
            (-1, "POVERTY", "RESIDENT", None, "ENROLLED"),
            (0, "POVERTY", "RESIDENT", None, "TERMINATED"),
        )
        w.case("miss.insurance_not_enrolled", [spouse], [pov(ph)])
    else:
        v = w.village()
        (p,) = people(w, v, [(True, 70)])
        hh = on_file(w, v, v.next_house(w.rng), [(p, "02")])
        w.add_tekun(p, hh.hid)
        insured(w, p)
        w.case("miss.insurance_not_enrolled", [p], [])


def insurance_subsidy(w: World, n: int) -> None:
    """Enrolled without the subsidy due: a 低保 member with NONE, or a 特困 person with DIBAO."""
    if n % 2 == 0:
        v = w.village(urban=True)
        head, spouse = people(w, v, [(True, 47), (False, 45)])
        hh = dibao_household(w, v, v.next_house(w.rng), [(head, "02", True), (spouse, "10", True)])
        insured(
            w, head, (-1, "DIBAO", "RESIDENT", None, "ENROLLED"), (0, "NONE", "RESIDENT", None, "ENROLLED")
        )
        w.case("miss.insurance_subsidy", [head], [civ(hh)])
    else:
        v = w.village()
        (p,) = people(w, v, [(False, 74)])
        hh = on_file(w, v, v.next_house(w.rng), [(p, "02")])
        w.add_tekun(p, hh.hid)
        insured(
            w, p, (-1, "TEKUN_FULL", "RESIDENT", None, "ENROLLED"), (0, "DIBAO", "RESIDENT", None, "ENROLLED")
        )
        w.case("miss.insurance_subsidy", [p], [])


def single_person_dibao(w: World, n: int) -> None:
    """A severely disabled (or gravely ill) member of a low-income poverty household not in 低保."""
    v = w.village(urban=False)
    head, spouse, daughter = people(w, v, [(True, 52), (False, 50), (False, 24)])
    if n % 2 == 0:
        certify(w, head, level=2, type_=4)
    else:
        head.health = "患有大病"
    ph = poverty_household(
        w, v, v.next_house(w.rng), [(head, "户主"), (spouse, "配偶"), (daughter, "之女")], "1.5"
    )
    w.case("miss.single_person_dibao", [head], [pov(ph)])
