"""Admin pages for parties and locations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("parties", __name__, url_prefix="/admin")
