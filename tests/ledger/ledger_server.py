"""A real server for the concurrency test: `gunicorn tests.ledger.ledger_server:app`.

The app as create_app() builds it (settings from the environment), plus one route that
exists only here, in the test harness: it appends one entry per POST, in the request's
own transaction, exactly as a writing view calls a service. The app itself has no test
routes; this module is never imported by it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, request

from coordination import create_app
from coordination.db import db
from coordination.ledger.services import append


def make_app() -> Flask:
    application = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    harness = Blueprint("ledger_harness", __name__)

    @harness.post("/_harness/ledger/append")
    def append_one() -> dict[str, Any]:
        payload = request.get_json(force=True)
        data = {"tag": str(payload["tag"]), "n": int(payload["n"])}
        entry = append(db.session, None, "test.http", data)
        index = entry.index
        db.session.commit()
        return {"index": index}

    application.register_blueprint(harness)
    return application


app = make_app()
