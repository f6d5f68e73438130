"""Offline check of a clip against its signed manifest; reports the first thing that differs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature

from vgateway.evidence.files import file_digest
from vgateway.evidence.keys import PUBLIC_KEY_NAME, KeyFileError, key_id, load_public_key
from vgateway.evidence.manifest import MANIFEST_FORMAT


@dataclass
class Verification:
    ok: bool
    problem: str | None = None
    checks: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None


def signature_path_for(manifest: Path) -> Path:
    """clip.manifest.json -> clip.manifest.sig (the gateway writes them side by side)."""
    return manifest.with_suffix(".sig") if manifest.suffix == ".json" else Path(f"{manifest}.sig")


def verify_clip(
    clip: Path,
    manifest: Path,
    *,
    public_key: Path | None = None,
    signature: Path | None = None,
) -> Verification:
    """Signature over the manifest bytes first, then the clip's size, then its SHA-256."""
    result = Verification(ok=False)
    sig_path = signature or signature_path_for(manifest)
    key_path = public_key or manifest.parent / PUBLIC_KEY_NAME
    try:
        data = manifest.read_bytes()
        sig = sig_path.read_bytes()
    except OSError as exc:
        result.problem = f"cannot read {exc.filename}: {exc.strerror}"
        return result
    try:
        key = load_public_key(key_path)
    except KeyFileError as exc:
        result.problem = str(exc)
        return result
    try:
        key.verify(sig, data)
    except InvalidSignature:
        result.problem = (
            f"signature: {sig_path.name} does not match {manifest.name} under public key "
            f"{key_id(key)} (the manifest or signature was altered, or it is another key)"
        )
        return result
    result.checks.append(f"signature valid (Ed25519 key {key_id(key)})")
    try:
        parsed = json.loads(data)
        expected_size = int(parsed["file"]["size"])
        expected_sha = str(parsed["file"]["sha256"])
    except (ValueError, KeyError, TypeError):
        result.problem = f"{manifest.name} is signed but is not a {MANIFEST_FORMAT} manifest"
        return result
    result.manifest = parsed
    try:
        actual_size = clip.stat().st_size
    except OSError as exc:
        result.problem = f"cannot read {clip}: {exc.strerror}"
        return result
    if actual_size != expected_size:
        result.problem = (
            f"size: {clip.name} has {actual_size} bytes, the manifest says {expected_size}"
        )
        return result
    result.checks.append(f"size {actual_size} bytes matches")
    actual_sha, _ = file_digest(clip)
    if actual_sha != expected_sha:
        result.problem = (
            f"sha256: {clip.name} hashes to {actual_sha}, the manifest says {expected_sha}"
        )
        return result
    result.checks.append(f"sha256 {actual_sha} matches")
    result.ok = True
    return result
