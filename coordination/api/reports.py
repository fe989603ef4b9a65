"""API: reports endpoints (filled in by that work)."""
