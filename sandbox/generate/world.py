"""The generation context of one county: its random stream, its facts, and the factories.

Every county draws from its own ``random.Random`` seeded by (seed, county), so the
output does not depend on how many counties ran before. Identity uniqueness spans
the whole province through one shared :class:`Registry`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sandbox.generate import idnumbers, names, noise
from sandbox.generate.model import (
    CivilHousehold,
    Dibao,
    Member,
    Payment,
    Person,
    PovertyHousehold,
    PovertyMember,
    Tekun,
)
from sandbox.generate.regions import County, Village

NOISE_PROFILES = ("clean", "default", "dirty")


@dataclass(frozen=True, slots=True)
class Rates:
    """Background coverage; planted cases and truth do not depend on them."""

    dibao_urban: float = 0.02  # share of urban families in 低保
    dibao_rural: float = 0.04
    dibao_poor_rural: float = 0.08  # in the poor rural counties
    dibao_in_poverty: float = 0.3  # of poverty-relief families
    poverty_rural: float = 0.10  # share of rural families in poverty relief
    poverty_poor_rural: float = 0.22
    tekun_alone: float = 0.08  # of rural persons living alone, old or severely disabled (half in towns)
    disability: float = 0.06  # certificate holders among all persons
    insured: float = 0.96  # enrolled for the year among persons on no roll

    @classmethod
    def parse(cls, settings: list[str]) -> Rates:
        """Rates from ``name=value`` settings, the defaults for the others."""
        values: dict[str, float] = {}
        known = set(cls.__dataclass_fields__)
        for setting in settings:
            name, _, value = setting.partition("=")
            if name not in known:
                raise ValueError(f"unknown rate {name!r}; known: {', '.join(sorted(known))}")
            values[name] = float(value)
            if not 0 <= values[name] <= 1:
                raise ValueError(f"rate {name} must be between 0 and 1, got {value}")
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Config:
    """What ``sandbox generate`` was asked for."""

    persons: int
    seed: int
    province: str = "53"
    noise: str = "default"
    case_rate: float = 0.002
    check_date: date = field(default_factory=date.today)
    rates: Rates = field(default_factory=Rates)

    @property
    def year(self) -> int:
        return self.check_date.year


class Registry:
    """Numbers and names already given out, province-wide.

    No two persons share a number, and no two persons share (normalised name, birth
    date, first six digits), so a mistyped number is always linkable to one person.
    Kept as one string per (region, birth date) to stay small at a million persons.
    """

    def __init__(self) -> None:
        self._taken: dict[str, str] = {}

    def claim(self, region6: str, born: date, male: bool, name_key: str) -> str | None:
        """The new person's number, or None when the name is taken for that day and region."""
        key = f"{region6}{born:%Y%m%d}"
        entry = self._taken.get(key, "")
        if f"|{name_key}|" in entry + "|":
            return None
        tag = "m" if male else "f"
        k = entry.count("|" + tag) if entry else 0
        sequence = 2 * k + (1 if male else 2) + 2 * (born.toordinal() % 40)
        if sequence > 999:
            return None
        self._taken[key] = f"{entry}|{tag}|{name_key}"
        return idnumbers.make(region6, born, sequence)


def name_key(name: str) -> str:
    return name.replace(names.SEPARATOR, "")


