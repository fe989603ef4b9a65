"""Donations: goods in kind and money (origins of goods and money)."""
