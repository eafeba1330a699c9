"""Enumerations shared by the schema's types (values as the graph and store write them)."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="The four department systems, plus `doudi` for facts the hub derives.")
class SourceName(enum.Enum):
    CIVIL = "civil"
    POVERTY = "poverty"
    DISABILITY = "disability"
    MEDICAL = "medical"
    DOUDI = "doudi"


@strawberry.enum(description="What kind of integrity case a finding is (graph.hits.Kind).")
class FindingKind(enum.Enum):
    DUPLICATE = strawberry.enum_value(
        "DUPLICATE", description="Paid twice for one need (重复享受, 多头救助)."
    )
    MISSED = strawberry.enum_value("MISSED", description="Entitled and not reached (漏保, 应保未保).")
    SPLIT_HOUSEHOLD = strawberry.enum_value(
        "SPLIT_HOUSEHOLD", description="One family cut apart on paper or padded (拆户保, 合户保)."
    )
    OTHER = strawberry.enum_value("OTHER", description="Facts that contradict a payment.")


@strawberry.enum(description="How serious a finding is.")
class Severity(enum.Enum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@strawberry.enum(description="Where a finding stands in the review workflow (疑点 → 核查 → 结论 → 整改).")
class FindingStatus(enum.Enum):
    OPEN = strawberry.enum_value("OPEN", description="Found; nobody is looking yet (疑点).")
    ASSIGNED = strawberry.enum_value("ASSIGNED", description="A reviewer is verifying it (核查).")
    CONFIRMED = strawberry.enum_value("CONFIRMED", description="The case is real (结论).")
    DISMISSED = strawberry.enum_value("DISMISSED", description="Not a case, with the reason (结论).")
    RECTIFIED = strawberry.enum_value("RECTIFIED", description="Put right (整改).")
    CLEARED = strawberry.enum_value(
        "CLEARED", description="The latest run of its rule no longer finds it, before any conclusion."
    )


@strawberry.enum(description="Gender, as read from the ID number or written by a source.")
class Gender(enum.Enum):
    M = strawberry.enum_value("M", description="Male.")
    F = strawberry.enum_value("F", description="Female.")


@strawberry.enum(description="Where a value comes from: the graph as of the last sync, or a live look-up.")
class Origin(enum.Enum):
    GRAPH = strawberry.enum_value("GRAPH", description="The graph, as of the source's last sync.")
    LIVE = strawberry.enum_value("LIVE", description="Fetched live from the source for this request.")


def gender(value: object) -> Gender | None:
    """A gender from a stored ``M``/``F`` (None for anything else)."""
    return Gender(value) if value in ("M", "F") else None
