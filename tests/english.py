"""Pages in English for test directories whose assertions read English text.

The default language is Russian; these directories' tests check English wording, so their
clients send `Accept-Language: en` unless a test asks for another language itself. Use it
from a directory's conftest.py: `from tests.english import app_config  # noqa: F401`.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "TEST_ACCEPT_LANGUAGE": "en"}
