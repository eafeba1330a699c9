"""Look-alikes: legitimate situations that resemble a finding and must not be flagged.

One builder per exception that rules.md names, and a few more that only look odd.
Each records which rule must leave it alone and why.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sandbox.generate import idnumbers, names
from sandbox.generate.benefits import certify, ten_years
from sandbox.generate.cases.common import (
    civ,
    dibao_household,
    insured,
    on_file,
    people,
    pov,
    poverty_household,
)
from sandbox.generate.model import Subsidy
from sandbox.generate.world import World


def move_in_progress(w: World, n: int) -> None:
    v = w.village(urban=True)
    (p,) = people(w, v, [(True, 36)])
    old = dibao_household(w, v, v.next_house(w.rng), [(p, "02", True)], status="phasing_out")
    there = w.village(county=w.other_county())
    new = dibao_household(w, there, there.next_house(w.rng), [(p, "02", True)], start=w.days_ago(2, 25))
    w.lookalike(
        "dup.dibao_multiple_households",
        [p],
        [civ(old), civ(new)],
        "phasing out in the old county, started under 30 days ago in the new one",
    )


def student_counted_elsewhere(w: World, n: int) -> None:
    v = w.village(urban=True)
    father, mother, student = people(w, v, [(True, 48), (False, 46), (False, 20)])
    student.school = "本科及以上"
    home = dibao_household(
        w, v, v.next_house(w.rng), [(father, "02", True), (mother, "10", True), (student, "30", True)]
    )
    g = w.village(urban=True)
    grandpa, grandma = people(w, g, [(True, 75), (False, 73)])
    theirs = dibao_household(
        w, g, g.next_house(w.rng), [(grandpa, "02", True), (grandma, "10", True), (student, "42", False)]
    )
    w.lookalike(
        "dup.dibao_multiple_households",
        [student],
        [civ(home), civ(theirs)],
        "listed in a second 低保 household but not covered there",
    )


def tekun_in_dibao_family(w: World, n: int) -> None:
    v = w.village()
    son, wife, father = people(w, v, [(True, 50), (False, 48), (True, 79)])
    hh = dibao_household(
        w, v, v.next_house(w.rng), [(son, "02", True), (wife, "10", True), (father, "51", False)]
    )
    w.add_tekun(father, hh.hid)
    w.lookalike(
        "dup.dibao_and_tekun",
        [father],
        [civ(hh)],
        "特困 person living in a 低保 household without being covered",
    )


def tekun_ended_and_active(w: World, n: int) -> None:
    v = w.village(urban=False)
    (p,) = people(w, v, [(False, 68)])
    old = on_file(w, v, v.next_house(w.rng), [(p, "02")])
    new_v = w.village(urban=True)
    new = on_file(w, new_v, new_v.next_house(w.rng), [(p, "02")])
    ended = w.days_ago(100, 400)
    w.add_tekun(p, old.hid, status="ended", start=ended - timedelta(days=1500), end=ended)
    w.add_tekun(p, new.hid, start=ended + timedelta(days=1))
    w.lookalike("dup.tekun_multiple", [p], [civ(old), civ(new)], "one ended record and one active record")


def resident_and_employee(w: World, n: int) -> None:
    v = w.village(urban=True)
    (p,) = people(w, v, [(True, 29)])
    certify(w, p, level=4, type_=1)
    insured(
        w,
        p,
        (-1, "NONE", "RESIDENT", None, "ENROLLED"),
        (0, "NONE", "RESIDENT", None, "ENROLLED"),
        (0, "NONE", "EMPLOYEE", None, "ENROLLED"),
    )
    w.lookalike(
        "dup.insurance_multiple_enrollment",
        [p],
        [],
        "a RESIDENT record beside an EMPLOYEE record: a switch of scheme",
    )
    q_v = w.village(urban=True)
    head, spouse = people(w, q_v, [(True, 44), (False, 43)])
    hh = dibao_household(w, q_v, q_v.next_house(w.rng), [(head, "02", True), (spouse, "10", True)])
    insured(w, head, (0, "DIBAO", "RESIDENT", None, "ENROLLED"), (0, "NONE", "EMPLOYEE", None, "ENROLLED"))
    w.lookalike(
        "miss.insurance_subsidy", [head], [civ(hh)], "the highest category among enrolled records is DIBAO"
    )


def tekun_nursing_only(w: World, n: int) -> None:
    v = w.village()
    (p,) = people(w, v, [(True, 63)])
    hh = on_file(w, v, v.next_house(w.rng), [(p, "02")])
    w.add_tekun(p, hh.hid)
    certify(w, p, level=1, type_=4)
    w.lookalike(
        "dup.disability_subsidy_and_tekun",
        [p],
        [],
        "特困 person with the nursing subsidy only (tekun_excludes_nursing off)",
    )


def temp_aid_apart_or_other_reason(w: World, n: int) -> None:
    v = w.village()
    head, spouse = people(w, v, [(True, 55), (False, 53)])
    hh = on_file(w, v, v.next_house(w.rng), [(head, "02"), (spouse, "10")])
    first = w.days_ago(300, 500)
    w.add_payment(head, hh.hid, "illness", first)
    w.add_payment(head, hh.hid, "illness", first + timedelta(days=w.rng.randint(95, 200)))
    w.add_payment(spouse, hh.hid, "fire", w.days_ago(1, 80))
    w.lookalike(
        "dup.temp_aid_repeated",
        [head, spouse],
        [civ(hh)],
        "same reason more than 90 days apart; another reason",
    )


def student_with_working_parent(w: World, n: int) -> None:
    v = w.village(urban=False)
    head, spouse, student = people(w, v, [(True, 47), (False, 45), (True, 19)])
    student.school = "高职高专"
    ph = poverty_household(
        w, v, v.next_house(w.rng), [(head, "户主"), (spouse, "配偶"), (student, "之子")], "0.7"
    )
    w.lookalike(
        "miss.unable_to_work_not_covered",
        [student],
        [pov(ph)],
        "a student with a working parent in the household",
    )


def expired_severe_without_nursing(w: World, n: int) -> None:
    v = w.village(urban=True)
    (p,) = people(w, v, [(False, 58)])
    cert = certify(w, p, level=1, type_=4, status="EXPIRED")
    cert.subsidies = [
        Subsidy("NURSING", "STOPPED", 100.0, cert.issued + timedelta(days=30), cert.valid_until)
    ]
    w.lookalike("miss.nursing_subsidy", [p], [], "the level-1 certificate has expired: not VALID")


def recently_deceased(w: World, n: int) -> None:
    v = w.village(urban=True)
    head, spouse, father = people(w, v, [(True, 53), (False, 51), (True, 86)])
    hh = dibao_household(
        w, v, v.next_house(w.rng), [(head, "02", True), (spouse, "10", True), (father, "51", True)]
    )
    father.death = w.days_ago(3, 20)
    insured(w, father, (-1, "DIBAO", "RESIDENT", None, "ENROLLED"))
    w.lookalike("other.deceased_paid", [father], [civ(hh)], "died less than 31 days ago")
    w.lookalike("miss.insurance_not_enrolled", [father], [civ(hh)], "known to be deceased")


def single_person_exceptions(w: World, n: int) -> None:
    v = w.village(urban=False)
    (p,) = people(w, v, [(True, 55)])
    certify(w, p, level=1, type_=4)
    hh = on_file(w, v, v.next_house(w.rng), [(p, "02")])
    w.add_tekun(p, hh.hid)
    ph = poverty_household(w, v, hh.house, [(p, "户主")], "1.3")
    w.lookalike("miss.single_person_dibao", [p], [pov(ph)], "already an active 特困 person")
    q_v = w.village(urban=False)
    head, spouse = people(w, q_v, [(True, 50), (False, 49)])
    head.health = "患有大病"
    ph2 = poverty_household(w, q_v, q_v.next_house(w.rng), [(head, "户主"), (spouse, "配偶")], "2.3")
    w.lookalike("miss.single_person_dibao", [head], [pov(ph2)], "household income above twice the standard")


def lone_qualifier(w: World, n: int) -> None:
    """A severely disabled son in a 单人户 低保 household, split from his family at one house."""
    v = w.village(urban=False)
    father, mother, son, daughter = people(w, v, [(True, 57), (False, 55), (True, 29), (False, 24)])
    certify(w, son, level=1, type_=4 + 2 * (n % 2))
    house = v.next_house(w.rng)
    ph = poverty_household(
        w, v, house, [(father, "户主"), (mother, "配偶"), (son, "之子"), (daughter, "之女")], "0.8"
    )
    family = dibao_household(
        w, v, house, [(father, "02", True), (mother, "10", True), (daughter, "30", True)]
    )
    single = dibao_household(w, v, house, [(son, "02", True)])
    why = "a 单人户 (lone qualifier) is not counted"
    w.lookalike("split.one_family_many_dibao", [son], [pov(ph), civ(family), civ(single)], why)
    w.lookalike("split.same_address_kin", [son], [civ(family), civ(single)], why)


def unrelated_at_one_address(w: World, n: int) -> None:
    v = w.village(urban=True)
    house = v.next_house(w.rng)
    a, b = people(w, v, [(True, 40), (False, 39)])
    (c,) = people(w, v, [(False, 33)])
    ha = dibao_household(w, v, house, [(a, "02", True), (b, "10", True)])
    hb = dibao_household(w, v, house, [(c, "02", True)])
    w.lookalike(
        "split.same_address_kin",
        [a, b, c],
        [civ(ha), civ(hb)],
        "two 低保 households at one address with no kin between them",
    )


def padded_student_or_minor(w: World, n: int) -> None:
    v = w.village(urban=False)
    father, mother, child = people(w, v, [(True, 47), (False, 45), (n % 2 == 0, 20 if n % 2 else 15)])
    child.school = "本科及以上" if n % 2 else "初中"
    ph = poverty_household(
        w,
        v,
        v.next_house(w.rng),
        [(father, "户主"), (mother, "配偶"), (child, "之子" if child.male else "之女")],
        "2.5",
    )
    g = w.village(urban=True)
    grandpa, grandma = people(w, g, [(True, 73), (False, 71)])
    hh = dibao_household(
        w,
        g,
        g.next_house(w.rng),
        [(grandpa, "02", True), (grandma, "10", True), (child, "41" if child.male else "42", True)],
    )
    w.lookalike(
        "split.padded_household", [child], [civ(hh), pov(ph)], "a student or a minor living with grandparents"
    )


def renewal_window(w: World, n: int) -> None:
    v = w.village(urban=True)
    (p,) = people(w, v, [(True, 61)])
    cert = certify(w, p, level=2, type_=4)
    cert.valid_until = w.days_ago(5, 80)
    cert.issued = cert.valid_until - timedelta(days=3652)
    cert.valid_until = ten_years(cert.issued)
    cert.status = "EXPIRED"
    cert.subsidies = [Subsidy("NURSING", "ACTIVE", 120.0, cert.issued + timedelta(days=40))]
    w.lookalike(
        "other.subsidy_on_invalid_certificate", [p], [], "expired less than 90 days ago: renewal window"
    )


def paid_within_a_yuan(w: World, n: int) -> None:
    v = w.village()
    head, spouse, mother = people(w, v, [(True, 46), (False, 45), (False, 71)])
    hh = dibao_household(
        w, v, v.next_house(w.rng), [(head, "02", True), (spouse, "10", True), (mother, "52", True)]
    )
    assert hh.dibao is not None
    hh.dibao.exact, hh.dibao.excess = True, Decimal("0.80")
    w.lookalike(
        "other.benefit_above_entitlement",
        [],
        [civ(hh)],
        "paid 0.80 above the entitlement, which includes the 60+ extra",
    )


def spelled_differently(w: World, n: int) -> None:
    """One person written with another separator, traditional characters and a 15-digit
    number in different sources: the same identity (only where the profile has noise)."""
    if not w.profile.traditional:
        return
    v = w.village(urban=True)
    p = w.person(v, n % 2 == 0, 40 + n % 15, minority=True)
    certify(w, p, level=4, type_=2)
    on_file(w, v, v.next_house(w.rng), [(p, "02")])
    p.written_name = {
        "civil": p.name.replace(names.SEPARATOR, "•"),
        "disability": names.traditional(p.name).replace(names.SEPARATOR, "."),
        "medical": p.name,
    }
    p.raw_id["civil"] = idnumbers.legacy15(p.id18)
    w.lookalike(
        "other.identity_conflict",
        [p],
        [],
        "one person spelled with other separators, in traditional characters, with a 15-digit number",
    )


ALL = (
    move_in_progress,
    student_counted_elsewhere,
    tekun_in_dibao_family,
    tekun_ended_and_active,
    resident_and_employee,
    tekun_nursing_only,
    temp_aid_apart_or_other_reason,
    student_with_working_parent,
    expired_severe_without_nursing,
    recently_deceased,
    single_person_exceptions,
    lone_qualifier,
    unrelated_at_one_address,
    padded_student_or_minor,
    renewal_window,
    paid_within_a_yuan,
    spelled_differently,
)
"""Every look-alike builder."""
