"""Attribution, /verify/<code>, donor follow-up (filled in by the reports work)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
