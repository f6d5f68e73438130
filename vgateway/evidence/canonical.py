"""The one byte form of a manifest that is signed, stored and verified.

Sorted keys, no insignificant whitespace, UTF-8 (Chinese camera names stay readable), and no
floats: float formatting differs between languages, so times are ISO strings and sizes integers.
The stored file *is* these bytes, so `openssl pkeyutl -verify -rawin` checks it as is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

JsonScalar = str | int | bool | None


def _check(value: object, path: str) -> None:
    if isinstance(value, bool | str | int) or value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: manifest keys must be strings, got {key!r}")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not allowed in a manifest")


def canonical_json(value: Mapping[str, object]) -> bytes:
    """Canonical UTF-8 JSON bytes of `value` (TypeError on floats and other non-JSON types)."""
    _check(value, "manifest")
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")
