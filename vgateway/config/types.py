"""Small value types shared by the configuration models, with messages written for operators."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, ConfigDict

# Every config model rejects unknown keys, is immutable, and never echoes input values in errors
# (a value may hold a camera password after ${VAR} substitution).
STRICT_MODEL = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Transport(StrEnum):
    """RTSP interleaving: TCP survives NAT and lossy links; UDP has less latency on a clean LAN."""

    tcp = "tcp"
    udp = "udp"


class StreamRole(StrEnum):
    """A camera's main (full resolution) or sub (low resolution) stream."""

    main = "main"
    sub = "sub"


_TOWN_ID = re.compile(r"[a-z0-9_]+")
_CAMERA_ID = re.compile(r"[a-z0-9_-]+")
_GB_ID = re.compile(r"[0-9]{20}")
_KNOWN_SCHEMES = frozenset({"http", "https", "rtmp", "rtmps", "rtp", "udp", "tcp", "srt", "file"})


def _town_id(value: str) -> str:
    if not _TOWN_ID.fullmatch(value):
        raise ValueError("must be a lowercase slug of a-z, 0-9 and _ (e.g. 'chengguan')")
    return value


def _camera_id(value: str) -> str:
    if not _CAMERA_ID.fullmatch(value):
        raise ValueError("must be a lowercase slug of a-z, 0-9, _ and - (e.g. 'cam001')")
    return value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _gb_id_from_number(value: object) -> object:
    # An unquoted 20-digit code reaches us as a YAML int; its digits are still the code.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _gb_id(value: str) -> str:
    if not _GB_ID.fullmatch(value):
        raise ValueError("must be a 20-digit GB/T 28181 device code")
    return value


def check_rtsp_url(url: str) -> str:
    """Accept rtsp:// and rtsps:// URLs with a host. Errors name the fault, never the URL itself."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        # urlsplit's own message may quote the netloc, which holds the password.
        raise ValueError(
            "is not a valid URL (bad port or brackets; percent-encode '@', ':', '/' or '#' "
            "in passwords)"
        ) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("rtsp", "rtsps"):
        # Only well-known schemes are named: text before the first ':' may be a user name.
        shown = f" (got {scheme}://)" if scheme in _KNOWN_SCHEMES else ""
        raise ValueError(f"must start with rtsp:// or rtsps://{shown}")
    if not parts.hostname:
        raise ValueError("has no host (expected rtsp://user:password@host:port/path)")
    if port == 0:
        raise ValueError("port must be 1-65535")
    return url


TownId = Annotated[str, AfterValidator(_town_id)]
CameraId = Annotated[str, AfterValidator(_camera_id)]
NonEmptyStr = Annotated[str, AfterValidator(_non_empty)]
GbId = Annotated[str, BeforeValidator(_gb_id_from_number), AfterValidator(_gb_id)]
RtspUrl = Annotated[str, AfterValidator(check_rtsp_url)]
