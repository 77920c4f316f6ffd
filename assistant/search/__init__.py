"""Full-text search over every session's transcript and items: one SQLite FTS5 file next to the sessions
folder, derived from the session files alone (never the only copy of anything) and headless."""
