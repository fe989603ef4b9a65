"""Import jobs (filled in by the import work)."""
