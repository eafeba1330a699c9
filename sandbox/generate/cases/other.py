"""OTHER cases: facts that contradict a payment or an identity."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sandbox.generate import idnumbers, names
from sandbox.generate.benefits import certify, ten_years
from sandbox.generate.cases.common import civ, dibao_household, insured, on_file, people
from sandbox.generate.model import Subsidy
from sandbox.generate.world import World


def deceased_paid(w: World, n: int) -> None:
    """Dead for months and still paid: a covered 低保 member, a 特困 person, or a nursing
    subsidy on a certificate cancelled for death (also a subsidy on an invalid certificate)."""
    variant = n % 3
    if variant == 0:
        v = w.village(urban=True)
        head, spouse, mother = people(w, v, [(True, 51), (False, 49), (False, 83)])
        hh = dibao_household(
            w, v, v.next_house(w.rng), [(head, "02", True), (spouse, "10", True), (mother, "52", True)]
        )
        mother.death = w.days_ago(60, 200)
        insured(w, mother, (-1, "DIBAO", "RESIDENT", None, "ENROLLED"))
        w.case("other.deceased_paid", [mother], [civ(hh)])
    elif variant == 1:
        v = w.village()
        (p,) = people(w, v, [(True, 81)])
        hh = on_file(w, v, v.next_house(w.rng), [(p, "02")])
        w.add_tekun(p, hh.hid)
        p.death = w.days_ago(60, 200)
        insured(w, p, (-1, "TEKUN_FULL", "RESIDENT", None, "ENROLLED"))
        w.case("other.deceased_paid", [p], [])
    else:
        v = w.village(urban=True)
        (p,) = people(w, v, [(False, 77)])
        cert = certify(w, p, level=1, type_=4)
        died = w.days_ago(60, 200)
        cert.issued = min(cert.issued, died - timedelta(days=300))
        cert.valid_until = ten_years(cert.issued)
        cert.status, cert.cancel_reason = "CANCELLED", "DECEASED"
        cert.modified = datetime(died.year, died.month, died.day, 10, 30)
        cert.subsidies = [Subsidy("NURSING", "ACTIVE", 120.0, cert.issued + timedelta(days=30))]
        p.death, p.death_known_to_medical = died, False
        insured(w, p, (-1, "NONE", "RESIDENT", None, "ENROLLED"), (0, "NONE", "RESIDENT", None, "ENROLLED"))
        w.case("other.deceased_paid", [p], [])
        w.case("other.subsidy_on_invalid_certificate", [p], [])


def subsidy_on_invalid_certificate(w: World, n: int) -> None:
    """A subsidy still active on a certificate expired long ago, or revoked."""
    v = w.village(urban=True)
    (p,) = people(w, v, [(n % 2 == 0, 45)])
    if n % 2 == 0:
        cert = certify(w, p, level=2, type_=4, status="EXPIRED")
        cert.subsidies = [Subsidy("NURSING", "ACTIVE", 120.0, cert.issued + timedelta(days=60))]
    else:
        cert = certify(w, p, level=3, type_=6)
        cert.status, cert.cancel_reason = "CANCELLED", "REVOKED"
        cert.subsidies = [Subsidy("LIVING", "ACTIVE", 90.0, cert.issued + timedelta(days=60))]
    w.case("other.subsidy_on_invalid_certificate", [p], [])


def benefit_above_entitlement(w: World, n: int) -> None:
    """A 低保 household paid well above its differential entitlement."""
    v = w.village()
    head, spouse, child = people(w, v, [(True, 44), (False, 42), (True, 12)])
    hh = dibao_household(
        w, v, v.next_house(w.rng), [(head, "02", True), (spouse, "10", True), (child, "20", True)]
    )
    assert hh.dibao is not None
    hh.dibao.excess = Decimal(w.rng.randint(30, 400))
    w.case("other.benefit_above_entitlement", [], [civ(hh)])


def identity_conflict(w: World, n: int) -> None:
    """One number, two identities: another birthday, another name, or a certNo of another number."""
    variant = n % 3
    v = w.village(urban=True)
    (p,) = people(w, v, [(n % 2 == 0, 39)])
    cert = certify(w, p, level=4, type_=2)
    if variant == 0:
        on_file(w, v, v.next_house(w.rng), [(p, "02")])
        cert.birthday = p.born + timedelta(days=w.rng.randint(32, 300))
    elif variant == 1:
        while True:
            other = p.name[0] + names.given(w.rng, p.male)
            if other != p.name:
                break
        p.medical_name = other
    else:
        digit = (int(p.id18[14]) + 2) % 10
        wrong = p.id18[:14] + str(digit) + p.id18[15:17]
        cert.cert_no = wrong + idnumbers.check_char(wrong) + f"{cert.type}{cert.level}"
    w.case("other.identity_conflict", [p], [])
