from __future__ import annotations

import json
from pathlib import Path

from tests.evidence.conftest import SignedClip, flip_byte
from vgateway.evidence import SigningKey, verify_clip


def test_untouched_clip_verifies(signed_clip: SignedClip) -> None:
    result = verify_clip(signed_clip.clip, signed_clip.manifest)
    assert result.ok, result.problem
    assert len(result.checks) == 3
    assert result.manifest is not None
    assert result.manifest["camera"]["name"] == "人民路与解放路交叉口"
    assert result.manifest["gateway"]["key_id"] == signed_clip.key.key_id
    assert result.manifest["range_utc"]["first_frame"].endswith("Z")


def test_one_changed_byte_in_the_clip_fails_the_hash(signed_clip: SignedClip) -> None:
    flip_byte(signed_clip.clip, 100_000)
    result = verify_clip(signed_clip.clip, signed_clip.manifest)
    assert not result.ok
    assert result.problem is not None and result.problem.startswith("sha256:")


def test_truncated_clip_fails_the_size(signed_clip: SignedClip) -> None:
    data = signed_clip.clip.read_bytes()
    signed_clip.clip.write_bytes(data[:-1])
    result = verify_clip(signed_clip.clip, signed_clip.manifest)
    assert result.problem is not None and result.problem.startswith("size:")


def test_edited_manifest_fails_the_signature(signed_clip: SignedClip) -> None:
    manifest = json.loads(signed_clip.manifest.read_bytes())
    manifest["ticket_id"] = "T-forged"
    signed_clip.manifest.write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")))
    result = verify_clip(signed_clip.clip, signed_clip.manifest)
    assert result.problem is not None and result.problem.startswith("signature:")


def test_another_gateways_key_fails_the_signature(signed_clip: SignedClip, tmp_path: Path) -> None:
    other = SigningKey.load_or_create(tmp_path / "other")
    other.export_public(tmp_path / "other.pem")
    result = verify_clip(signed_clip.clip, signed_clip.manifest, public_key=tmp_path / "other.pem")
    assert result.problem is not None and other.key_id in result.problem


def test_missing_signature_is_named(signed_clip: SignedClip) -> None:
    signed_clip.signature.unlink()
    result = verify_clip(signed_clip.clip, signed_clip.manifest)
    assert result.problem is not None and "manifest.sig" in result.problem
