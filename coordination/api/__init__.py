"""/api/v1: bearer-token JSON API. Each module below adds one domain's endpoints."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from coordination.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, never cookies, authenticate the API, so a cross-site form cannot ride it.
csrf.exempt(bp)


@bp.route("/openapi.json")
def openapi() -> ResponseReturnValue:
    from coordination.api.openapi import build_document

    return jsonify(build_document())


from coordination.api import account as _account  # noqa: E402,F401  (registers endpoints)
from coordination.api import catalog as _catalog  # noqa: E402,F401  (registers endpoints)
from coordination.api import needs as _needs  # noqa: E402,F401  (registers endpoints)
from coordination.api import parties as _parties  # noqa: E402,F401  (registers endpoints)
from coordination.api import users as _users  # noqa: E402,F401  (registers endpoints)
