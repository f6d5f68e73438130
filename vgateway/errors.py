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


class Unauthorized(GatewayError):
    """No valid session, API token or signed media URL came with the request."""

    status = 401
    code = "unauthorized"


class Forbidden(GatewayError):
    """The caller is known but may not do this (things it may not even see answer NotFound)."""

    status = 403
    code = "forbidden"
