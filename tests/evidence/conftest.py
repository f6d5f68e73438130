"""A signed clip on disk: a short real MP4 (from the shared media) with its manifest."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from vgateway.evidence import (
    PUBLIC_KEY_NAME,
    ClipFacts,
    SigningKey,
    build_manifest,
    write_signed_manifest,
)


@dataclass(frozen=True)
class SignedClip:
    clip: Path
    manifest: Path
    signature: Path
    public_key: Path
    key: SigningKey


@pytest.fixture
def signed_clip(tmp_path: Path, shared_dir: Path) -> SignedClip:
    folder = tmp_path / "clips"
    folder.mkdir()
    clip = folder / "cam001-20240601T080000Z-abc123.mp4"
    shutil.copyfile(shared_dir / "media/videos/residential_street_cam_640x352.mp4", clip)
    key = SigningKey.load_or_create(tmp_path / "keys")
    key.export_public(folder / PUBLIC_KEY_NAME)
    now = time.time()
    facts = ClipFacts(
        clip_id="cam001-20240601T080000Z-abc123",
        file_name=clip.name,
        camera_id="cam001",
        camera_name="人民路与解放路交叉口",
        stream_role="sub",
        requested_start=now - 20,
        requested_end=now - 10,
        first_frame=now - 21,
        last_frame=now - 10,
        frames=265,
        codec="h264",
        width=640,
        height=352,
        created_by="值班员张三",
        created_at=now,
        gateway_version="0.1.0",
        reason="交通事故取证",
        ticket_id="T-2024-0001",
        event_id="evt-1",
        detector="yolox_nano",
        detector_version="0.1",
    )
    manifest = folder / "cam001-20240601T080000Z-abc123.manifest.json"
    signature = manifest.with_suffix(".sig")
    write_signed_manifest(build_manifest(facts, clip, key.key_id), key, manifest, signature)
    return SignedClip(clip, manifest, signature, folder / PUBLIC_KEY_NAME, key)


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


README = Path(__file__).resolve().parents[2] / "vgateway" / "evidence" / "README.md"


def readme_recipe() -> list[str]:
    """The shell commands of the README's openssl section, with their line continuations."""
    text = README.read_text(encoding="utf-8").split("only openssl and sha256sum")[1]
    commands: list[str] = []
    current = ""
    for line in text.splitlines():
        if not line.startswith("    ") or line.strip().startswith("#") or not line.strip():
            continue
        current += line.strip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            commands.append(current.strip())
            current = ""
    return commands


def run_recipe(command: str, folder: Path, clip_id: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command.replace("ID", clip_id)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=30,
    )


def verify_cli(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from vgateway.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "verify", *args], capture_output=True, text=True, timeout=60
    )
