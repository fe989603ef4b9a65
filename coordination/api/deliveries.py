"""API: deliveries endpoints (filled in by that work)."""
