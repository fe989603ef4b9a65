"""API: imports endpoints (filled in by that work)."""
