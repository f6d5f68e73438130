"""The gateway's exception hierarchy; the API maps it to HTTP in one handler."""

from __future__ import annotations


class GatewayError(Exception):
    """Base class. `status` is the HTTP status the API answers with."""

    status = 500
    code = "internal_error"


class NotFound(GatewayError):
    status = 404
    code = "not_found"


class Unavailable(GatewayError):
    """The thing exists but cannot be served right now (camera offline, no picture yet)."""

    status = 503
    code = "unavailable"


class BadRequest(GatewayError):
    status = 400
    code = "bad_request"
