"""Uploads of these tests go to the test's own directory, not instance/imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import base_config


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    # English pages (see tests/english.py): these tests read English wording.
    return base_config(
        tmp_path, database_url, IMPORTS_DIR=str(tmp_path / "imports"), TEST_ACCEPT_LANGUAGE="en"
    )
