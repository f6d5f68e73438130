"""Cross-references between towns and cameras (unique ids, known towns), on validated or raw data.

The loader runs these checks on the raw YAML tree so that they are reported together with field
errors; the NetworkConfig model runs them again so a config built in code is consistent too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vgateway.config.errors import FieldPath


@dataclass(frozen=True)
class CameraRef:
    """The parts of a camera that refer to other entries; values may still be of any type."""

    id: object
    town: object
    shared_with: Sequence[object]
    gb_id: object


def refs_from_raw(tree: object) -> tuple[list[object], list[CameraRef]]:
    """Pull town ids and camera references out of an unvalidated tree, skipping malformed parts."""
    if not isinstance(tree, dict):
        return [], []
    towns = tree.get("towns")
    cameras = tree.get("cameras")
    town_ids = [t.get("id") if isinstance(t, dict) else None for t in _as_list(towns)]
    refs = []
    for cam in _as_list(cameras):
        if not isinstance(cam, dict):
            refs.append(CameraRef(None, None, (), None))
            continue
        gb_id = cam.get("gb_id")
        if isinstance(gb_id, int) and not isinstance(gb_id, bool):
            gb_id = str(gb_id)
        shared = _as_list(cam.get("shared_with"))
        refs.append(CameraRef(cam.get("id"), cam.get("town"), shared, gb_id))
    return town_ids, refs


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _unknown_town(town: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(town, sorted(known), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown town '{town}' (not in towns){hint}"


def _duplicates(
    values: Sequence[object], section: str, key: str, what: str
) -> list[tuple[FieldPath, str]]:
    first: dict[str, int] = {}
    problems: list[tuple[FieldPath, str]] = []
    for i, value in enumerate(values):
        if not isinstance(value, str):
            continue
        if value in first:
            where = f"{section}[{first[value]}]"
            problems.append(((section, i, key), f"duplicate {what} '{value}' (also {where})"))
        else:
            first[value] = i
    return problems


def find_inconsistencies(
    town_ids: Sequence[object], cameras: Sequence[CameraRef]
) -> list[tuple[FieldPath, str]]:
    """Duplicate ids, duplicate GB codes and references to unknown towns, each with its path."""
    problems = _duplicates(town_ids, "towns", "id", "town id")
    problems += _duplicates([c.id for c in cameras], "cameras", "id", "camera id")
    problems += _duplicates([c.gb_id for c in cameras], "cameras", "gb_id", "gb_id")
    # Town ids that failed to parse would make every camera's town look unknown: report those first.
    if not all(isinstance(town_id, str) for town_id in town_ids):
        return problems
    known = {str(town_id) for town_id in town_ids}
    for i, cam in enumerate(cameras):
        if isinstance(cam.town, str) and cam.town not in known:
            problems.append((("cameras", i, "town"), _unknown_town(cam.town, known)))
        listed: set[str] = set()
        for j, other in enumerate(cam.shared_with):
            if not isinstance(other, str):
                continue
            path: FieldPath = ("cameras", i, "shared_with", j)
            if other == cam.town:
                problems.append((path, f"'{other}' is the camera's own town; it sees it anyway"))
            elif other not in known:
                problems.append((path, _unknown_town(other, known)))
            elif other in listed:
                problems.append((path, f"town '{other}' is listed twice"))
            listed.add(other)
    return problems
