"""Admin user management: services (check, write, record, flush) and their pages under /admin/users.

Account events are not supply events: the ledger gets only the account's pseudonymous
public id and role, never a username or a name.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from coordination.accounts import services as accounts
from coordination.accounts.forms import ROLE_CHOICES, ConfirmForm, UserForm
from coordination.accounts.models import ROLE_PARTY_KIND, Role, User
from coordination.accounts.permissions import roles_required
from coordination.db import db
from coordination.errors import Conflict, DomainError, Forbidden
from coordination.ledger.services import append
from coordination.parties.forms import NONE, no_nul, options, region_choices
from coordination.parties.models import Party, Region
from coordination.parties.pages import actor, enum_arg, list_args, show_error
from coordination.parties.shared import (
    N_,
    STALE,
    Invalid,
    edit_stamp,
    get_or_404,
    has_nul,
    paged,
    search_clause,
)
from coordination.parties.views import bp
from coordination.ui import current_locale

# ---- services -------------------------------------------------------------------------------


def user_stamp(user: User) -> str:
    # Personal fields stay out: a digest of a phone number in a page is guessable.
    return edit_stamp([user.role.value, user.party_id, user.region_id, user.active])


def _require_admin(actor: User | None) -> None:
    if actor is not None and actor.role != Role.ADMIN:
        raise Forbidden(N_("Only an admin can manage accounts."))


def _check_assignment(
    session: Session, role: Role, party_id: int | None, region_id: int | None
) -> None:
    needed = ROLE_PARTY_KIND.get(role)
    if needed is not None:
        party = session.get(Party, party_id) if party_id else None
        if party is None or party.kind != needed or not party.active:
            raise Invalid(
                N_("Choose the %(kind)s this account acts for."),
                field="party_id",
                kind=needed.value,
            )
    region = session.get(Region, region_id) if region_id else None
    if region_id and region is None:
        raise Invalid(N_("Choose a region from the list."), field="region_id")
    if role == Role.COORDINATOR and region is None:
        raise Invalid(N_("A coordinator needs a region."), field="region_id")


def _check_personal(full_name: str | None, phone: str | None) -> None:
    if has_nul(full_name, phone):
        raise Invalid(
            N_("This text contains a character that cannot be stored."), field="full_name"
        )
    if full_name and len(full_name) > 200:
        raise Invalid(N_("Use at most %(limit)s characters."), field="full_name", limit=200)
    if phone and len(phone) > 40:
        raise Invalid(N_("Use at most %(limit)s characters."), field="phone", limit=40)


def create_account(
    session: Session,
    actor: User | None,
    *,
    username: str,
    password: str,
    role: Role,
    party_id: int | None = None,
    region_id: int | None = None,
    full_name: str | None = None,
    phone: str | None = None,
) -> User:
    _require_admin(actor)
    _check_assignment(session, role, party_id, region_id)
    _check_personal(full_name, phone)
    user = accounts.create_user(
        session,
        actor,
        username=username,
        password=password,
        role=role,
        party_id=party_id,
        region_id=region_id,
        full_name=(full_name or "").strip() or None,
        phone=(phone or "").strip() or None,
    )
    append(session, actor, "account.created", {"user": user.public_id, "role": user.role.value})
    return user


def update_account(
    session: Session,
    actor: User | None,
    user: User,
    stamp: str | None,
    *,
    role: Role,
    party_id: int | None,
    region_id: int | None,
    full_name: str | None,
    phone: str | None,
) -> User:
    _require_admin(actor)
    if stamp is not None and stamp != user_stamp(user):
        raise Conflict(STALE)
    if actor is not None and user.id == actor.id and role != user.role:
        raise Invalid(N_("You cannot change your own role."), field="role")
    _check_assignment(session, role, party_id, region_id)
    _check_personal(full_name, phone)
    role_changed = role != user.role
    user.role = role
    user.party_id = party_id if role in ROLE_PARTY_KIND else None
    user.region_id = region_id or None
    user.full_name = (full_name or "").strip() or None
    user.phone = (phone or "").strip() or None
    session.flush()
    if role_changed:
        append(session, actor, "account.role_changed", {"user": user.public_id, "role": role.value})
    return user


def set_account_active(session: Session, actor: User, user: User, active: bool) -> User:
    """Deactivating also rotates the session token, so every open session of the user ends."""
    if user.active != active:
        accounts.set_active(session, actor, user, active)
        kind = "account.reactivated" if active else "account.deactivated"
        append(session, actor, kind, {"user": user.public_id})
    return user


def search_users(
    q: str = "", role: Role | None = None, active: bool | None = None
) -> Select[User]:
    stmt = select(User).order_by(User.username)
    if q:
        stmt = stmt.where(search_clause(q, User.username, User.public_id))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return stmt


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
        p.id: f"{p.display_name}" + (f" — {p.private_name}" if p.private_name else "")
        for p in parties
    }
    pairs = [(p.id, label[p.id]) for p in parties]
    form.party_id.choices = options([(NONE, _("— none —")), *pairs])
    form.region_id.choices = region_choices(db.session, current_locale(), blank=_("— none —"))


# ---- pages ----------------------------------------------------------------------------------


@bp.route("/users")
@roles_required(Role.ADMIN)
def list_users() -> str:
    args = list_args()
    role = enum_arg("role", Role)
    active = None if args.show == "all" else args.active
    rows, page, pages, total = paged(
        db.session, search_users(args.q, role, active), args.page, args.per_page
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


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> str | tuple[str, int] | BaseResponse:
    form = NewUserForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            create_account(
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
            return redirect(url_for("parties.list_users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
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
            return redirect(url_for("parties.list_users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required(Role.ADMIN)
def set_user_active(user_id: int, action: str) -> BaseResponse:
    user = get_or_404(db.session, User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            set_account_active(db.session, actor(), user, action == "reactivate")
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
    return redirect(url_for("parties.list_users"))
