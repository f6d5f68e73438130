"""HTTP routes of the auth feature: sign-in, users and tokens, shares, the audit trail."""
