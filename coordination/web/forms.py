"""Forms every page may use."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """An empty form: a POST with a CSRF token, for confirmed destructive actions."""
