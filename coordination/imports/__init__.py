"""Bulk import of production logs, in-kind and money donations from CSV and XLSX."""
