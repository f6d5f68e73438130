"""The gateway's Ed25519 signing key: created once, kept private, public half exported as PEM."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger(__name__)

PRIVATE_KEY_NAME = "gateway_ed25519.pem"
PUBLIC_KEY_NAME = "gateway_ed25519.pub.pem"


class KeyFileError(Exception):
    """A key file is missing, unreadable or not an Ed25519 key (message names the file)."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """Short stable fingerprint: first 16 hex digits of SHA-256 over the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read public key {path}: {exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 public key")
    return key


class SigningKey:
    """The private key; only `sign` and the public half leave this object."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id(self.public_key)

    @classmethod
    def load_or_create(cls, keys_dir: Path) -> SigningKey:
        """Load keys_dir/gateway_ed25519.pem, creating it (mode 0600) on first start."""
        keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = keys_dir / PRIVATE_KEY_NAME
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            # O_EXCL with mode 0600: the key is never readable by others, not even briefly,
            # and two processes starting together cannot overwrite each other's key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return cls._load(path)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
            log.info("created the gateway signing key %s (id %s)", path, key_id(key.public_key()))
            return cls(key)
        return cls._load(path)

    @classmethod
    def _load(cls, path: Path) -> SigningKey:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            log.warning("signing key %s had mode %o; restricting it to 0600", path, mode)
            with contextlib.suppress(OSError):
                path.chmod(0o600)
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise KeyFileError(f"{path} is not an unencrypted PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
        return cls(key)

    def sign(self, data: bytes) -> bytes:
        """Raw 64-byte Ed25519 signature (what `openssl pkeyutl -rawin -sigfile` reads)."""
        return self._private.sign(data)

    def public_pem(self) -> bytes:
        return public_pem(self.public_key)

    def export_public(self, path: Path) -> None:
        """Write the public key PEM at `path` (atomically), unless it is already there."""
        pem = self.public_pem()
        with contextlib.suppress(OSError):
            if path.read_bytes() == pem:
                return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(pem)
        tmp.chmod(0o644)
        os.replace(tmp, path)
