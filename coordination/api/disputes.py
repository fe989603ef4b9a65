"""API: disputes endpoints (filled in by that work)."""
