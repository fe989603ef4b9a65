"""Money pages: donations in money, purchases, totals (filled in by the money work)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("money", __name__, url_prefix="/money")
