"""An exact-ID baseline for bench/quality.py: the oracle's rules with identity work switched off.

What a naive integration does: every record is joined to the others on its raw ID
string exactly as the department wrote it. No NFKC folding, no upper-casing of a
trailing ``x``, no 15→18-digit upgrade, no name + birth-date linking of mistyped
numbers. Everything else is the sandbox oracle's own reading of rules.md, reused
through its public records and terms so that the only difference from the oracle
(and so from the planted truth) is the identity layer:

- ``sandbox.oracle.load.load`` parses the folder exactly as the oracle does;
- ``RawFacts`` is the oracle's ``Facts`` with a linker whose ``key`` is the raw
  string itself; a person keyed so has an age (and can be asked about at the
  medical platform) only when that raw string happens to be a valid number as
  written, because the oracle's ``age_on``/``askable`` test exactly that;
- every rule function of ``sandbox.oracle.rules.RULES`` runs over it unchanged,
  except ``other.identity_conflict``, whose oracle version groups records by the
  *normalised* number internally; the baseline's version groups them by the raw
  string instead (same comparisons of names, birth dates and genders).

Cases it finds name persons by raw strings, so a case about a person whose number
was mistyped is found only if the baseline's raw key equals the true number: that is
the point of the comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sandbox.oracle import RULES, Case, Params
from sandbox.oracle.identity import Linker, clean, normalise_name
from sandbox.oracle.load import load
from sandbox.oracle.terms import Facts


class RawLinker(Linker):
    """A linker that links nothing and normalises nothing: the person key is the raw string."""

    def __init__(self) -> None:
        super().__init__(())

    def key(self, source: str, raw: str) -> str:
        """The raw number exactly as written."""
        return raw


_RAW = RawLinker()


class RawFacts(Facts):
    """The oracle's Terms over raw-string person keys.

    ``Facts.__init__`` builds its own ``Linker`` and indexes every source through
    it; the data descriptor below takes precedence over that assignment, so the
    indexes are built with :class:`RawLinker` without copying the oracle's code.
    """

    @property
    def linker(self) -> Linker:
        """Always the raw linker."""
        return _RAW

    @linker.setter
    def linker(self, value: Linker) -> None:
        # The oracle's linker is discarded on purpose: no normalisation, no linking.
        del value


def raw_identity_conflict(facts: Facts, params: Params) -> Iterator[Case]:
    """other.identity_conflict grouped on the raw ID string instead of the normalised number."""
    names: dict[str, set[str]] = defaultdict(set)
    births: dict[str, set[object]] = defaultdict(set)
    genders: dict[str, set[str]] = defaultdict(set)

    def carry(raw: str, name: str | None, birth: object, gender: str | None) -> None:
        if name:
            names[raw].add(normalise_name(name))
        if birth is not None:
            births[raw].add(birth)
        if gender:
            genders[raw].add(gender)

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
        if any(len(index.get(number, ())) > 1 for index in (names, births, genders)):
            yield Case.of("other.identity_conflict", [number])
    for cert in p.certificates:
        # The certNo prefix test is the contract's own; a raw comparison would flag
        # every lower-case x, which no one would call a conflict, so keep clean().
        if not cert.cert_no.startswith(clean(cert.raw_id)):
            yield Case.of("other.identity_conflict", [cert.raw_id])


def evaluate_exact_id(folder: Path, *, check_date: date | None = None, year: int | None = None) -> set[Case]:
    """Every case the exact-ID baseline finds in a population folder."""
    facts = RawFacts(load(folder, check_date=check_date, year=year))
    params = Params()
    found: set[Case] = set()
    for rule_id, rule in RULES:
        chosen = raw_identity_conflict if rule_id == "other.identity_conflict" else rule
        found.update(chosen(facts, params))
    return found
