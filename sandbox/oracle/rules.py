"""Every rule of contracts/rules.md in plain Python, one function a rule.

Each function reads the Terms (``Facts``) and yields the cases it finds,
naming persons and households as rules.md's "What each finding names" table
says. ``RULES`` lists them all, in the order of rules.md.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from sandbox.oracle.case import Case
from sandbox.oracle.identity import clean, normalise_id, normalise_name
from sandbox.oracle.params import Params
from sandbox.oracle.records import Payment
from sandbox.oracle.terms import RANK, UNABLE, Facts, address_key

Rule = Callable[[Facts, Params], Iterator[Case]]


def _civil(ids: Iterable[str | None]) -> list[str]:
    return [f"civil:{i}" for i in ids if i]


def _poverty(no: str) -> str:
    return f"poverty:{no}"


# -- DUPLICATE --------------------------------------------------------------------------


def dibao_multiple_households(facts: Facts, params: Params) -> Iterator[Case]:
    """dup.dibao_multiple_households: covered in two or more active 低保 households."""
    for person, households in facts.covered.items():
        if len(households) < 2:
            continue
        if len(households) == 2:
            a, b = households
            moving = any(
                x.dibao is not None
                and y.dibao is not None
                and x.dibao.status == "phasing_out"
                and (facts.day - y.dibao.start).days < params.move_window_days
                for x, y in ((a, b), (b, a))
            )
            if moving:
                continue
        yield Case.of("dup.dibao_multiple_households", [person], _civil(h.household_id for h in households))


def dibao_and_tekun(facts: Facts, params: Params) -> Iterator[Case]:
    """dup.dibao_and_tekun: a covered member who is also an active 特困 person."""
    for person in facts.tekun:
        if facts.covered.get(person):
            yield Case.of("dup.dibao_and_tekun", [person], _civil(facts.covered_households(person)))


def tekun_multiple(facts: Facts, params: Params) -> Iterator[Case]:
    """dup.tekun_multiple: two active 特困 records."""
    for person, records in facts.tekun.items():
        if len(records) >= 2:
            yield Case.of("dup.tekun_multiple", [person], _civil(r.household_id for r in records))


def insurance_multiple_enrollment(facts: Facts, params: Params) -> Iterator[Case]:
    """dup.insurance_multiple_enrollment: ENROLLED RESIDENT records in two regions in the year."""
    for person, answer in facts.insured.items():
        regions = {
            r.region_code for r in answer.records if r.status == "ENROLLED" and r.insurance_type == "RESIDENT"
        }
        if len(regions) >= 2:
            yield Case.of("dup.insurance_multiple_enrollment", [person])


def disability_subsidy_and_tekun(facts: Facts, params: Params) -> Iterator[Case]:
    """dup.disability_subsidy_and_tekun: an ACTIVE LIVING (or, by profile, NURSING) subsidy to a 特困 person."""
    kinds = ("LIVING", "NURSING") if params.tekun_excludes_nursing else ("LIVING",)
    for person in facts.tekun:
        if any(facts.has_active_subsidy(person, kind) for kind in kinds):
            yield Case.of("dup.disability_subsidy_and_tekun", [person])


def temp_aid_repeated(facts: Facts, params: Params) -> Iterator[Case]:
    """dup.temp_aid_repeated: 临时救助 for one reason to one person or household, chained within 90 days."""
    payments = [p for p in facts.population.payments if p.program == "TEMP_AID"]
    parent = list(range(len(payments)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Payments sharing a payee or a household and a reason chain when
    # consecutive ones (by date) are at most the window apart; a payment that
    # shares both joins the two chains into one.
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, payment in enumerate(payments):
        groups[("person", facts.linker.key("civil", payment.raw_id), payment.reason)].append(index)
        if payment.household_id:
            groups[("household", payment.household_id, payment.reason)].append(index)
    for members in groups.values():
        members.sort(key=lambda i: payments[i].paid_on)
        for before, after in itertools.pairwise(members):
            if (payments[after].paid_on - payments[before].paid_on).days <= params.temp_aid_chain_days:
                parent[root(after)] = root(before)
    chains: dict[int, list[Payment]] = defaultdict(list)
    for index, payment in enumerate(payments):
        chains[root(index)].append(payment)
    for chain in chains.values():
        if len(chain) >= 2:
            yield Case.of(
                "dup.temp_aid_repeated",
                [facts.linker.key("civil", p.raw_id) for p in chain],
                _civil(p.household_id for p in chain),
            )


# -- MISSED -----------------------------------------------------------------------------


def unable_to_work_not_covered(facts: Facts, params: Params) -> Iterator[Case]:
    """miss.unable_to_work_not_covered: unable to work, poor, and in neither roll."""
    for row in facts.population.poverty:
        if row.skill not in UNABLE or row.income is None:
            continue
        standard = facts.standard(row.region_code[:6], "rural")
        if standard is None or row.income >= 12 * standard:
            continue
        person = facts.poverty_key(row)
        if person in facts.covered or person in facts.tekun:
            continue
        age = facts.age(person)
        child = (age is not None and age < params.child_age) or bool(row.school)
        if child and facts.has_working_parent(row):
            continue
        yield Case.of("miss.unable_to_work_not_covered", [person], [_poverty(row.household_no)])


def living_subsidy(facts: Facts, params: Params) -> Iterator[Case]:
    """miss.living_subsidy: a valid certificate in 低保 without an ACTIVE LIVING subsidy."""
    for person in facts.certificates:
        if not facts.valid_certificates(person) or person not in facts.covered or person in facts.tekun:
            continue
        if not facts.has_active_subsidy(person, "LIVING"):
            yield Case.of("miss.living_subsidy", [person], _civil(facts.covered_households(person)))


def nursing_subsidy(facts: Facts, params: Params) -> Iterator[Case]:
    """miss.nursing_subsidy: a severe valid certificate without an ACTIVE NURSING subsidy."""
    for person in facts.certificates:
        if not facts.severe(person) or facts.has_active_subsidy(person, "NURSING"):
            continue
        if params.tekun_excludes_nursing and person in facts.tekun:
            continue
        yield Case.of("miss.nursing_subsidy", [person])


def insurance_not_enrolled(facts: Facts, params: Params) -> Iterator[Case]:
    """miss.insurance_not_enrolled: in an assistance roll or unresolved monitoring, and not insured."""
    at_risk: dict[str, set[str]] = defaultdict(set)
    for row in facts.population.poverty:
        if row.risk_cleared == "否":
            at_risk[facts.poverty_key(row)].add(_poverty(row.household_no))
    for person in set(facts.covered) | set(facts.tekun) | set(at_risk):
        # A number that cannot be asked of the platform (invalid, unlinked) is
        # no knowledge of insurance; an askable one without an answer line is
        # what the platform answers ``found: false`` for: not enrolled.
        if not facts.askable(person) or facts.enrolled(person) or facts.death_date(person) is not None:
            continue
        households = _civil(facts.covered_households(person)) + sorted(at_risk.get(person, ()))
        yield Case.of("miss.insurance_not_enrolled", [person], households)


def insurance_subsidy(facts: Facts, params: Params) -> Iterator[Case]:
    """miss.insurance_subsidy: enrolled with a lower subsidy category than 特困 or 低保 is due."""
    for person in set(facts.covered) | set(facts.tekun):
        categories = facts.enrolled(person)
        if not categories:
            continue
        due = "TEKUN_FULL" if person in facts.tekun else "DIBAO"
        if max(RANK.get(c, 0) for c in categories) < RANK[due]:
            yield Case.of("miss.insurance_subsidy", [person], _civil(facts.covered_households(person)))


def single_person_dibao(facts: Facts, params: Params) -> Iterator[Case]:
    """miss.single_person_dibao: may apply as a single-person household (advisory)."""
    for row in facts.population.poverty:
        person = facts.poverty_key(row)
        if row.income is None or person in facts.covered or person in facts.tekun:
            continue
        if not facts.single_route(person) and "患有大病" not in row.health:
            continue
        standard = facts.standard(row.region_code[:6], "rural")
        if standard is None or row.income / 12 >= params.single_person_band * standard:
            continue
        if facts.poverty_in_dibao(row.household_no):
            continue
        yield Case.of("miss.single_person_dibao", [person], [_poverty(row.household_no)])


# -- SPLIT_HOUSEHOLD --------------------------------------------------------------------


def one_family_many_dibao(facts: Facts, params: Params) -> Iterator[Case]:
    """split.one_family_many_dibao: one poverty-relief family covered in two or more 低保 households."""
    for household_no, rows in facts.poverty_households.items():
        persons: set[str] = set()
        counted: set[str] = set()
        for row in rows:
            person = facts.poverty_key(row)
            for household in facts.covered.get(person, ()):
                if not facts.lone_qualifier(household):
                    persons.add(person)
                    counted.add(household.household_id)
        if len(counted) >= 2:
            yield Case.of("split.one_family_many_dibao", persons, [_poverty(household_no), *_civil(counted)])


def same_address_kin(facts: Facts, params: Params) -> Iterator[Case]:
    """split.same_address_kin: 低保 households at one address joined by close kin (one case a group)."""
    households = [h for h in facts.active_dibao if not facts.lone_qualifier(h)]
    covered = [{facts.linker.key("civil", m.raw_id) for m in h.members if m.covered} for h in households]
    where = [address_key(h.region_code, h.address) for h in households]
    covering: dict[tuple[tuple[str, str], str], list[int]] = defaultdict(list)
    for index, persons in enumerate(covered):
        for person in persons:
            covering[(where[index], person)].append(index)
    parent = list(range(len(households)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Join two households at one address when a covered member of one is close
    # kin of a covered member of the other; groups are the joined components.
    for index, persons in enumerate(covered):
        for person in persons:
            for partner in facts.kin.get(person, ()):
                for other in covering.get((where[index], partner), ()):
                    if other != index:
                        parent[root(other)] = root(index)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(households)):
        groups[root(index)].append(index)
    for group in groups.values():
        if len(group) >= 2:
            yield Case.of(
                "split.same_address_kin",
                [p for i in group for p in covered[i]],
                _civil(households[i].household_id for i in group),
            )


def padded_household(facts: Facts, params: Params) -> Iterator[Case]:
    """split.padded_household: a covered member whose own family lives elsewhere and is not in 低保 (合户保)."""
    # One finding per 低保 household: every padded member of it, with his
    # poverty-relief household.
    padded: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for person, dibao_households in facts.covered.items():
        rows = facts.poverty_of.get(person)
        age = facts.age(person)
        if not rows or (age is not None and age < params.adult_age):
            continue
        for row in rows:
            if row.school:
                continue
            others = [o for o in facts.poverty_households[row.household_no] if facts.poverty_key(o) != person]
            if any(facts.poverty_key(o) in facts.covered for o in others):
                continue
            here = address_key(row.region_code, row.address)
            for household in dibao_households:
                if address_key(household.region_code, household.address) != here:
                    persons, households = padded[household.household_id]
                    persons.add(person)
                    households.add(_poverty(row.household_no))
    for household_id, (persons, households) in padded.items():
        yield Case.of("split.padded_household", persons, [*_civil([household_id]), *households])


# -- OTHER ------------------------------------------------------------------------------


def deceased_paid(facts: Facts, params: Params) -> Iterator[Case]:
    """other.deceased_paid: still paid more than 31 days after death."""
    persons = set(facts.covered) | set(facts.tekun) | set(facts.certificates) | set(facts.insured)
    for person in persons:
        died = facts.death_date(person)
        if died is None or (facts.day - died).days <= params.death_window_days:
            continue
        paid = (
            person in facts.covered
            or person in facts.tekun
            or facts.has_active_subsidy(person, "LIVING")
            or facts.has_active_subsidy(person, "NURSING")
        )
        if paid:
            yield Case.of("other.deceased_paid", [person], _civil(facts.covered_households(person)))


def subsidy_on_invalid_certificate(facts: Facts, params: Params) -> Iterator[Case]:
    """other.subsidy_on_invalid_certificate: an ACTIVE subsidy on an EXPIRED or CANCELLED certificate."""
    for person, certs in facts.certificates.items():
        for cert in certs:
            if cert.status not in ("EXPIRED", "CANCELLED"):
                continue
            if not any(s.status == "ACTIVE" for s in cert.subsidies):
                continue
            if (
                cert.status == "EXPIRED"
                and cert.valid_until is not None
                and (facts.day - cert.valid_until).days < params.renewal_window_days
            ):
                continue
            yield Case.of("other.subsidy_on_invalid_certificate", [person])


def benefit_above_entitlement(facts: Facts, params: Params) -> Iterator[Case]:
    """other.benefit_above_entitlement: paid more than the gap to the standard, plus the special extra."""
    for household in facts.active_dibao:
        dibao = household.dibao
        if dibao is None:
            continue
        covered = {facts.linker.key("civil", m.raw_id) for m in household.members if m.covered}
        specials = sum(1 for p in covered if facts.special(p, params.child_age, params.elderly_age))
        allowed = (dibao.standard - dibao.per_capita_income) * len(covered)
        allowed += params.special_member_extra * dibao.standard * specials
        if dibao.monthly_amount - allowed > params.benefit_tolerance:
            yield Case.of("other.benefit_above_entitlement", (), _civil([household.household_id]))


def identity_conflict(facts: Facts, params: Params) -> Iterator[Case]:
    """other.identity_conflict: one number, two names, birth dates or genders; or a certNo not its idCard."""
    names: dict[str, set[str]] = defaultdict(set)
    births: dict[str, set[object]] = defaultdict(set)
    genders: dict[str, set[str]] = defaultdict(set)

    def carry(raw: str, name: str | None, birth: object, gender: str | None) -> None:
        number = normalise_id(raw)
        if number is None:
            return  # a linked record carries no number of its own
        if name:
            names[number].add(normalise_name(name))
        if birth is not None:
            births[number].add(birth)
        if gender:
            genders[number].add(gender)

    p = facts.population
    for household in p.households:
        for m in household.members:
            carry(m.raw_id, m.name, m.birth, m.gender)
    for record in p.tekun:
        carry(record.raw_id, record.name, None, None)
    for row in p.poverty:
        carry(row.raw_id, row.name, row.birth, row.gender)
    for cert in p.certificates:
        carry(cert.raw_id, cert.name, cert.birth, cert.gender)
    for answer in p.insured:
        carry(answer.id_number, answer.name, None, None)
    for number in names.keys() | births.keys() | genders.keys():
        if (
            len(names.get(number, ())) > 1
            or len(births.get(number, ())) > 1
            or len(genders.get(number, ())) > 1
        ):
            yield Case.of("other.identity_conflict", [number])
    for cert in p.certificates:
        if not cert.cert_no.startswith(clean(cert.raw_id)):
            yield Case.of("other.identity_conflict", [facts.linker.key("disability", cert.raw_id)])


RULES: tuple[tuple[str, Rule], ...] = (
    ("dup.dibao_multiple_households", dibao_multiple_households),
    ("dup.dibao_and_tekun", dibao_and_tekun),
    ("dup.tekun_multiple", tekun_multiple),
    ("dup.insurance_multiple_enrollment", insurance_multiple_enrollment),
    ("dup.disability_subsidy_and_tekun", disability_subsidy_and_tekun),
    ("dup.temp_aid_repeated", temp_aid_repeated),
    ("miss.unable_to_work_not_covered", unable_to_work_not_covered),
    ("miss.living_subsidy", living_subsidy),
    ("miss.nursing_subsidy", nursing_subsidy),
    ("miss.insurance_not_enrolled", insurance_not_enrolled),
    ("miss.insurance_subsidy", insurance_subsidy),
    ("miss.single_person_dibao", single_person_dibao),
    ("split.one_family_many_dibao", one_family_many_dibao),
    ("split.same_address_kin", same_address_kin),
    ("split.padded_household", padded_household),
    ("other.deceased_paid", deceased_paid),
    ("other.subsidy_on_invalid_certificate", subsidy_on_invalid_certificate),
    ("other.benefit_above_entitlement", benefit_above_entitlement),
    ("other.identity_conflict", identity_conflict),
)
"""Every rule of rules.md, by id."""
