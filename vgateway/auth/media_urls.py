"""Short-lived signed media URLs: `?token=` bound to a user, a camera and an action.

HMAC-SHA256 with a server key generated at first start under data_dir (never leaves the
server). A token proves only who asked and when; the user, their session and the camera's
shares are checked again when it is used, so revocation beats expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from vgateway.auth.principal import Action

TOKEN_PARAM = "token"  # a name vgateway.redact masks in logged URLs
_VERSION = "v1"


class InvalidMediaToken(Exception):
    """Malformed, forged or expired; the message says which, never echoing the token."""


@dataclass(frozen=True)
class MediaClaims:
    user: str
    credential_id: str | None
    camera_id: str
    action: Action
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_or_create_key(path: Path) -> bytes:
    """The signing key at `path`, created (owner-only) if absent; safe against a racing start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) < 32:
            raise ValueError(f"{path}: media URL key is shorter than 32 bytes") from None
        return key
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
    return key


class MediaSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, claims: MediaClaims) -> str:
        payload = json.dumps(
            {
                "u": claims.user,
                "s": claims.credential_id,
                "c": claims.camera_id,
                "a": claims.action.value,
                "e": claims.expires_at,
            },
            separators=(",", ":"),
            sort_keys=True,
        ).encode("utf-8")
        body = f"{_VERSION}.{_b64(payload)}"
        return f"{body}.{_b64(self._mac(body))}"

    def verify(self, token: str, now: float) -> MediaClaims:
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != _VERSION:
            raise InvalidMediaToken("malformed media token")
        body = f"{parts[0]}.{parts[1]}"
        try:
            signature = _unb64(parts[2])
            fields = json.loads(_unb64(parts[1]))
        except ValueError:
            raise InvalidMediaToken("malformed media token") from None
        if not hmac.compare_digest(signature, self._mac(body)):
            raise InvalidMediaToken("media token signature is not valid")
        try:
            claims = MediaClaims(
                user=str(fields["u"]),
                credential_id=None if fields["s"] is None else str(fields["s"]),
                camera_id=str(fields["c"]),
                action=Action(fields["a"]),
                expires_at=int(fields["e"]),
            )
        except (KeyError, TypeError, ValueError):
            raise InvalidMediaToken("malformed media token") from None
        if now >= claims.expires_at:
            raise InvalidMediaToken("media token has expired")
        return claims

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest()
