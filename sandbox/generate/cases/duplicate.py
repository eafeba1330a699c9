"""DUPLICATE cases: paid twice for one need (重复享受, 多头救助)."""

from __future__ import annotations

from datetime import timedelta

from sandbox.generate.benefits import certify
from sandbox.generate.cases.common import civ, dibao_household, insured, on_file, people
from sandbox.generate.model import Subsidy
from sandbox.generate.world import World


def dibao_multiple_households(w: World, n: int) -> None:
    """Covered at home and again in another county, both active for months."""
    v = w.village(urban=True)
    head, spouse, child = people(w, v, [(True, 41), (False, 39), (n % 2 == 0, 9)])
    home = dibao_household(
        w,
        v,
        v.next_house(w.rng),
        [(head, "02", True), (spouse, "10", True), (child, "20" if child.male else "30", True)],
    )
    away = w.village(county=w.other_county())
    second = dibao_household(w, away, away.next_house(w.rng), [(head, "02", True)], start=w.days_ago(60, 400))
    w.case("dup.dibao_multiple_households", [head], [civ(home), civ(second)])


def dibao_and_tekun(w: World, n: int) -> None:
    """An old father on the 特困 roll and covered in his son's 低保 household; he holds a
    valid level-3 certificate without the living subsidy, which the 特困 exception excuses."""
    v = w.village(urban=True)
    son, wife, father = people(w, v, [(True, 46), (False, 44), (True, 76)])
    hh = dibao_household(
        w, v, v.next_house(w.rng), [(son, "02", True), (wife, "10", True), (father, "51", True)]
    )
    w.add_tekun(father, hh.hid)
    certify(w, father, level=3, type_=4)
    w.case("dup.dibao_and_tekun", [father], [civ(hh)])
    w.lookalike(
        "miss.living_subsidy", [father], [civ(hh)], "active 特困 person: the living subsidy is not due"
    )


def tekun_multiple(w: World, n: int) -> None:
    """Two active 特困 records: at home and in an institution of another township."""
    v = w.village(urban=False)
    (p,) = people(w, v, [(n % 2 == 0, 72)])
    home = on_file(w, v, v.next_house(w.rng), [(p, "02")])
    there = w.village(urban=True)
    institution = on_file(w, there, there.next_house(w.rng), [(p, "02")])
    w.add_tekun(p, home.hid)
    w.add_tekun(p, institution.hid).mode = "centralized"
    w.case("dup.tekun_multiple", [p], [civ(home), civ(institution)])


def insurance_multiple_enrollment(w: World, n: int) -> None:
    """Enrolled as a resident in two counties for the check year (known through a certificate)."""
    v = w.village()
    (p,) = people(w, v, [(True, 37)])
    certify(w, p, level=4, type_=2)
    insured(
        w,
        p,
        (-1, "NONE", "RESIDENT", None, "ENROLLED"),
        (0, "NONE", "RESIDENT", None, "ENROLLED"),
        (0, "NONE", "RESIDENT", w.other_county().code, "ENROLLED"),
    )
    w.case("dup.insurance_multiple_enrollment", [p], [])


def disability_subsidy_and_tekun(w: World, n: int) -> None:
    """A 特困 person, severely disabled, paid the living subsidy besides the nursing one."""
    v = w.village()
    (p,) = people(w, v, [(n % 2 == 1, 66)])
    hh = on_file(w, v, v.next_house(w.rng), [(p, "02")])
    w.add_tekun(p, hh.hid)
    cert = certify(w, p, level=2, type_=4)
    start = cert.issued + timedelta(days=30)
    cert.subsidies = [Subsidy("NURSING", "ACTIVE", 120.0, start), Subsidy("LIVING", "ACTIVE", 90.0, start)]
    w.case("dup.disability_subsidy_and_tekun", [p], [])


def temp_aid_repeated(w: World, n: int) -> None:
    """临时救助 for one illness within 90 days: twice to one person, to two of one household,
    or three times in a chain whose ends are further apart than 90 days (still one finding)."""
    v = w.village()
    head, spouse = people(w, v, [(True, 52), (False, 50)])
    hh = on_file(w, v, v.next_house(w.rng), [(head, "02"), (spouse, "10")])
    first = w.days_ago(200, 400)
    w.add_payment(head, hh.hid, "illness", first)
    second_payee = head if n % 3 != 1 else spouse
    second = first + timedelta(days=w.rng.randint(10, 90))
    w.add_payment(second_payee, hh.hid, "illness", second)
    if n % 3 == 2:
        w.add_payment(
            head,
            hh.hid,
            "illness",
            second + timedelta(days=w.rng.randint(max(10, 91 - (second - first).days), 90)),
        )
    w.case("dup.temp_aid_repeated", sorted({head, second_payee}, key=lambda p: p.id18), [civ(hh)])
