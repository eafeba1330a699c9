"""A case: one finding named as rules.md's "What each finding names" table says."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class Case:
    """One finding as rules.md names it: rule, persons, households (both sorted)."""

    rule: str
    persons: tuple[str, ...] = ()
    households: tuple[str, ...] = ()

    @classmethod
    def of(cls, rule: str, persons: Iterable[str] = (), households: Iterable[str] = ()) -> Case:
        """A case with its subjects de-duplicated and sorted."""
        return cls(rule, tuple(sorted(set(persons))), tuple(sorted(set(households))))

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> Case:
        """Read one line of a truth file."""
        return cls.of(str(obj["rule"]), obj.get("persons") or (), obj.get("households") or ())

    def to_dict(self) -> dict[str, Any]:
        """The case as a truth-file object."""
        return {"rule": self.rule, "persons": list(self.persons), "households": list(self.households)}

    def to_json(self) -> str:
        """The case as one truth-file line."""
        return json.dumps(self.to_dict(), ensure_ascii=False)
