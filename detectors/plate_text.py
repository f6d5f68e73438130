"""Chinese licence-plate text rules: format check, normalisation, OCR-tolerant matching."""

from __future__ import annotations

import re
import unicodedata

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SUFFIXES = "警学挂港澳领"

_LETTER = "[A-HJ-NP-Z]"  # plates never use I or O
_ALNUM = "[A-HJ-NP-Z0-9]"
_FORMATS = (
    ("standard", re.compile(rf"^[{PROVINCES}]{_LETTER}{_ALNUM}{{5}}$")),
    # new-energy (green, 8 characters): small cars D/F-series first, large vehicles D/F last
    (
        "new_energy",
        re.compile(rf"^[{PROVINCES}]{_LETTER}(?:[A-HJK]{_ALNUM}\d{{4}}|\d{{5}}[A-HJK])$"),
    ),
    ("special", re.compile(rf"^[{PROVINCES}]{_LETTER}{_ALNUM}{{4}}[{SUFFIXES}]$")),
)

# Characters an OCR engine mixes up on plates; each group is interchangeable at a cost.
CONFUSION_GROUPS: tuple[frozenset[str], ...] = (
    frozenset("0DQ"),
    frozenset("8B"),
    frozenset("1I"),
    frozenset("2Z"),
    frozenset("5S"),
    frozenset("6G"),
)
_SEPARATORS = str.maketrans("", "", " \t·•・.-_")


def plate_kind(text: str) -> str | None:
    """'standard', 'new_energy' or 'special' if `text` is a well-formed plate, else None."""
    for kind, pattern in _FORMATS:
        if pattern.match(text):
            return kind
    return None


def is_valid_plate(text: str) -> bool:
    return plate_kind(text) is not None


def normalize_plate(text: str) -> str:
    """Canonical form: no separators, half-width upper case, O->0 and I->1 after the prefix.

    Plates never contain the letters O and I, so a listed "京A0O1I2" means 京A00112.
    """
    text = unicodedata.normalize("NFKC", text).translate(_SEPARATORS).upper()
    if len(text) < 2:
        return text
    head, tail = text[:2], text[2:]
    return head + tail.replace("O", "0").replace("I", "1")


def _confusable(a: str, b: str) -> bool:
    return any(a in group and b in group for group in CONFUSION_GROUPS)


def plate_matches(read: str, listed: str, max_confusions: int = 1) -> bool:
    """Whether an OCR read may be the listed plate.

    Both are normalised; they must have the same length and differ only in positions where
    the characters are an OCR confusion pair (0/D/Q, 8/B, 1/I, 2/Z, 5/S, 6/G), at most
    `max_confusions` of them. Any other difference, the province character included, is a miss.
    """
    a, b = normalize_plate(read), normalize_plate(listed)
    if not a or len(a) != len(b):
        return False
    confusions = 0
    for x, y in zip(a, b, strict=True):
        if x == y:
            continue
        if not _confusable(x, y):
            return False
        confusions += 1
    return confusions <= max_confusions
