"""The oracle: an independent reference checker for the integrity rules of contracts/rules.md.

It reads a generated population folder directly, in each department's wire
format (sandbox/layout.py), and evaluates every rule in plain Python, so that
the sandbox's planted truth can be proved exact and the hub scored against it.
It is written from the contracts alone: it imports ``sandbox.layout``, the
standard library and OpenCC, never the adapters, the graph or the hub.

Public names: ``evaluate``, ``Case``, ``Params``, ``RULES``, ``read_cases``.

Where rules.md leaves room, the oracle reads it so (the hub should agree):

- Linking compares the record's own birth-date field with the birth date
  written in the candidate valid number; a raw number whose records of one
  source link to different persons follows no link. Unlinked records are
  keyed by their raw number exactly as written.
- A person keyed by an unlinked raw number has no age: no age-based exception
  or special-member extra applies to him; the medical platform cannot be asked
  about him, so he is never "not enrolled".
- A valid number with no line in medical/insured.jsonl is what the platform
  answers ``found: false`` for: not enrolled.
- Identity conflicts compare only records that carry the number themselves
  (after normalisation), never records that reached it through a link; birth
  dates and genders are compared between records, not with the number's digits.
- Two deaths on certificates: the earliest. Subsidies, certificates and
  poverty rows are read per person across all his records.
- One ``split.padded_household`` finding per 低保 household, naming every
  padded member and each one's poverty-relief household.
- ``dup.temp_aid_repeated`` chains join through a shared payee or a shared
  household: one finding per connected chain.
- A 低保 household sent twice in the feed: the last version stands.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sandbox.oracle.case import Case
from sandbox.oracle.load import load
from sandbox.oracle.params import Params
from sandbox.oracle.rules import RULES
from sandbox.oracle.terms import Facts

__all__ = ["RULES", "Case", "Params", "evaluate", "read_cases"]


def evaluate(
    folder: Path, *, check_date: date | None = None, params: Params | None = None, year: int | None = None
) -> set[Case]:
    """Every case the rules find in a population folder.

    ``check_date`` and ``year`` default to meta.json's ``check_date`` and
    ``year``; ``params`` to the profile defaults of rules.md.
    """
    facts = Facts(load(folder, check_date=check_date, year=year))
    params = params or Params()
    return {case for _, rule in RULES for case in rule(facts, params)}


def read_cases(file: Path) -> set[Case]:
    """The cases of a truth file (one JSON object a line)."""
    with file.open(encoding="utf-8") as handle:
        return {Case.from_dict(json.loads(line)) for line in handle if line.strip()}
