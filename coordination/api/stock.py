"""API: stock endpoints (filled in by that work)."""
