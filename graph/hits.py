"""What a rule run produces: hits with their subjects and evidence (a leaf module).

A hit becomes a finding in the hub's store; its ``finding_id`` is derived from the
rule id and the sorted subject keys, so a later run that finds the same case finds
the same finding.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    DUPLICATE = "DUPLICATE"  # 重复享受, 多头救助
    MISSED = "MISSED"  # 漏保, 应保未保
    SPLIT_HOUSEHOLD = "SPLIT_HOUSEHOLD"  # 拆户保, 合户保
    OTHER = "OTHER"


class Severity(enum.StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact a finding rests on, as a reviewer would find it in the source."""

    source: str  # civil, poverty, disability, medical, or "doudi" for derived facts
    record_key: str  # household id, certNo, payment id, "<file>:<line>", "<id>|<year>"
    facts: tuple[tuple[str, str], ...]  # (field, value read), in reading order
    note: str = ""  # what this fact shows, e.g. "covered member of an active 低保 household"

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "record_key": self.record_key,
            "facts": dict(self.facts),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Hit:
    """One case a rule flags: subjects named as rules.md's table says, plus evidence."""

    rule_id: str
    kind: Kind
    severity: Severity
    persons: tuple[str, ...]  # normalised ID numbers, sorted
    households: tuple[str, ...]  # "<source>:<household id>", sorted
    region: str  # the most specific region code common to the subjects ("" when none)
    evidence: tuple[Evidence, ...] = field(default=())
    summary: str = ""  # one line about this case (the rule's summary filled in)

    @property
    def finding_id(self) -> str:
        return finding_id(self.rule_id, self.persons, self.households)


def finding_id(rule_id: str, persons: tuple[str, ...], households: tuple[str, ...]) -> str:
    """A stable id: the same rule and subjects give the same id on every run."""
    subjects = "\x1f".join(sorted(persons)) + "\x1e" + "\x1f".join(sorted(households))
    digest = hashlib.sha256(f"{rule_id}\x1d{subjects}".encode()).hexdigest()
    return f"F-{digest[:20]}"


REGION_LEVELS = (2, 4, 6, 9, 12)
"""Lengths of a region code's prefixes: province, city, county, township, village."""


def common_region(codes: list[str] | tuple[str, ...]) -> str:
    """The most specific region (as a 2/4/6/9/12-digit prefix) that contains every code."""
    codes = [c for c in codes if c]
    if not codes:
        return ""
    best = ""
    for length in REGION_LEVELS:
        prefixes = {c[:length] for c in codes if len(c) >= length}
        if len(prefixes) != 1 or any(len(c) < length for c in codes):
            break
        best = prefixes.pop()
    return best
