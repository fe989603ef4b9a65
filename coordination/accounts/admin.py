"""Admin user management pages under /admin/users (services: accounts.services, .management)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from coordination.accounts import services as accounts
from coordination.accounts.forms import ROLE_CHOICES, UserForm
from coordination.accounts.management import search_users, update_account, user_stamp
from coordination.accounts.models import ROLE_PARTY_KIND, User
from coordination.accounts.views import bp
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.errors import Conflict, DomainError
from coordination.kernel.ids import get_or_404
from coordination.kernel.paging import paged
from coordination.parties.forms import NONE, no_nul, options, region_choices
from coordination.parties.models import Party
from coordination.parties.naming import shown_name
from coordination.web.access import roles_required
from coordination.web.forms import ConfirmForm
from coordination.web.pages import actor, enum_arg, list_args, show_error
from coordination.web.ui import current_locale

# ---- forms ----------------------------------------------------------------------------------


class NewUserForm(UserForm):
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES))
    full_name = StringField(
        _l("Full name (encrypted)"), validators=[Optional(), Length(max=200), no_nul]
    )
    phone = StringField(_l("Phone (encrypted)"), validators=[Optional(), Length(max=40), no_nul])


class EditUserForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options(ROLE_CHOICES))
    party_id = SelectField(_l("Acts for"), coerce=int, validators=[Optional()])
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])
    full_name = StringField(
        _l("Full name (encrypted)"), validators=[Optional(), Length(max=200), no_nul]
    )
    phone = StringField(_l("Phone (encrypted)"), validators=[Optional(), Length(max=40), no_nul])
    stamp = HiddenField()


def _choices(form: NewUserForm | EditUserForm) -> None:
    kinds = set(ROLE_PARTY_KIND.values())
    parties = db.session.scalars(
        select(Party)
        .where(Party.kind.in_(kinds), Party.active.is_(True))
        .order_by(Party.display_name)
    ).all()
    # Admins may see personal data, and telling households apart needs their real names.
    label = {
        p.id: shown_name(p) + (f" — {p.private_name}" if p.private_name else "") for p in parties
    }
    pairs = [(p.id, label[p.id]) for p in parties]
    form.party_id.choices = options([(NONE, _("— none —")), *pairs])
    form.region_id.choices = region_choices(db.session, current_locale(), blank=_("— none —"))


# ---- pages ----------------------------------------------------------------------------------


@bp.route("/admin/users")
@roles_required(Role.ADMIN)
def list_users() -> str:
    args = list_args()
    role = enum_arg("role", Role)
    active = None if args.show == "all" else args.active
    rows, page, pages, total = paged(
        db.session,
        # Each row names its party and region: loaded for the page, not per row.
        search_users(args.q, role, active).options(joinedload(User.party), joinedload(User.region)),
        args.page,
        args.per_page,
    )
    return render_template(
        "admin/users.html",
        users=rows,
        page=page,
        pages=pages,
        total=total,
        args=args,
        role=role,
        url_args=args.url_args(role=role.value if role else None),
        roles=ROLE_CHOICES,
        confirm_form=ConfirmForm(),
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> str | tuple[str, int] | BaseResponse:
    form = NewUserForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            accounts.create_user(
                db.session,
                actor(),
                username=form.username.data or "",
                password=form.password.data or "",
                role=Role(form.role.data),
                party_id=form.party_id.data or None,
                region_id=form.region_id.data or None,
                full_name=form.full_name.data,
                phone=form.phone.data,
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Account created."), "success")
            return redirect(url_for("accounts.list_users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> str | tuple[str, int] | BaseResponse:
    user = get_or_404(db.session, User, user_id)
    form = EditUserForm(obj=user)
    _choices(form)
    if not form.is_submitted():
        form.role.data = user.role.value
        form.stamp.data = user_stamp(user)
    if form.validate_on_submit():
        try:
            update_account(
                db.session,
                actor(),
                user,
                form.stamp.data or "",
                role=Role(form.role.data),
                party_id=form.party_id.data or None,
                region_id=form.region_id.data or None,
                full_name=form.full_name.data,
                phone=form.phone.data,
            )
        except Conflict as exc:
            show_error(None, exc)
            form = EditUserForm(formdata=None, obj=user)
            _choices(form)
            form.role.data, form.stamp.data = user.role.value, user_stamp(user)
            return render_template("admin/user_form.html", form=form, user=user), 409
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("accounts.list_users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/admin/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required(Role.ADMIN)
def set_user_active(user_id: int, action: str) -> BaseResponse:
    user = get_or_404(db.session, User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.set_active(db.session, actor(), user, action == "reactivate")
        except DomainError as exc:
            show_error(None, exc)
        else:
            db.session.commit()
            flash(
                _("Account reactivated.")
                if action == "reactivate"
                else _("Account deactivated; its sessions have ended."),
                "success",
            )
    return redirect(url_for("accounts.list_users"))
