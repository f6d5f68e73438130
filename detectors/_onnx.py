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


Shape = tuple[int | str | None, ...]


def _shape(value: Any) -> Shape:
    dims = value.type.tensor_type.shape.dim
    return tuple(d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in dims)


def with_free_size(path: Path) -> tuple[bytes, Shape, Shape]:
    """The model at `path` with its input height and width made free (symbolic), serialised,
    and its input and first output shapes as exported (the square the model was trained on).

    Fully convolutional detectors such as YOLOX run at any size that is a multiple of their
    largest stride; exports fix it to the training square only by convention."""
    onnx: Any = importlib.import_module("onnx")
    try:
        model = onnx.load(str(path))
        weights = {init.name for init in model.graph.initializer}
        image = next(i for i in model.graph.input if i.name not in weights)
        shapes = (_shape(image), _shape(model.graph.output[0]))
        image.type.tensor_type.shape.dim[2].dim_param = "height"
        image.type.tensor_type.shape.dim[3].dim_param = "width"
        for output in model.graph.output:  # the anchor count follows the size
            del output.type.tensor_type.shape.dim[:]
        del model.graph.value_info[:]  # inferred shapes of the square input
        return bytes(model.SerializeToString()), *shapes
    except Exception as exc:  # onnx raises its own untyped errors
        raise DetectorError(f"cannot read ONNX model {path}: {exc}") from exc


def open_session(path: Path, threads: int, model: bytes | None = None) -> Any:
    """An onnxruntime CPU InferenceSession for `path` (or the `model` bytes read from it)
    using `threads` intra-op threads."""
    require_file(path)
    # onnxruntime ships no type information; keep the untyped module behind this one function.
    ort: Any = importlib.import_module("onnxruntime")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(
            str(path) if model is None else model,
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
    except Exception as exc:  # onnxruntime raises its own untyped exception classes
        raise DetectorError(f"cannot load ONNX model {path}: {exc}") from exc
