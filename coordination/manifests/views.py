"""Documents as PDF and print-friendly HTML (filled in by the documents work)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("manifests", __name__)
