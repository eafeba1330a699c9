"""What a rule is: data (id, kind, words, parameters, examples) plus one Cypher query.

A rule's query returns one row per case with these columns, which the engine
(:mod:`graph.checks`) turns into a :class:`graph.hits.Hit`:

``persons``
    normalised ID numbers of the persons the finding names;
``households``
    ``"<source>:<household id>"`` of the households it names;
``regions``
    region codes of the facts read (the hit's region is their common prefix);
``evidence``
    maps ``{source, record_key, facts: map, note}``, one per fact read;
``summary`` (optional)
    one line about this case; ``severity`` (optional) overrides the rule's;
``links`` (optional)
    keys a ``combine`` hook joins rows on (see :func:`merge_linked`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from adapters.records import Record
from graph.hits import Kind, Severity

Row = dict[str, Any]
"""One row of a rule's query, as the driver hands it back."""

Combine = Callable[[list[Row]], list[Row]]
"""A rule's post-processing of its rows (deterministic: same rows in, same rows out)."""

EXAMPLE_CHECK_DATE = date(2026, 11, 23)
"""The check date every example assumes unless it says otherwise."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """The words a reviewer reads, under the four fixed headings (Chinese, then English)."""

    what_it_flags: str
    why_it_matters: str
    typical_cause: str
    what_to_do: str

    HEADINGS = (
        ("what_it_flags", "查什么 / What it flags"),
        ("why_it_matters", "为什么重要 / Why it matters"),
        ("typical_cause", "常见原因 / Typical cause"),
        ("what_to_do", "怎么处理 / What to do"),
    )

    def sections(self) -> tuple[tuple[str, str], ...]:
        """(heading, text) in the fixed order."""
        return tuple((heading, str(getattr(self, name))) for name, heading in self.HEADINGS)

    def as_text(self) -> str:
        """The explanation as one text block, headings first on their lines."""
        return "\n\n".join(f"{heading}\n{text}" for heading, text in self.sections())


@dataclass(frozen=True, slots=True)
class Expect:
    """The subjects of one hit an example must produce."""

    persons: tuple[str, ...] = ()
    households: tuple[str, ...] = ()

    def key(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(sorted(self.persons)), tuple(sorted(self.households))


@dataclass(frozen=True, slots=True)
class Example:
    """A tiny graph (canonical records) and exactly the hits the rule must find in it.

    ``spared`` names the look-alikes (person ids or household keys) that must appear
    in no hit: the exceptions of rules.md. ``settings`` overrides the default policy
    profile (for instance ``tekun_excludes_nursing``).
    """

    name: str
    records: tuple[Record | tuple[Record, ...], ...]
    flags: tuple[Expect, ...] = ()
    spared: tuple[str, ...] = ()
    settings: Mapping[str, object] = field(default_factory=dict)
    check_date: date = EXAMPLE_CHECK_DATE

    def __post_init__(self) -> None:
        # A poverty household is several member lines: let an example list it as one item.
        flat: list[Record] = []
        for item in self.records:
            if isinstance(item, tuple | list):
                flat.extend(item)
            else:
                flat.append(item)
        object.__setattr__(self, "records", tuple(flat))


@dataclass(frozen=True, slots=True)
class Rule:
    """One integrity rule of ``contracts/rules.md``: data plus one parameterised query."""

    id: str  # exactly as rules.md writes it
    kind: Kind
    severity: Severity
    summary: str  # one line in Chinese, then one in English
    explanation: Explanation
    policy_basis: str
    household_notion: str  # which household it reads: 低保 civil household, poverty household, address
    cypher: str = field(repr=False)  # $params only: values never enter the text
    params: Mapping[str, object] = field(default_factory=dict)
    examples: tuple[Example, ...] = field(default=(), repr=False)
    combine: Combine | None = None

    @property
    def title(self) -> str:
        """The summary's first line."""
        return self.summary.splitlines()[0] if self.summary else self.id


# ---------------------------------------------------------------------------
# Combine hooks


def merge_linked(rows: list[Row]) -> list[Row]:
    """Rows that share a ``links`` key, directly or through one another, become one row.

    Connected components by union-find over the link keys; each component's
    persons, households, regions and evidence are the union of its rows'. Output is
    ordered by each component's smallest link key, so runs are reproducible.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for row in rows:
        links = [str(k) for k in row.get("links") or ()]
        for key in links:
            find(key)
        for a, b in itertools.pairwise(links):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

    groups: dict[str, list[Row]] = {}
    for row in rows:
        links = [str(k) for k in row.get("links") or ()]
        root = find(links[0]) if links else f"\x00{len(groups)}"
        groups.setdefault(root, []).append(row)

    merged: list[Row] = []
    for root in sorted(groups):
        members = groups[root]
        combined: Row = {
            "links": sorted({str(k) for r in members for k in r.get("links") or ()}),
            "persons": _union(members, "persons"),
            "households": _union(members, "households"),
            "regions": _union(members, "regions"),
            "evidence": _union_evidence(members),
        }
        for extra in ("summary", "severity"):
            values = sorted({str(r[extra]) for r in members if r.get(extra)})
            if values:
                combined[extra] = values[-1]
        merged.append(combined)
    return merged


def _union(rows: Sequence[Row], column: str) -> list[Any]:
    return sorted({v for r in rows for v in r.get(column) or () if v is not None})


def _union_evidence(rows: Sequence[Row]) -> list[Any]:
    seen: dict[str, Any] = {}
    for row in rows:
        for ev in row.get("evidence") or ():
            if ev is None:
                continue
            marker = repr((ev.get("source"), ev.get("record_key"), sorted((ev.get("facts") or {}).items())))
            seen.setdefault(marker, ev)
    return [seen[k] for k in sorted(seen)]
