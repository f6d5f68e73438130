"""The README's public-tools recipe, run as written on a real clip, and the `vgateway verify`
command line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.evidence.conftest import (
    SignedClip,
    flip_byte,
    readme_recipe,
    run_recipe,
    verify_cli,
)


@pytest.fixture
def recipe(signed_clip: SignedClip) -> tuple[list[str], Path, str]:
    if shutil.which("openssl") is None or shutil.which("sha256sum") is None:
        pytest.skip("openssl or sha256sum is not installed")
    commands = readme_recipe()
    assert len(commands) == 3, commands
    return commands, signed_clip.clip.parent, signed_clip.clip.stem


def test_readme_recipe_verifies_a_real_clip(
    recipe: tuple[list[str], Path, str], signed_clip: SignedClip
) -> None:
    (signature, hash_check, fingerprint), folder, clip_id = recipe
    result = run_recipe(signature, folder, clip_id)
    assert result.returncode == 0 and "Signature Verified Successfully" in result.stdout
    result = run_recipe(hash_check, folder, clip_id)
    assert result.returncode == 0 and result.stdout.strip() == f"{clip_id}.mp4: OK"
    result = run_recipe(fingerprint, folder, clip_id)
    assert result.stdout.strip() == signed_clip.key.key_id


def test_readme_recipe_catches_one_changed_byte(
    recipe: tuple[list[str], Path, str], signed_clip: SignedClip
) -> None:
    (signature, hash_check, _), folder, clip_id = recipe
    flip_byte(signed_clip.clip, 4096)
    assert run_recipe(signature, folder, clip_id).returncode == 0  # the manifest is still authentic
    result = run_recipe(hash_check, folder, clip_id)
    assert result.returncode != 0 and "FAILED" in result.stdout
    manifest = signed_clip.manifest.read_bytes()
    signed_clip.manifest.write_bytes(re.sub(rb'"size":\d+', b'"size":1', manifest))
    result = run_recipe(signature, folder, clip_id)
    assert result.returncode != 0 and "Signature Verified Successfully" not in result.stdout


def test_vgateway_verify_command(signed_clip: SignedClip) -> None:
    ok = verify_cli(str(signed_clip.clip), str(signed_clip.manifest))
    assert ok.returncode == 0, ok.stderr
    assert "VERIFIED" in ok.stdout
    flip_byte(signed_clip.clip, 2048)
    bad = verify_cli(
        str(signed_clip.clip),
        str(signed_clip.manifest),
        "--public-key",
        str(signed_clip.public_key),
    )
    assert bad.returncode == 1
    assert "FAILED: sha256:" in bad.stderr
