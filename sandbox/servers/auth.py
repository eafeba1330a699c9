"""The three ways the departments authenticate: OAuth2 tokens, API keys, signed requests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping

SIGNATURE_WINDOW = 300
"""Seconds a medical request's timestamp may be off the server's clock."""

OK, BAD_SIGNATURE, STALE_TIMESTAMP = 0, 1001, 1002


def same_secret(given: str | None, expected: str) -> bool:
    """Compare credentials in constant time (absent means wrong)."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class TokenStore:
    """Civil affairs' OAuth2 client-credentials tokens, each valid ``ttl`` seconds."""

    def __init__(
        self, client_id: str, client_secret: str, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self.ttl = ttl
        self._clock = clock
        self._expiry: dict[str, float] = {}

    def issue(self, client_id: str | None, client_secret: str | None) -> str | None:
        """A fresh token for the right client credentials, else None."""
        if not (same_secret(client_id, self._client_id) and same_secret(client_secret, self._client_secret)):
            return None
        now = self._clock()
        # Forget expired tokens so a long-running server does not grow without bound.
        self._expiry = {token: until for token, until in self._expiry.items() if until > now}
        token = secrets.token_urlsafe(32)
        self._expiry[token] = now + self.ttl
        return token

    def valid(self, authorization: str | None) -> bool:
        """Whether an ``Authorization: Bearer <token>`` header names a live token."""
        if not authorization:
            return False
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return False
        until = self._expiry.get(token.strip())
        return until is not None and until > self._clock()


def signature(app_id: str, app_secret: str, timestamp: str, body: bytes) -> str:
    """The medical platform's signature: HMAC-SHA256 over ``app_id\\ntimestamp\\nsha256_hex(body)``."""
    message = f"{app_id}\n{timestamp}\n{hashlib.sha256(body).hexdigest()}".encode()
    return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()


def sign_request(app_id: str, app_secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The three headers a signed medical request carries (timestamp: now unless given)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "X-App-Id": app_id,
        "X-Timestamp": stamp,
        "X-Signature": signature(app_id, app_secret, stamp, body),
    }


def check_signature(
    headers: Mapping[str, str], body: bytes, app_id: str, app_secret: str, now: float | None = None
) -> int:
    """0 when a request is signed by the known app within the window, else its business code."""
    given_id = headers.get("x-app-id")
    stamp = headers.get("x-timestamp", "")
    given = headers.get("x-signature", "")
    if not same_secret(given_id, app_id):
        return BAD_SIGNATURE
    if not same_secret(given.lower(), signature(app_id, app_secret, stamp, body)):
        return BAD_SIGNATURE
    try:
        moment = int(stamp)
    except ValueError:
        return STALE_TIMESTAMP
    if abs((time.time() if now is None else now) - moment) > SIGNATURE_WINDOW:
        return STALE_TIMESTAMP
    return OK
