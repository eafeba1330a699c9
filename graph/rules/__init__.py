"""The integrity rules of ``contracts/rules.md``: one module per rule, one tuple listing them.

Each module holds one :class:`~graph.rules._rule.Rule` named ``RULE``: data plus one
parameterised Cypher query. :data:`RULES` is the registry the engine
(:mod:`graph.checks`) runs; a meta-test checks every module is listed here.

May import: adapters (records, normalisation), graph.hits, the standard library.
Public names: :data:`RULES`, :class:`Rule`, :class:`Example`, :class:`Expect`,
:class:`Explanation`.
"""

from __future__ import annotations

from graph.rules import (
    dup_dibao_multiple_households,
)
from graph.rules._rule import Example, Expect, Explanation, Rule

RULES: tuple[Rule, ...] = (
    dup_dibao_multiple_households.RULE,
)
"""Every rule, in the order of rules.md."""

__all__ = ["RULES", "Example", "Expect", "Explanation", "Rule"]
