"""Shared ONNX Runtime plumbing: model file checks, sessions, version strings."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Any

from .base import DetectorError, ModelNotFoundError


def require_file(path: Path, what: str = "model") -> Path:
    """Return `path` if it is an existing file, else raise ModelNotFoundError."""
    if not path.is_file():
        raise ModelNotFoundError(path, what)
    return path


def model_version(path: Path) -> str:
    """`<file name>:<first 12 hex digits of its sha256>`, for evidence manifests."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return f"{path.name}:{digest.hexdigest()[:12]}"


def open_session(path: Path, threads: int) -> Any:
    """An onnxruntime CPU InferenceSession for `path` using `threads` intra-op threads."""
    require_file(path)
    # onnxruntime ships no type information; keep the untyped module behind this one function.
    ort: Any = importlib.import_module("onnxruntime")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own untyped exception classes
        raise DetectorError(f"cannot load ONNX model {path}: {exc}") from exc
