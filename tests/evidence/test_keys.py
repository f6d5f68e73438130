from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vgateway.evidence import PRIVATE_KEY_NAME, SigningKey, key_id, load_public_key
from vgateway.evidence.keys import KeyFileError


def test_key_is_created_private_and_reloaded(tmp_path: Path) -> None:
    first = SigningKey.load_or_create(tmp_path / "keys")
    path = tmp_path / "keys" / PRIVATE_KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    again = SigningKey.load_or_create(tmp_path / "keys")
    assert again.key_id == first.key_id
    signature = again.sign(b"data")
    first.public_key.verify(signature, b"data")  # raises if it does not match


def test_loose_permissions_are_tightened(tmp_path: Path) -> None:
    SigningKey.load_or_create(tmp_path)
    path = tmp_path / PRIVATE_KEY_NAME
    path.chmod(0o644)
    SigningKey.load_or_create(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_public_key_export_round_trips(tmp_path: Path) -> None:
    key = SigningKey.load_or_create(tmp_path / "keys")
    key.export_public(tmp_path / "pub.pem")
    assert key_id(load_public_key(tmp_path / "pub.pem")) == key.key_id


def test_bad_key_files_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(KeyFileError, match=r"junk\.pem is not a PEM public key"):
        load_public_key(tmp_path / "junk.pem")
    with pytest.raises(KeyFileError, match="cannot read public key"):
        load_public_key(tmp_path / "missing.pem")
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / PRIVATE_KEY_NAME).write_text("garbage")
    with pytest.raises(KeyFileError, match="not an unencrypted PEM private key"):
        SigningKey.load_or_create(tmp_path / "k")
