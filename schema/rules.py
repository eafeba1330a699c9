# mypy: disable-error-code="untyped-decorator"
"""The rule catalogue, read from ``graph.rules`` (``RULES``): summaries and explanations are
written once, in the rule definitions, and shown here as they are."""

from __future__ import annotations

import importlib
from typing import Any

import strawberry

from schema.enums import FindingKind, Severity


def rule_definitions() -> dict[str, Any]:
    """Every registered rule by id; empty while ``graph.rules`` registers none."""
    try:
        module = importlib.import_module("graph.rules")
    except ImportError:
        return {}
    rules = getattr(module, "RULES", ())
    return {str(rule.id): rule for rule in rules}


@strawberry.type(description="An integrity rule: its id (as in rules.md) and its own words.")
class Rule:
    id: str = strawberry.field(description="The stable rule id, e.g. `dup.dibao_multiple_households`.")
    kind: FindingKind = strawberry.field(description="The kind of case the rule flags.")
    severity: Severity = strawberry.field(description="The rule's default severity.")
    summary: str = strawberry.field(description="One line: what the rule flags (from the rule definition).")
    explanation: str = strawberry.field(
        description="What it flags, why it matters, typical cause, what to do (from the rule definition)."
    )

    @classmethod
    def from_definition(cls, rule: Any) -> Rule:
        return cls(
            id=str(rule.id),
            kind=FindingKind(str(getattr(rule.kind, "value", rule.kind))),
            severity=Severity(str(getattr(rule.severity, "value", rule.severity))),
            summary=str(rule.summary),
            explanation=rule.explanation.as_text(),
        )


def rule_by_id(rule_id: str) -> Rule | None:
    """The rule's type, or None for an id no longer registered."""
    rule = rule_definitions().get(rule_id)
    return Rule.from_definition(rule) if rule is not None else None