class World:
    """One county's facts while they are generated."""

    def __init__(
        self,
        cfg: Config,
        county: County,
        counties: list[County],
        index: int,
        registry: Registry,
        standards: dict[tuple[str, str], Decimal],
    ) -> None:
        self.cfg = cfg
        self.county = county
        self.counties = counties
        self.index = index
        self.registry = registry
        self.standards = standards
        self.rng = random.Random(f"{cfg.seed}:{county.code}")
        self.day = cfg.check_date
        self.persons: list[Person] = []
        self.civil: list[CivilHousehold] = []
        self.tekun: list[Tekun] = []
        self.payments: list[Payment] = []
        self.poverty: list[PovertyHousehold] = []
        self.truth: list[dict[str, object]] = []
        self.lookalikes: list[dict[str, object]] = []
        self.profile = noise.PROFILES[cfg.noise]
        self.noise_rng = random.Random(f"{cfg.seed}:{county.code}:noise")
        self.ghost_faults: dict[int, str] = {}  # id(person) → how the certificate row breaks
        self._civil_no = 0
        self._foreign_no = 0
        self._payment_no = 0
        self._poverty_no: dict[str, int] = {}

    # -- places and time -------------------------------------------------------

    def other_county(self) -> County:
        """A different county of the province (for moves and double registrations)."""
        return self.counties[
            (self.index + 1 + self.rng.randrange(len(self.counties) - 1)) % len(self.counties)
        ]

    def village(self, urban: bool | None = None, county: County | None = None) -> Village:
        pool = (county or self.county).villages
        if urban is not None:
            matching = [v for v in pool if v.urban == urban]
            pool = matching or pool
        return self.rng.choice(pool)

    def days_ago(self, low: int, high: int) -> date:
        return self.day - timedelta(days=self.rng.randint(low, high))

    def stamp(self, low: int = 1, high: int = 300) -> datetime:
        """A change time some days before the check date, in office hours."""
        d = self.days_ago(low, high)
        return datetime(
            d.year, d.month, d.day, self.rng.randint(8, 17), self.rng.randint(0, 59), self.rng.randint(0, 59)
        )

    def standard(self, county: County, area: str) -> Decimal:
        """The monthly 低保 standard in force on the check date."""
        return self.standards[(county.code, area)]

    # -- persons ---------------------------------------------------------------

    def person(
        self,
        village: Village,
        male: bool,
        age: int,
        surname: str | None = None,
        minority: bool = False,
        county: County | None = None,
    ) -> Person:
        """A new person living in ``village``, born ``age`` years before the check date."""
        rng = self.rng
        home = county or self.county
        while True:
            year = self.day.year - age
            born = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            if (born.month, born.day) > (self.day.month, self.day.day):
                born = (
                    born.replace(year=year - 1)
                    if not (born.month == 2 and born.day == 29)
                    else date(year - 1, 2, 28)
                )
            region = home.code if rng.random() < 0.92 else rng.choice(self.counties).code
            if minority:
                name, ethnicity = names.minority_name(rng, male), "维吾尔族"
            else:
                name = (surname or names.surname(rng)) + names.given(rng, male)
                ethnicity = names.ethnicity(rng)
            number = self.registry.claim(region, born, male, name_key(name))
            if number is not None:
                p = Person(number, name, male, born, ethnicity, home, village)
                self.persons.append(p)
                return p

    # -- households --------------------------------------------------------------

    def civil_household(
        self,
        village: Village,
        house: str,
        members: list[Member],
        dibao: Dibao | None = None,
        status: str = "active",
        county: County | None = None,
    ) -> CivilHousehold:
        home = county or self.county
        if home is self.county:
            self._civil_no += 1
            number = self._civil_no
        else:  # filed in another county: numbers from a range of this world's own, never reused
            self._foreign_no += 1
            if self._foreign_no >= 8000:
                raise ValueError("too many households planted in other counties; lower --case-rate")
            number = 900000 + self.index * 8000 + self._foreign_no
        hh = CivilHousehold(
            f"MZ{home.code}-{number:06d}",
            home,
            village,
            house,
            "urban" if village.urban else "rural",
            status,
            self.stamp(),
            members,
            dibao,
        )
        self.civil.append(hh)
        return hh

    def dibao(
        self,
        village: Village,
        county: County | None = None,
        status: str = "active",
        start: date | None = None,
        end: date | None = None,
    ) -> Dibao:
        """A 低保 block paying exactly the differential entitlement (settled later)."""
        standard = self.standard(county or self.county, "urban" if village.urban else "rural")
        income = (standard * Decimal(self.rng.randint(0, 70)) / 100).quantize(Decimal("1"))
        return Dibao(
            self.rng.choice("ABC"),
            status,
            start or self.days_ago(60, 2500),
            end,
            income,
            standard,
        )

    def add_tekun(
        self,
        person: Person,
        hid: str,
        status: str = "active",
        start: date | None = None,
        end: date | None = None,
    ) -> Tekun:
        urban = self.standard(person.county, "urban")
        record = Tekun(
            person,
            hid,
            "centralized" if self.rng.random() < 0.2 else "scattered",
            status,
            start or self.days_ago(100, 3000),
            end,
            (urban * Decimal("1.3")).quantize(Decimal("1")) + self.rng.randint(0, 200),
            self.rng.choice(("full_self_care", "full_self_care", "partial", "none")),
            self.stamp(),
        )
        self.tekun.append(record)
        return record

    def add_payment(
        self, person: Person, hid: str, reason: str, paid_on: date, program: str = "TEMP_AID"
    ) -> Payment:
        self._payment_no += 1
        amount = Decimal(self.rng.choice((500, 800, 1000, 1500, 2000, 3000)))
        pay = Payment(
            f"P{self.cfg.year}-{self.index:02d}{self._payment_no:05d}",
            program,
            person,
            hid,
            amount,
            paid_on,
            reason,
            person.village.code,
        )
        self.payments.append(pay)
        return pay

    def poverty_household(
        self,
        village: Village,
        house: str,
        members: list[PovertyMember],
        income: Decimal,
        kind: str | None = None,
    ) -> PovertyHousehold:
        no = self._poverty_no.get(village.code, 0) + 1
        self._poverty_no[village.code] = no
        kind = kind or self.rng.choice(
            ("脱贫户", "脱贫户", "脱贫户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
        )
        risk = "" if kind == "脱贫户" else ("是" if self.rng.random() < 0.6 else "否")
        ph = PovertyHousehold(
            f"{village.code}-{no:04d}",
            self.county,
            village,
            house,
            kind,
            risk,
            income,
            self.rng.randint(2014, min(2024, self.cfg.year)),
            self.stamp(),
            members,
        )
        for m in members:
            m.person.poverty = ph
        self.poverty.append(ph)
        return ph

    # -- what the cases say ----------------------------------------------------

    def case(self, rule: str, persons: list[Person], households: list[str]) -> None:
        for p in persons:
            p.subject = True
        self.truth.append(
            {"rule": rule, "persons": sorted(p.id18 for p in persons), "households": sorted(households)}
        )

    def lookalike(self, rule: str, persons: list[Person], households: list[str], why: str) -> None:
        for p in persons:
            p.subject = True
        self.lookalikes.append(
            {
                "rule": rule,
                "persons": sorted(p.id18 for p in persons),
                "households": sorted(households),
                "why": why,
            }
        )
