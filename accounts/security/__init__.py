"""Security features of the accounts app: lockout, sessions, two-factor, audit log, tenant export and deletion."""
