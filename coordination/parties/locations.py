"""Admin pages for locations (hubs, warehouses, workshops) and regions, on the parties blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.kernel.actors import STAFF, Role
from coordination.kernel.errors import Conflict, DomainError
from coordination.kernel.ids import get_or_404
from coordination.kernel.paging import paged
from coordination.parties import places
from coordination.parties.access import can_manage_location
from coordination.parties.forms import (
    LOCATION_LABELS,
    LOCATION_PARTY_KINDS,
    LocationForm,
    RegionForm,
    all_regions,
    options,
    party_choices,
    region_choices,
)
from coordination.parties.models import Location, LocationKind, Region
from coordination.parties.views import bp
from coordination.web.access import roles_required
from coordination.web.forms import ConfirmForm
from coordination.web.pages import CodedNamePages, actor, enum_arg, list_args, show_error
from coordination.web.ui import current_locale

Page = str | tuple[str, int] | BaseResponse
REGION_PAGES = CodedNamePages(
    RegionForm, "parties/region_form.html", "parties.list_regions", "region"
)


@bp.route("/locations")
@roles_required(*STAFF)
def list_locations() -> str:
    args = list_args()
    kind = enum_arg("kind", LocationKind)
    stmt = places.search_locations(actor(), args.q, kind, args.region, args.active)
    stmt = stmt.options(joinedload(Location.party))  # each row names its party: not per row
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    return render_template(
        "parties/locations.html",
        locations=rows,
        page=page,
        pages=pages,
        total=total,
        args=args,
        kind=kind,
        url_args=args.url_args(kind=kind.value if kind else None),
        kinds=LOCATION_LABELS,
        regions=all_regions(db.session),
        confirm_form=ConfirmForm(),
    )


def _managed_location(location_id: int) -> Location:
    """The location, or 404 when it is in another coordinator's region."""
    loc = get_or_404(db.session, Location, location_id)
    if not can_manage_location(actor(), loc):
        abort(404)
    return loc


def _values(form: LocationForm) -> set[int]:
    return {choice.value for choice in form.party_id.choices}


def _location_form(loc: Location | None = None, fresh: bool = False) -> LocationForm:
    """fresh: ignore what was posted and show what is saved (after a conflict)."""
    form = LocationForm(formdata=None, obj=loc) if fresh else LocationForm(obj=loc)
    user = actor()
    form.region_id.choices = region_choices(
        db.session, current_locale(), blank=_("— choose —"), user=user
    )
    form.party_id.choices = party_choices(
        db.session, LOCATION_PARTY_KINDS, _("— nobody —"), user, own_region=True
    )
    # The place's own party stays a valid answer even when it is not in the list.
    if loc is not None and loc.party is not None and loc.party_id not in _values(form):
        form.party_id.choices += options([(loc.party_id, loc.party.display_name)])
    if loc is not None and (fresh or not form.is_submitted()):
        form.stamp.data = places.location_stamp(loc)
    return form


def _location_fields(form: LocationForm) -> places.LocationFields:
    return places.LocationFields(
        name=form.name.data or "",
        kind=LocationKind(form.kind.data),
        region_id=form.region_id.data or None,
        town=form.town.data,
        party_id=form.party_id.data or None,
    )


@bp.route("/locations/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_location() -> Page:
    form = _location_form()
    if form.validate_on_submit():
        try:
            places.register_location(db.session, actor(), _location_fields(form))
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Location registered."), "success")
            return redirect(url_for("parties.list_locations"))
    return _render_location(form, None)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_location(location_id: int) -> Page:
    loc = _managed_location(location_id)
    form = _location_form(loc)
    if form.validate_on_submit():
        try:
            places.update_location(
                db.session, actor(), loc, form.stamp.data or "", _location_fields(form)
            )
        except Conflict as exc:
            db.session.rollback()
            show_error(None, exc)
            form = _location_form(_managed_location(location_id), fresh=True)
            return render_template("parties/location_form.html", form=form, location=loc), 409
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Location saved."), "success")
            return redirect(url_for("parties.list_locations"))
    return _render_location(form, loc)


def _render_location(form: LocationForm, loc: Location | None) -> tuple[str, int]:
    status = 400 if form.is_submitted() else 200
    return render_template("parties/location_form.html", form=form, location=loc), status


@bp.route("/locations/<int:location_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required(*STAFF)
def set_location_active(location_id: int, action: str) -> BaseResponse:
    loc = _managed_location(location_id)
    if ConfirmForm().validate_on_submit():
        places.set_location_active(db.session, actor(), loc, action == "reactivate")
        db.session.commit()
        flash(
            _("Location reactivated.") if action == "reactivate" else _("Location deactivated."),
            "success",
        )
    return redirect(url_for("parties.list_locations"))


@bp.route("/regions")
@roles_required(*STAFF)
def list_regions() -> str:
    args = list_args()
    rows, page, pages, total = paged(
        db.session, places.search_regions(args.q), args.page, args.per_page
    )
    return render_template(
        "parties/regions.html",
        regions=rows,
        page=page,
        pages=pages,
        total=total,
        args=args,
        url_args=args.url_args(),
    )


@bp.route("/regions/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_region() -> Page:
    return REGION_PAGES.new(places.create_region, _("Region added."))


@bp.route("/regions/<int:region_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_region(region_id: int) -> Page:
    region = get_or_404(db.session, Region, region_id)
    return REGION_PAGES.edit(region, places.update_region, places.region_stamp, _("Region saved."))
