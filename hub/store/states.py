"""The store's vocabularies: finding status, review actions, rectification kinds, roles, run status.

A leaf module. Values are stored as plain text (not database enums) so adding a
value needs no migration.
"""

from __future__ import annotations

import enum


class FindingStatus(enum.StrEnum):
    """Where a finding stands in the review workflow (疑点 → 核查 → 结论 → 整改)."""

    OPEN = "OPEN"  # 疑点: found, nobody looking yet
    ASSIGNED = "ASSIGNED"  # 核查: a reviewer is verifying it
    CONFIRMED = "CONFIRMED"  # 结论: the case is real
    DISMISSED = "DISMISSED"  # 结论: not a case, with the reason
    RECTIFIED = "RECTIFIED"  # 整改: payment stopped, money recovered or person enrolled
    CLEARED = "CLEARED"  # the latest run of its rule no longer finds it (before any conclusion)


class ReviewAction(enum.StrEnum):
    """What a reviewer does to a finding."""

    ASSIGN = "ASSIGN"
    CONFIRM = "CONFIRM"
    DISMISS = "DISMISS"
    RECTIFY = "RECTIFY"


class RunEvent(enum.StrEnum):
    """What a check run does to a finding (recorded as events, actor ``doudi``)."""

    DETECTED = "DETECTED"
    CLEARED = "CLEARED"
    REOPENED = "REOPENED"


class Rectification(enum.StrEnum):
    """How a confirmed case was put right (整改)."""

    STOPPED = "STOPPED"  # payment stopped (停发)
    RECOVERED = "RECOVERED"  # money recovered (追回), with the amount
    ENROLLED = "ENROLLED"  # the person enrolled where he was missed (纳入)


class Role(enum.StrEnum):
    """What a user may do: a department sees its own source, a leader reads, an admin manages."""

    DEPARTMENT = "department"
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    ADMIN = "admin"


class RunStatus(enum.StrEnum):
    """A sync or check run's state."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


SYSTEM_ACTOR = "doudi"
"""The actor named on events a check run records."""
