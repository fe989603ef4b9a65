"""Login, logout and the user's own account page (password, language, API tokens)."""

from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response as BaseResponse

from coordination.accounts import guard, services, throttle, twofactor
from coordination.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from coordination.accounts.models import ApiToken, User
from coordination.db import db
from coordination.kernel.errors import DomainError
from coordination.web.forms import ConfirmForm
from coordination.web.security import safe_next

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | BaseResponse:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        username = services.normalise_username(form.username.data or "")[:64]
        device = guard.trusted_device(db.session, username)
        taken = _take_or_429(guard.login_limits(username, device))
        user = services.authenticate(db.session, username, form.password.data or "")
        if user is not None:
            if twofactor.enabled(user):
                # The password was right; the session is not signed in until the second step.
                fresh_session()
                session["2fa"] = {"user": user.id, "at": time.time(), "device": device}
                session["2fa_next"] = safe_next(form.next.data) or ""
                db.session.commit()
                throttle.give_back(taken)
                return redirect(url_for("accounts.login_second_factor"))
            db.session.commit()
            throttle.give_back(taken)  # only failures count
            return finish_login(user, device, form.next.data)
        flash(_("Wrong username or password."), "error")
    return render_template("accounts/login.html", form=form)


def fresh_session() -> None:
    """A fresh session: nothing planted before login survives it (but the language)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def finish_login(user: User, device: str | None, next_url: str | None) -> BaseResponse:
    fresh_session()
    services.start_session(db.session, user)
    login_user(user)
    db.session.commit()
    resp = redirect(safe_next(next_url) or url_for("main.home"))
    guard.remember_device(resp, user, device)
    return resp


def _take_or_429(limits: list[throttle.Limit]) -> throttle.Taken:
    # The counters commit on a connection of their own; end this request's transaction first,
    # or on SQLite its write lock would make that connection wait for it.
    db.session.rollback()
    verdict = throttle.take(limits)
    if isinstance(verdict, throttle.Refused):
        # Even the right password waits: otherwise the limit would leak which guess was right.
        raise TooManyRequests(retry_after=verdict.retry_after)
    return verdict


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("main.home"))
    services.end_session(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("accounts.login"))


@bp.route("/account")
@login_required
def account() -> str:
    return _account_page(PasswordChangeForm())


def _account_page(password_form: PasswordChangeForm, new_token: str | None = None) -> str:
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "accounts/account.html",
        password_form=password_form,
        token_form=TokenForm(),
        confirm_form=ConfirmForm(),
        tokens=tokens,
        new_token=new_token,
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password() -> tuple[str, int] | BaseResponse:
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        # Someone holding a stolen session must not be able to guess the current password.
        taken = _take_or_429(guard.password_limits(user))
        try:
            services.change_password(
                db.session,
                user,
                form.current_password.data or "",
                form.new_password.data or "",
                keep_tokens=bool(form.keep_tokens.data),
            )
            services.start_session(db.session, user)  # this browser stays signed in
        except DomainError as exc:
            db.session.rollback()
            if exc.field != "current_password":
                throttle.give_back(taken)  # a policy refusal is not a guess
            _field_error(form, exc)
        else:
            db.session.commit()
            throttle.give_back(taken)
            login_user(user)  # re-issue this browser's cookie with the new token
            if form.keep_tokens.data:
                flash(_("Password changed. Other sessions have been signed out."), "success")
            else:
                flash(_("Password changed. Sessions ended and API tokens revoked."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(form), 400


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token() -> str | BaseResponse:
    form = TokenForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        _row, plain = services.create_token(db.session, user, user, form.name.data or "")
        db.session.commit()
        # Shown once, in this response only: the session cookie is signed, not encrypted, so
        # the token must not travel in it; only its hash is stored.
        return _account_page(PasswordChangeForm(), new_token=plain)
    else:
        flash(_("Give the token a name of 1 to 100 characters."), "error")
    return redirect(url_for("accounts.account"))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> BaseResponse:
    if ConfirmForm().validate_on_submit():
        services.revoke_token(db.session, current_user._get_current_object(), token_id)
        db.session.commit()
        flash(_("Token revoked."), "success")
    return redirect(url_for("accounts.account"))


def _field_error(form: PasswordChangeForm, exc: DomainError) -> None:
    field = getattr(form, exc.field or "", None)
    message = _(exc.message)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        flash(message, "error")


# The user admin, reset-link and two-factor pages register their routes on this blueprint.
from coordination.accounts import admin as _admin  # noqa: E402, F401
from coordination.accounts import audit_views as _audit  # noqa: E402, F401
from coordination.accounts import reset_views as _reset  # noqa: E402, F401
from coordination.accounts import twofactor_views as _twofactor  # noqa: E402, F401
