"""A test client whose requests behave like requests to a real server.

The `app` fixture keeps an application context pushed for the whole test, so that tests can
use `db.session`. Flask reuses a pushed context of the same app for every request the test
client makes, which means all requests of a test share one `g` (Flask-Login caches the
signed-in user there) and one database session (nothing a request forgot to commit is rolled
back). A deactivated user would then stay signed in, a copied cookie would ride on the cached
user, and a missing commit would go unnoticed.

IsolatedClient runs each request in an empty `contextvars` context, so Flask pushes a fresh
application context, with its own `g` and database session, exactly as in production. Before
each request it commits the test's own session: the test's setup becomes visible to the
request, and no lock the test holds (SQLite write lock, PostgreSQL row locks) can block it.
"""

from __future__ import annotations

import contextvars
from typing import Any

from flask import Flask, has_app_context
from flask.testing import FlaskClient

from coordination.db import db


class IsolatedClient(FlaskClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A test directory may ask for a language (tests/english.py); a request's own
        # Accept-Language header, or a language picked with /lang/<code>, still wins.
        language = self.application.config.get("TEST_ACCEPT_LANGUAGE")
        if language:
            self.environ_base["HTTP_ACCEPT_LANGUAGE"] = language

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def isolated_client(app: Flask) -> IsolatedClient:
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert isinstance(client, IsolatedClient)
    return client
