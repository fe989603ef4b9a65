"""Admin pages for parties. Locations, regions and users live on the same blueprint (/admin)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.kernel.actors import READ_ALL, STAFF
from coordination.kernel.errors import Conflict, DomainError
from coordination.kernel.ids import get_or_404
from coordination.kernel.paging import paged
from coordination.parties import services
from coordination.parties.access import (
    can_manage_parties,
    can_manage_party,
    can_see_party,
    can_see_personal_data,
)
from coordination.parties.forms import (
    KIND_LABELS,
    PartyForm,
    all_regions,
    parse_version,
    region_choices,
)
from coordination.parties.models import SOURCE_KINDS, Location, Party, PartyKind
from coordination.parties.naming import public_name, shown_name
from coordination.web.access import roles_required
from coordination.web.forms import ConfirmForm
from coordination.web.pages import actor, enum_arg, list_args, show_error
from coordination.web.ui import current_locale

bp = Blueprint("parties", __name__, url_prefix="/admin")
# `party|party_name`: a neutral label's first word translated; `label|public_name`: a public
# label's English token ("anonymous donor", "household") translated (parties/naming.py).
bp.add_app_template_filter(shown_name, "party_name")
bp.add_app_template_filter(public_name, "public_name")


def _visible_party(party_id: int) -> Party:
    party = get_or_404(db.session, Party, party_id)
    if not can_see_party(actor(), party):
        abort(404)
    return party


@bp.route("/parties")
@roles_required(*READ_ALL)
def list_parties() -> str:
    args = list_args()
    kind = enum_arg("kind", PartyKind)
    stmt = services.search_parties(actor(), args.q, kind, args.region, args.active)
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    return render_template(
        "parties/list.html",
        parties=rows,
        page=page,
        pages=pages,
        total=total,
        args=args,
        kind=kind,
        url_args=args.url_args(kind=kind.value if kind else None),
        kinds=KIND_LABELS,
        regions=all_regions(db.session),
        can_manage=can_manage_parties(actor()),
    )


@bp.route("/parties/<int:party_id>")
@roles_required(*READ_ALL)
def view_party(party_id: int) -> str:
    party = _visible_party(party_id)
    locations = db.session.scalars(select(Location).where(Location.party_id == party.id)).all()
    return render_template(
        "parties/detail.html",
        party=party,
        kinds=KIND_LABELS,
        locations=locations,
        personal=can_see_personal_data(actor(), party),
        can_manage=can_manage_party(actor(), party),
        confirm_form=ConfirmForm(),
        is_source=party.kind in SOURCE_KINDS,
    )


def _form(party: Party | None = None, fresh: bool = False) -> PartyForm:
    """fresh: ignore what was posted and show what is saved (after a conflict)."""
    form = PartyForm(formdata=None, obj=party) if fresh else PartyForm(obj=party)
    form.region_id.choices = region_choices(
        db.session, current_locale(), blank=_("— none —"), user=actor()
    )
    if party is not None:
        form.kind.data = party.kind.value
        # A posted form carries the version it was built from; a missing one must not be
        # filled in from the row, or a stale form would pass as current.
        if fresh or not form.is_submitted():
            form.version.data = str(party.version)
        else:
            form.version.data = request.form.get("version", "")
    return form


def _fields(form: PartyForm) -> services.PartyFields:
    return services.PartyFields(
        display_name=form.display_name.data,
        name_public=bool(form.name_public.data),
        region_id=form.region_id.data or None,
        private_name=form.private_name.data,
        phone=form.phone.data,
        address=form.address.data,
        note=form.note.data,
    )


@bp.route("/parties/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_party() -> str | tuple[str, int] | BaseResponse:
    form = _form()
    if form.validate_on_submit():
        try:
            party = services.register_party(
                db.session, actor(), PartyKind(form.kind.data), _fields(form)
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Party registered."), "success")
            return redirect(url_for("parties.view_party", party_id=party.id))
    status = 400 if form.is_submitted() else 200
    return render_template("parties/form.html", form=form, party=None, kinds=KIND_LABELS), status


@bp.route("/parties/<int:party_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_party(party_id: int) -> str | tuple[str, int] | BaseResponse:
    party = _visible_party(party_id)
    form = _form(party)
    if form.validate_on_submit():
        try:
            services.update_party(
                db.session, actor(), party, parse_version(form.version.data), _fields(form)
            )
        except Conflict as exc:
            db.session.rollback()
            # Show what is saved now, with the current version: the editor reviews and redoes.
            form = _form(_visible_party(party_id), fresh=True)
            show_error(None, exc)
            return render_template(
                "parties/form.html", form=form, party=party, kinds=KIND_LABELS
            ), 409
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Party saved."), "success")
            return redirect(url_for("parties.view_party", party_id=party.id))
    status = 400 if form.is_submitted() else 200
    return render_template("parties/form.html", form=form, party=party, kinds=KIND_LABELS), status


@bp.route("/parties/<int:party_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required(*STAFF)
def set_party_active(party_id: int, action: str) -> BaseResponse:
    party = _visible_party(party_id)
    if ConfirmForm().validate_on_submit():
        services.set_party_active(db.session, actor(), party, action == "reactivate")
        db.session.commit()
        flash(
            _("Party reactivated.") if action == "reactivate" else _("Party deactivated."),
            "success",
        )
    return redirect(url_for("parties.view_party", party_id=party.id))


# The locations pages register their routes on this blueprint.
from coordination.parties import locations as _locations  # noqa: E402,F401
