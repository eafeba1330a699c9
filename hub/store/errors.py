"""Errors of the hub's SQL store.

::

    StoreError                  anything the store refuses; the message says what to fix
    ├── TransitionError         a review step the workflow does not allow (code: TransitionCode)
    ├── AuthenticationError     a token that does not authenticate (code: AuthCode)
    ├── UserError               a user that cannot be added, found or changed
    ├── CursorError             a page cursor the store did not issue
    └── AuditError              an audit entry that cannot be written

Database driver faults (``sqlalchemy.exc``) are not translated here: the store's
callers decide whether an unreachable database is a person's fault (the CLI says so
in one line) or a server fault (the API masks it).
"""

from __future__ import annotations

import enum


class StoreError(Exception):
    """The store refused a request; ``str(exc)`` is one line a person can act on."""


class TransitionCode(enum.StrEnum):
    """Why a review step was refused."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    ACTOR_REQUIRED = "ACTOR_REQUIRED"
    ASSIGNEE_REQUIRED = "ASSIGNEE_REQUIRED"
    REASON_REQUIRED = "REASON_REQUIRED"
    RECTIFICATION_REQUIRED = "RECTIFICATION_REQUIRED"
    AMOUNT_REQUIRED = "AMOUNT_REQUIRED"
    INVALID_AMOUNT = "INVALID_AMOUNT"


class TransitionError(StoreError):
    """A review step refused, with a code the API returns as a typed result."""

    def __init__(self, code: TransitionCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class AuthCode(enum.StrEnum):
    """Why a token did not authenticate (for logs; clients only learn that it did not)."""

    UNKNOWN = "UNKNOWN"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    INACTIVE_USER = "INACTIVE_USER"


class AuthenticationError(StoreError):
    """A token that names no active user."""

    def __init__(self, code: AuthCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class UserError(StoreError):
    """A user that cannot be added, found or changed as asked."""


class CursorError(StoreError):
    """A pagination cursor that this store did not issue."""


class AuditError(StoreError):
    """An audit entry that cannot be written as given."""
