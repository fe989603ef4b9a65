"""Delivery pages (filled in by the deliveries work)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("deliveries", __name__, url_prefix="/deliveries")
