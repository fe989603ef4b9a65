"""Two-factor pages: the sign-in step, enrolment, recovery codes, and the admin's reset."""

from __future__ import annotations

import time

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from coordination.accounts import guard, passwords, throttle, twofactor
from coordination.accounts.models import User
from coordination.accounts.views import _take_or_429, bp, finish_login
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from coordination.kernel.ids import get_or_404
from coordination.web.access import roles_required
from coordination.web.forms import ConfirmForm
from coordination.web.pages import actor

PENDING_SECONDS = 300  # time allowed between the password and the code
# Pages a user who must enrol can still reach before enrolling.
ENROL_OPEN = frozenset(
    {
        "accounts.two_factor",
        "accounts.logout",
        "main.set_language",
        "main.health",
        "static",
    }
)


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from the app, or a recovery code"), validators=[DataRequired(), Length(max=40)]
    )


class DisableForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=256)])


@bp.before_app_request
def _require_enrolment() -> BaseResponse | None:
    """With AIDTRAIL_REQUIRE_2FA on, admins and coordinators enrol before anything else."""
    if not current_app.config.get("AIDTRAIL_REQUIRE_2FA") or request.endpoint in ENROL_OPEN:
        return None
    if not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    if twofactor.required(user, True) and not twofactor.enabled(user):
        return redirect(url_for("accounts.two_factor"))
    return None


def _pending_user() -> tuple[User, str | None] | None:
    pending = session.get("2fa")
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(pending.get("user", 0)))
    if user is None or not user.active or not twofactor.enabled(user):
        return None
    device = pending.get("device")
    return user, device if isinstance(device, str) else None


@bp.route("/login/2fa", methods=["GET", "POST"])
def login_second_factor() -> str | tuple[str, int] | BaseResponse:
    found = _pending_user()
    if found is None:
        session.pop("2fa", None)
        return redirect(url_for("accounts.login"))
    user, device = found
    form = CodeForm()
    if form.validate_on_submit():
        taken = _take_or_429(guard.second_factor_limits(user))
        db.session.refresh(user)  # reloaded after the throttle's rollback
        how = twofactor.verify_second_factor(db.session, user, form.code.data or "")
        if how is not None:
            # Committed before the counters are given back: on SQLite this request's write
            # lock would otherwise keep the counters' own connection waiting.
            db.session.commit()
            throttle.give_back(taken)
            next_url = session.get("2fa_next")
            resp = finish_login(user, device, next_url if isinstance(next_url, str) else None)
            if how == "recovery":
                left = twofactor.remaining_recovery_codes(db.session, user)
                flash(_("Recovery code used; %(n)s left.", n=left), "warning")
            return resp
        db.session.commit()
        form.code.errors = [*form.code.errors, _(twofactor.WRONG_CODE)]
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/login_2fa.html", form=form), status


@bp.route("/account/2fa", methods=["GET", "POST"])
@login_required
def two_factor() -> str | tuple[str, int] | BaseResponse:
    user = current_user._get_current_object()
    if twofactor.enabled(user):
        return render_template(
            "accounts/two_factor.html",
            user=user,
            remaining=twofactor.remaining_recovery_codes(db.session, user),
            disable_form=DisableForm(),
            confirm_form=ConfirmForm(),
            required=twofactor.required(user, bool(current_app.config["AIDTRAIL_REQUIRE_2FA"])),
        )
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.confirm_enrolment(db.session, user, form.code.data or "")
        except DomainError as exc:
            form.code.errors = [*form.code.errors, _(exc.message)]
        else:
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes)
    if not form.is_submitted() or not user.totp_secret:
        twofactor.begin_enrolment(db.session, user)
        db.session.commit()
    uri = twofactor.provisioning_uri(user)
    qr = segno.make(uri, error="m").png_data_uri(scale=5, border=4)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "accounts/two_factor.html", user=user, form=form, qr=qr, secret=user.totp_secret
    ), status


@bp.route("/account/2fa/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes() -> str | BaseResponse:
    user = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit() or not twofactor.enabled(user):
        return redirect(url_for("accounts.two_factor"))
    codes = twofactor.new_recovery_codes(db.session, user)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.route("/account/2fa/disable", methods=["POST"])
@login_required
def disable_two_factor() -> BaseResponse:
    user = current_user._get_current_object()
    form = DisableForm()
    if twofactor.required(user, bool(current_app.config["AIDTRAIL_REQUIRE_2FA"])):
        flash(_("Your role must keep two-factor sign-in on."), "error")
    elif form.validate_on_submit():
        # Counted like the password change: a stolen session must not guess the password.
        taken = _take_or_429(guard.password_limits(user))
        db.session.refresh(user)  # reloaded after the throttle's rollback
        if passwords.verify_password(user.password_hash, form.password.data or ""):
            twofactor.reset_second_factor(db.session, None, user)
            db.session.commit()
            throttle.give_back(taken)
            flash(_("Two-factor sign-in is off. Sign in again."), "success")
            return redirect(url_for("accounts.login"))
        flash(_("The password is wrong."), "error")
    else:
        flash(_("The password is wrong."), "error")
    return redirect(url_for("accounts.two_factor"))


@bp.route("/admin/users/<int:user_id>/reset-2fa", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_two_factor(user_id: int) -> BaseResponse:
    user = get_or_404(db.session, User, user_id)
    if ConfirmForm().validate_on_submit():
        twofactor.reset_second_factor(db.session, actor(), user)
        db.session.commit()
        flash(_("Two-factor sign-in reset; the user sets it up again at next sign-in."), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
