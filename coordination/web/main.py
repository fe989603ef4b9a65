"""Home pages by role, the language switch and a health probe."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.web.forms import ConfirmForm
from coordination.web.home_actions import home_actions, notices
from coordination.web.security import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def home() -> str:
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    return render_template(
        f"main/home_{current_user.role.value}.html",
        actions=home_actions(),
        notices=notices(db.session, current_user),
    )


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str) -> BaseResponse:
    # A POST with CSRF, so no page can switch a visitor's language behind their back.
    if ConfirmForm().validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/healthz")
def health() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
