"""HMAC-SHA256 request signing, the same both ways.

    X-Signature-Timestamp: <unix seconds>
    X-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>
    Idempotency-Key: <unique per logical request; a retry repeats it>

The timestamp is inside the MAC, so a captured request cannot be replayed outside the window.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Signature-Timestamp"
SIGNATURE_HEADER = "X-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Vgateway-Event"
_SCHEME = "sha256="


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return _SCHEME + mac.hexdigest()


def signed_headers(secret: str, body: bytes, now: float, idempotency_key: str) -> dict[str, str]:
    timestamp = str(int(now))
    return {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        IDEMPOTENCY_HEADER: idempotency_key,
    }


class SignatureError(ValueError):
    """Why a request's signature is not accepted (safe to return to the caller)."""


def verify(
    secret: str,
    body: bytes,
    timestamp: str | None,
    given: str | None,
    *,
    now: float,
    window_s: float,
) -> None:
    """Raise SignatureError unless `given` signs `body` at a `timestamp` within the window."""
    if not timestamp or not given:
        raise SignatureError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    try:
        at = int(timestamp)
    except ValueError:
        raise SignatureError(f"{TIMESTAMP_HEADER}: expected unix seconds") from None
    if abs(now - at) > window_s:
        raise SignatureError(
            f"{TIMESTAMP_HEADER} is {int(now - at)} s from the gateway clock "
            f"(allowed ±{int(window_s)} s): replayed, or a clock is wrong"
        )
    if not hmac.compare_digest(signature(secret, timestamp, body), given.strip()):
        raise SignatureError(f"{SIGNATURE_HEADER} does not match the body")
