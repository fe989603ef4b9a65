"""Fixtures of this test directory."""

from tests.english import app_config  # noqa: F401  (English pages: see tests/english.py)
