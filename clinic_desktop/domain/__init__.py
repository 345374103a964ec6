"""Treatment rules as functions over a session: no Qt, no I/O beyond the session."""
