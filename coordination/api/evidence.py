"""API: evidence endpoints (filled in by that work)."""
