"""Evidence upload and serving (filled in by the evidence work)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
