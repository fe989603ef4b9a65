from __future__ import annotations

import pytest
from flask import Flask

from tests.isolation import IsolatedClient, isolated_client


@pytest.fixture
def client(app: Flask) -> IsolatedClient:
    return isolated_client(app)
