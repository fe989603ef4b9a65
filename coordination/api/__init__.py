"""/api/v1: bearer-token JSON API. Each module below adds one domain's endpoints."""

from __future__ import annotations

from importlib import import_module

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


# Each module registers its endpoints on `bp` when imported.
for _module in (
    "account",
    "catalog",
    "needs",
    "demand",
    "parties",
    "users",
    "money",
    "purchases",
    "donations",
    "stock",
    "imports",
    "deliveries",
    "handovers",
    "evidence",
    "reports",
    "disputes",
):
    import_module(f"coordination.api.{_module}")
