"""Masking of names and ID numbers for viewers without PII rights (a leaf module)."""

from __future__ import annotations

import re

_ID_LIKE = re.compile(r"\d{6}[0-9X*]{8,11}[0-9X]?", re.IGNORECASE)


def mask_id(value: str | None) -> str | None:
    """``530102198001011237`` → ``530102********1237``: the region and last four stay."""
    if value is None:
        return None
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """``张建国`` → ``张*国``, ``张三`` → ``张*``: the surname and the last character stay."""
    if value is None:
        return None
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_text(value: str) -> str:
    """Any ID number written inside free text (evidence values, record keys), masked."""
    return _ID_LIKE.sub(lambda m: mask_id(m.group(0)) or "", value)


NAME_FIELDS = frozenset({"name", "head_name", "guardian_name", "姓名", "户主姓名"})
"""Evidence fact fields that hold a person's name."""
