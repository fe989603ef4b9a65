"""Reset links: the admin's button that issues one, and the page that uses one."""

from __future__ import annotations

from flask import current_app, flash, has_request_context, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from coordination.accounts import recovery
from coordination.accounts.models import User
from coordination.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from coordination.accounts.views import bp
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from coordination.kernel.ids import get_or_404
from coordination.web.access import roles_required
from coordination.web.forms import ConfirmForm
from coordination.web.pages import actor


class ResetForm(FlaskForm):
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)]
    )
    again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", _l("The two passwords differ."))],
    )


def reset_url(plain: str) -> str:
    """The absolute link; outside a request (the CLI) it is built on AIDTRAIL_BASE_URL."""
    if has_request_context():
        return url_for("accounts.reset_password", token=plain, _external=True)
    base = str(current_app.config["AIDTRAIL_BASE_URL"])
    with current_app.test_request_context(base_url=base):
        return url_for("accounts.reset_password", token=plain, _external=True)


@bp.route("/admin/users/<int:user_id>/reset-link", methods=["POST"])
@roles_required(Role.ADMIN)
def issue_reset_link(user_id: int) -> str | BaseResponse:
    user = get_or_404(db.session, User, user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.edit_user", user_id=user.id))
    plain = recovery.issue_reset(db.session, actor(), user)
    db.session.commit()
    # Shown in this response only; the admin passes it on privately.
    return render_template("accounts/reset_issued.html", user=user, link=reset_url(plain))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | tuple[str, int] | BaseResponse:
    if recovery.find_reset(db.session, token) is None:
        return render_template("accounts/reset.html", form=None), 404
    form = ResetForm()
    if form.validate_on_submit():
        try:
            recovery.use_reset(db.session, token, form.new_password.data or "")
        except DomainError as exc:
            target = form.new_password if exc.field == "new_password" else None
            if target is not None:
                target.errors = [*target.errors, _(exc.message)]
            else:
                flash(_(exc.message), "error")
        else:
            db.session.commit()
            flash(_("Password set. Sign in with the new password."), "success")
            return redirect(url_for("accounts.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/reset.html", form=form), status
