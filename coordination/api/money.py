"""API: money endpoints (filled in by that work)."""
