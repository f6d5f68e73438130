from __future__ import annotations

import json

import pytest

from vgateway.evidence import canonical_json


def test_sorted_compact_utf8_and_stable() -> None:
    a = canonical_json({"b": 1, "a": {"z": None, "y": "路口"}, "c": [True, "x"]})
    b = canonical_json({"c": [True, "x"], "a": {"y": "路口", "z": None}, "b": 1})
    assert a == b
    assert a == '{"a":{"y":"路口","z":null},"b":1,"c":[true,"x"]}'.encode()
    assert canonical_json(json.loads(a)) == a


def test_floats_are_refused_with_their_path() -> None:
    with pytest.raises(TypeError, match=r"manifest\.range\.start: float"):
        canonical_json({"range": {"start": 1.5}})
