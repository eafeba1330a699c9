"""The Terms of rules.md, each computed once over a parsed population.

``Facts`` indexes the four sources by person (normalised, linked, or raw
number) and answers the defined terms: active 低保 household, covered member,
active 特困 person, deceased, same address, close kin, working parent, the
standard in force, the single-person route.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from sandbox.oracle.identity import Claim, Linker, age_on, normalise_id, t2s
from sandbox.oracle.records import Certificate, Household, Insured, Population, PovertyMember, Tekun

WORKING = frozenset({"技能劳动力", "普通劳动力", "弱劳动力或半劳动力"})
UNABLE = frozenset({"丧失劳动力", "无劳动力"})
RANK = {"NONE": 0, "POVERTY": 1, "DIBAO": 2, "TEKUN_FULL": 3}

# GB/T 4761 codes that make a member close kin of the head (02): spouse
# 10–12, son 20–27 and 29, daughter 30–37 and 39, parent 50–52, 57, 58.
_CIVIL_KIN = frozenset(
    f"{n:02d}" for n in (10, 11, 12, *range(20, 28), 29, *range(30, 38), 39, 50, 51, 52, 57, 58)
)
_POVERTY_KIN = (
    ("户主", frozenset({"配偶", "之子", "之女", "之父", "之母"})),
    ("配偶", frozenset({"之子", "之女"})),
    ("之父", frozenset({"之母"})),
)
_PARENTS_OF = {
    "之子": frozenset({"户主", "配偶"}),
    "之女": frozenset({"户主", "配偶"}),
    "之孙子": frozenset({"之子", "之女", "之儿媳", "之女婿"}),
    "之孙女": frozenset({"之子", "之女", "之儿媳", "之女婿"}),
    "户主": frozenset({"之父", "之母"}),
}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = re.compile("[零〇一二三四五六七八九十百千]+")
_SPACES = re.compile(r"\s+")


def _numeral_value(run: str) -> str:
    if not any(ch in _UNITS for ch in run):
        return "".join(str(_DIGITS[ch]) for ch in run)  # 三〇五 → 305
    total, current = 0, 0
    for ch in run:
        if ch in _UNITS:
            total += (current or 1) * _UNITS[ch]  # 十二: a bare 十 is ten
            current = 0
        else:
            current = _DIGITS[ch]
    return str(total + current)


def house_part(address: str) -> str:
    """The part of an address after its last 村 or 社区, folded (rules.md "same address")."""
    text = _SPACES.sub("", t2s(unicodedata.normalize("NFKC", address)))
    cut = max(text.rfind("村") + 1 if "村" in text else 0, text.rfind("社区") + 2 if "社区" in text else 0)
    return _NUMERAL.sub(lambda m: _numeral_value(m.group()), text[cut:])


def in_force(
    standards: dict[tuple[str, str], list[tuple[date, Decimal]]], county: str, area: str, day: date
) -> Decimal | None:
    """The monthly standard in force on a day: the newest effective on or before it."""
    found = None
    for effective, monthly in standards.get((county, area), ()):
        if effective <= day:
            found = monthly  # listed in effective order, newest last among equals
    return found


class Facts:
    """A population seen through the Terms, as of its check date."""

    def __init__(self, population: Population) -> None:
        self.population = population
        self.day = population.check_date
        self.year = population.year
        self.linker = Linker(self._claims())
        key = self.linker.key

        self.standards: dict[tuple[str, str], list[tuple[date, Decimal]]] = defaultdict(list)
        for standard in sorted(population.standards, key=lambda s: s.effective_from):
            self.standards[(standard.county, standard.area_type)].append(
                (standard.effective_from, standard.monthly)
            )

        self.households = {h.household_id: h for h in population.households}
        self.active_dibao = [h for h in population.households if self._is_active_dibao(h)]
        self.covered: dict[str, list[Household]] = defaultdict(list)
        for household in self.active_dibao:
            for person in sorted({key("civil", m.raw_id) for m in household.members if m.covered}):
                self.covered[person].append(household)

        self.tekun: dict[str, list[Tekun]] = defaultdict(list)
        for record in population.tekun:
            if (
                record.status == "active"
                and record.start <= self.day
                and (record.end is None or record.end >= self.day)
            ):
                self.tekun[key("civil", record.raw_id)].append(record)

        self.certificates: dict[str, list[Certificate]] = defaultdict(list)
        for cert in population.certificates:
            self.certificates[key("disability", cert.raw_id)].append(cert)

        self.poverty_of: dict[str, list[PovertyMember]] = defaultdict(list)
        self.poverty_households: dict[str, list[PovertyMember]] = defaultdict(list)
        for row in population.poverty:
            self.poverty_of[key("poverty", row.raw_id)].append(row)
            self.poverty_households[row.household_no].append(row)

        self.insured: dict[str, Insured] = {}
        for answer in population.insured:
            self.insured[key("medical", answer.id_number)] = answer

        self.kin = self._close_kin()

    # -- identity -----------------------------------------------------------------------

    def _claims(self) -> Iterator[Claim]:
        p = self.population
        for household in p.households:
            for member in household.members:
                yield Claim("civil", member.raw_id, member.name, member.birth)
        for record in p.tekun:
            yield Claim("civil", record.raw_id, record.name, None)
        for payment in p.payments:
            yield Claim("civil", payment.raw_id, None, None)
        for row in p.poverty:
            yield Claim("poverty", row.raw_id, row.name, row.birth)
        for cert in p.certificates:
            yield Claim("disability", cert.raw_id, cert.name, cert.birth)
        for answer in p.insured:
            yield Claim("medical", answer.id_number, answer.name, None)

    def member_key(self, household: Household) -> list[str]:
        """The persons listed in a civil household, in listing order."""
        return [self.linker.key("civil", m.raw_id) for m in household.members]

    def poverty_key(self, row: PovertyMember) -> str:
        """The person a poverty-relief member line concerns."""
        return self.linker.key("poverty", row.raw_id)

    def age(self, person: str) -> int | None:
        """Age on the check date from the person's number; None for an unlinked raw number."""
        return age_on(person, self.day)

    # -- civil terms --------------------------------------------------------------------

    def _is_active_dibao(self, household: Household) -> bool:
        dibao = household.dibao
        return (
            household.status == "active"
            and dibao is not None
            and dibao.status in ("active", "phasing_out")
            and dibao.start <= self.day
            and (dibao.end is None or dibao.end >= self.day)
        )

    def covered_households(self, person: str) -> list[str]:
        """C: the ids of the active 低保 households in which a person is covered."""
        return [h.household_id for h in self.covered.get(person, ())]

    def standard(self, county: str, area: str) -> Decimal | None:
        """The monthly standard in force on the check date for a county and area type."""
        return in_force(self.standards, county, area, self.day)

    # -- disability and medical terms ----------------------------------------------------

    def valid_certificates(self, person: str) -> list[Certificate]:
        """A person's certificates with ``certStatus: VALID``."""
        return [c for c in self.certificates.get(person, ()) if c.status == "VALID"]

    def severe(self, person: str) -> bool:
        """Holds a valid certificate of level 1 or 2."""
        return any(c.level <= 2 for c in self.valid_certificates(person))

    def has_active_subsidy(self, person: str, kind: str) -> bool:
        """Any of the person's certificates carries an ACTIVE subsidy of this type."""
        return any(
            s.type == kind and s.status == "ACTIVE"
            for c in self.certificates.get(person, ())
            for s in c.subsidies
        )

    def single_route(self, person: str) -> bool:
        """Qualifies for the single-person route (单人户)."""
        if any(c.level <= 2 or (c.level == 3 and c.type in (5, 6)) for c in self.valid_certificates(person)):
            return True
        return any("患有大病" in row.health for row in self.poverty_of.get(person, ()))

    def special(self, person: str, child_age: int, elderly_age: int) -> bool:
        """A special member for the 低保 extra: aged 60+ or under 16, or severely disabled."""
        age = self.age(person)
        return (age is not None and (age >= elderly_age or age < child_age)) or self.severe(person)

    def lone_qualifier(self, household: Household) -> bool:
        """An active 低保 household whose only listed member qualifies for the single-person route."""
        return len(household.members) == 1 and self.single_route(self.member_key(household)[0])

    def askable(self, person: str) -> bool:
        """The person has a valid number, one the medical platform can be asked about."""
        return normalise_id(person) == person

    def enrolled(self, person: str) -> list[str]:
        """The subsidy categories of a person's ENROLLED records of the check year."""
        answer = self.insured.get(person)
        if answer is None:
            return []
        return [r.subsidy_category for r in answer.records if r.status == "ENROLLED"]

    def death_date(self, person: str) -> date | None:
        """When a deceased person died (the medical date wins); None when not known deceased."""
        answer = self.insured.get(person)
        if answer is not None and answer.deceased:
            return answer.death_date or self.day
        dates = [
            c.modified_on
            for c in self.certificates.get(person, ())
            if c.status == "CANCELLED" and c.cancel_reason == "DECEASED"
        ]
        return min(dates) if dates else None

    # -- relations ----------------------------------------------------------------------

    def _close_kin(self) -> dict[str, set[str]]:
        pairs: set[tuple[str, str]] = set()
        for household in self.population.households:  # any status
            keys = self.member_key(household)
            heads = [k for k, m in zip(keys, household.members, strict=True) if m.relation == "02"]
            for k, member in zip(keys, household.members, strict=True):
                if member.relation in _CIVIL_KIN:
                    pairs.update((head, k) for head in heads)
        for rows in self.poverty_households.values():
            by_word: dict[str, list[str]] = defaultdict(list)
            for row in rows:
                by_word[row.relation].append(self.poverty_key(row))
            for word, partners in _POVERTY_KIN:
                for partner in partners:
                    pairs.update((a, b) for a in by_word[word] for b in by_word[partner])
            for inlaw, child in (("之儿媳", "之子"), ("之女婿", "之女")):
                if len(by_word[inlaw]) == 1 and len(by_word[child]) == 1:
                    pairs.add((by_word[inlaw][0], by_word[child][0]))
        kin: dict[str, set[str]] = defaultdict(set)
        for a, b in pairs:
            if a != b:
                kin[a].add(b)
                kin[b].add(a)
        return kin

    def close_kin(self, a: str, b: str) -> bool:
        """Spouses, or parent and child, according to any source."""
        return b in self.kin.get(a, ())

    def has_working_parent(self, row: PovertyMember) -> bool:
        """A working parent in the same poverty-relief household, by the relation words."""
        parents = _PARENTS_OF.get(row.relation, frozenset())
        return any(
            other.relation in parents and other.skill in WORKING and other is not row
            for other in self.poverty_households[row.household_no]
        )

    def poverty_in_dibao(self, household_no: str) -> bool:
        """Some member of a poverty-relief household is a covered member of an active 低保 household."""
        return any(self.poverty_key(row) in self.covered for row in self.poverty_households[household_no])


def address_key(region_code: str, address: str) -> tuple[str, str]:
    """What two addresses must share to be the same address."""
    return (region_code.strip(), house_part(address))
