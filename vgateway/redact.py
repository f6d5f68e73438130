"""Masking of secrets (credentials in URLs, tokens) before text reaches logs, errors or APIs."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

# scheme://user:password@host  ->  scheme://user:***@host ; scheme://token@host -> scheme://***@host
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
# query parameters that carry secrets in camera and API URLs
_SECRET_PARAMS = re.compile(
    r"(?i)(?P<key>[?&;](?:password|passwd|pwd|token|access_token|auth|key|signature|sig)=)[^&\s#]*"
)


def _mask_userinfo(match: re.Match[str]) -> str:
    userinfo = match.group("userinfo")
    user, sep, _password = userinfo.partition(":")
    masked = f"{user}:{MASK}" if sep else MASK
    return f"{match.group('scheme')}{masked}@"


def redact_text(text: str) -> str:
    """Mask URL credentials and secret query parameters anywhere in free text."""
    text = _URL_CREDENTIALS.sub(_mask_userinfo, text)
    return _SECRET_PARAMS.sub(lambda m: f"{m.group('key')}{MASK}", text)


def redact_url(url: str) -> str:
    """Mask the password (or lone token) of a URL; other parts stay readable for operators."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if parts.password is None and parts.username is None:
        return redact_text(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    userinfo = f"{user}:{MASK}" if parts.password is not None else MASK
    netloc = f"{userinfo}@{host}"
    return redact_text(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")))


class RedactingFilter(logging.Filter):
    """Logging filter that masks secrets in the fully formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info:
            # Tracebacks embed exception messages, which may hold URLs with passwords.
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return True
