"""The tamper-evident audit trail: who saw, downloaded or changed what, and when.

Owns the `audit_log` and `audit_head` tables, the hash chain over them (canonical JSON of each
entry's fields plus the previous entry's hash, SHA-256), serialized appends, search, CSV export
and verification (`vgateway audit verify|export`).
Consumes the main database engine. Emits nothing: callers (the auth feature, on behalf of every
route and media path) append entries; auditors read them through the auth feature's routes.
Knows nothing of users or cameras beyond the names written into entries.
"""
