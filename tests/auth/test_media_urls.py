"""Signing and checking media URL tokens; the server key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vgateway.auth.media_urls import InvalidMediaToken, MediaClaims, MediaSigner, load_or_create_key
from vgateway.auth.principal import Action

CLAIMS = MediaClaims("op_alpha", "c0ffee", "alpha1", Action.view_live, expires_at=1000)


def test_key_is_created_once_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "auth" / "media_url.key"
    key = load_or_create_key(path)
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    path.write_text("abcd\n")
    with pytest.raises(ValueError, match="shorter than 32 bytes"):
        load_or_create_key(path)


def test_round_trip_expiry_and_forgery() -> None:
    signer = MediaSigner(b"k" * 32)
    token = signer.sign(CLAIMS)
    assert signer.verify(token, now=999) == CLAIMS
    with pytest.raises(InvalidMediaToken, match="expired"):
        signer.verify(token, now=1000)
    with pytest.raises(InvalidMediaToken, match="signature"):
        MediaSigner(b"x" * 32).verify(token, now=0)
    version, payload, signature = token.split(".")
    forged_payload = (
        MediaSigner(b"k" * 32)
        .sign(MediaClaims("op_alpha", "c0ffee", "bravo1", Action.view_live, 1000))
        .split(".")[1]
    )
    with pytest.raises(InvalidMediaToken, match="signature"):
        signer.verify(f"{version}.{forged_payload}.{signature}", now=0)
    for junk in ("", "v1", "v2.a.b", "v1.!!.??", f"v1.{payload}"):
        with pytest.raises(InvalidMediaToken):
            signer.verify(junk, now=0)
