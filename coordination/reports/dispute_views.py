"""Dispute pages (filled in by the disputes work)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("disputes", __name__, url_prefix="/disputes")
