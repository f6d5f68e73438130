"""Who may see what: identities, roles, town sharing, signed media URLs and enforcement.

Owns the users, credentials (web sessions and API tokens), shares and case-assignment tables;
the one authorisation function (`policy.authorize`); the FastAPI dependencies every route and
media path goes through (`deps`); HMAC-signed media URLs; live-view registrations that are cut
when access is revoked; the `/api/auth`, `/api/shares` and `/api/audit` routes; and the
`vgateway users|tokens|shares` commands.
Consumes the main database, the camera network config, and the audit trail (vgateway.audit).
Emits audit entries for every login, view, download and change, and revocation callbacks to
the live relay.

Import from the modules (`vgateway.auth.deps`, `.policy`, `.service`): this file stays empty so
that the configuration package can import `vgateway.auth.settings` without a cycle.
"""
