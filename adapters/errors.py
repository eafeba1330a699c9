"""Errors an adapter raises: one tree, so the hub can tell a sick source from a broken contract.

::

    SourceError                  anything that stops an adapter's call; names the source
    ├── SourceUnavailable        retries exhausted: 5xx, timeouts, connection failures
    ├── RateLimited              still "too many requests" (429, medical 1003) after retries
    ├── AuthenticationFailed     credentials refused (401 / 403), even after a fresh token
    ├── ContractViolation        a response that breaks the contract as a whole: not JSON,
    │                            the wrong shape, an unexpected status, a CSV without its header
    ├── IntegrityFailure         a downloaded file whose sha256 never matched the listing
    └── BusinessError            a medical platform ``code`` that retrying cannot fix
                                 (1001 signature, 1002 timestamp, 2000 body, 2001 batch size)

A single bad row is not an error: it becomes a :class:`adapters.records.Quarantined`.
``httpx`` exceptions are translated in :mod:`adapters.http` with ``raise ... from exc``,
so nothing above the adapters ever sees an ``httpx`` type.
"""

from __future__ import annotations

from adapters.records import Source


class SourceError(Exception):
    """Base of every adapter error; ``source`` says which department system failed."""

    def __init__(self, source: Source, message: str) -> None:
        super().__init__(f"{source.value}: {message}")
        self.source = source


class SourceUnavailable(SourceError):
    """The source did not answer usefully within the retry budget (5xx, timeouts, transport errors)."""


class RateLimited(SourceError):
    """The source kept answering "too many requests" after every retry."""


class AuthenticationFailed(SourceError):
    """The source refused the credentials."""


class ContractViolation(SourceError):
    """A response that breaks the source's contract as a whole (not one bad row)."""

    def __init__(self, source: Source, message: str, *, status: int | None = None) -> None:
        super().__init__(source, message)
        self.status = status


class IntegrityFailure(SourceError):
    """A downloaded file never matched its published sha256; none of its rows were used."""


class BusinessError(SourceError):
    """A business ``code`` the medical platform answered that no retry can fix."""

    def __init__(self, source: Source, code: int, message: str) -> None:
        super().__init__(source, f"code {code}: {message}")
        self.code = code
