"""Errors of the schema layer and the typed error results of mutations.

::

    SchemaError              anything the schema raises on purpose
    ├── NotAuthenticated     no valid token; the request is refused
    ├── Forbidden            the viewer's role may not read or do this
    ├── BadArgument          an argument the API cannot use
    ├── TransitionRefused    a finding review step the store refused (carries a code)
    ├── JobBusy              a run of that kind is already in progress (the hub's runner raises it)
    └── LiveSourceError      the medical platform could not answer a live look-up

Expected failures of mutations are typed results (``MutationError`` with a
``ErrorCode``); everything else reaches the client masked by ``MaskErrors`` in
production, except these, whose messages are safe to show.
"""

from __future__ import annotations

import enum

import strawberry


class SchemaError(Exception):
    """Base of the schema's own errors; their messages are safe to show a client."""


class NotAuthenticated(SchemaError):
    """No valid bearer token."""

    def __init__(self) -> None:
        super().__init__("authentication required: send Authorization: Bearer <token>")


class Forbidden(SchemaError):
    """The viewer's role may not read this field or take this action."""


class BadArgument(SchemaError):
    """An argument the API cannot use (a malformed region, a foreign cursor)."""


class JobBusy(SchemaError):
    """A sync or check run of that kind is already in progress; the start is refused, not queued.

    The hub's job runner raises a subclass; mutations answer it as ``MutationError(BUSY)``.
    """


class LiveSourceError(SchemaError):
    """A live look-up failed; the message names the source and the reason, not the data."""


@strawberry.enum(description="Why a mutation could not be carried out.")
class ErrorCode(enum.Enum):
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="No such finding, run or source in your region."
    )
    FORBIDDEN = strawberry.enum_value("FORBIDDEN", description="Your role may not do this.")
    INVALID_TRANSITION = strawberry.enum_value(
        "INVALID_TRANSITION", description="The finding's status does not allow this step."
    )
    REASON_REQUIRED = strawberry.enum_value("REASON_REQUIRED", description="A dismissal needs its reason.")
    ASSIGNEE_REQUIRED = strawberry.enum_value(
        "ASSIGNEE_REQUIRED", description="An assignment needs an assignee."
    )
    RECTIFICATION_REQUIRED = strawberry.enum_value(
        "RECTIFICATION_REQUIRED", description="A rectification needs how the case was put right."
    )
    AMOUNT_REQUIRED = strawberry.enum_value(
        "AMOUNT_REQUIRED", description="Money recovered needs the amount."
    )
    INVALID_AMOUNT = strawberry.enum_value(
        "INVALID_AMOUNT", description="The amount is negative, finer than a fen or absurd."
    )
    INVALID_ARGUMENT = strawberry.enum_value("INVALID_ARGUMENT", description="An argument is malformed.")
    BUSY = strawberry.enum_value("BUSY", description="A run of this kind is already in progress.")


class TransitionRefused(SchemaError):
    """The store refused a review step; ``code`` says why."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@strawberry.type(description="An expected failure of a mutation, with a code to act on.")
class MutationError:
    code: ErrorCode = strawberry.field(description="Why the mutation failed.")
    message: str = strawberry.field(description="A human explanation (no personal data).")
