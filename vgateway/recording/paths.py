"""Where recording keeps its files, relative to its root folder (data_dir/recordings)."""

from __future__ import annotations

from pathlib import Path

CLIPS = "clips"
SEGMENTS = "segments"


def clip_file(root: Path, clip_id: str) -> Path:
    return root / CLIPS / f"{clip_id}.mp4"


def clip_temp(root: Path, clip_id: str) -> Path:
    return root / CLIPS / f".{clip_id}.mp4.part"


def manifest_file(root: Path, clip_id: str) -> Path:
    return root / CLIPS / f"{clip_id}.manifest.json"


def signature_file(root: Path, clip_id: str) -> Path:
    return root / CLIPS / f"{clip_id}.manifest.sig"


def clip_files(root: Path, clip_id: str) -> list[Path]:
    """Every file a clip may have, finished or not."""
    return [
        clip_temp(root, clip_id),
        clip_file(root, clip_id),
        manifest_file(root, clip_id),
        signature_file(root, clip_id),
    ]
