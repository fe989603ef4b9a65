from __future__ import annotations

import pytest
from flask import Flask

from tests.isolation import IsolatedClient, isolated_client


@pytest.fixture
def client(app: Flask) -> IsolatedClient:
    """Each request gets its own app context, `g` and DB session, as on a real server."""
    return isolated_client(app)
