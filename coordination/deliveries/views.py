"""Delivery pages: list and "my deliveries", a new delivery from approved needs, the delivery
page (lines with sources, status steps asking first, custody chain, receipts), handovers and
the recipient's receipt. Services decide; views load-or-404, validate, call, commit, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.deliveries import allocation, services, status
from coordination.deliveries.access import (
    DELIVERY_READERS,
    DELIVERY_STAFF,
    delivery_clause,
    managed_delivery,
    visible_delivery,
)
from coordination.deliveries.forms import (
    DetailsForm,
    LineForm,
    NewDeliveryForm,
    VersionForm,
    opt_int,
    read_int,
)
from coordination.deliveries.models import Delivery, DeliveryStatus
from coordination.deliveries.pages import (
    labels,
    open_need_lines,
    party_label,
    render_delivery,
    setup_details,
    setup_line,
    setup_new,
)
from coordination.deliveries.queries import STATUSES, deliveries_for, list_loading
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError, Invalid, NotFound
from coordination.kernel.paging import paged, parse_page
from coordination.kernel.text import N_, clean_search
from coordination.parties.forms import parse_version
from coordination.web.access import roles_required
from coordination.web.home_actions import register_notice
from coordination.web.pages import actor, show_error

bp = Blueprint("deliveries", __name__, url_prefix="/deliveries")


def _disputed_notice(session: Any, user: Any) -> tuple[str, str] | None:
    """Disputed deliveries a coordinator must act on: a shortfall, damage or a challenged
    handover reported by the recipient. The home page says so above the tiles."""
    if user.role != Role.COORDINATOR:
        return None
    stmt = (
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.status == DeliveryStatus.DISPUTED, delivery_clause(user))
    )
    n = int(session.scalar(stmt) or 0)
    if not n:
        return None
    text = _("Disputed deliveries waiting for you: %(n)s. A recipient reported a problem.", n=n)
    return text, url_for("deliveries.list_deliveries", status="disputed")


register_notice(_disputed_notice)
Page = str | tuple[str, int] | BaseResponse
STEPS: dict[str, tuple[Callable[..., Any], str]] = {
    "pack": (status.pack, N_("Delivery packed.")),
    "unpack": (status.unpack, N_("Delivery back to draft.")),
    "dispatch": (status.dispatch, N_("Delivery dispatched.")),
    "deliver": (status.mark_delivered, N_("Delivery marked as arrived.")),
    "cancel": (services.cancel, N_("Delivery cancelled; its stock is free again.")),
}


def _list(mine: bool) -> str:
    q, state = clean_search(request.args.get("q")), request.args.get("status", "")
    state = state if state in STATUSES else ""
    rows, page, pages, total = paged(
        db.session,
        deliveries_for(actor(), q, state).options(*list_loading()),
        parse_page(request.args.get("page")),
        int(current_app.config.get("PAGE_SIZE", 25)),
    )
    return render_template(
        "deliveries/list.html",
        deliveries=rows,
        page=page,
        pages=pages,
        total=total,
        q=q,
        status=state,
        mine=mine,
        url_args={"q": q, "status": state},
        user=actor(),
        party_label=party_label,
        statuses=STATUSES,
        **labels(),
    )


@bp.route("/")
@roles_required(*DELIVERY_READERS)
def list_deliveries() -> str:
    return _list(mine=False)


@bp.route("/mine")
@roles_required(*DELIVERY_READERS)
def my_deliveries() -> str:
    return _list(mine=True)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*DELIVERY_STAFF)
def new_delivery() -> Page:
    form = setup_new(NewDeliveryForm(), db.session, actor())
    chosen = [
        v
        for v in (read_int(x, 1, 2**31 - 1) for x in request.form.getlist("need_line"))
        if v is not None
    ]
    if form.validate_on_submit():
        data = services.DraftInput(
            from_location_id=opt_int(form.from_location_id.data),
            need_line_ids=chosen,
            to_party_id=opt_int(form.to_party_id.data),
            to_location_id=opt_int(form.to_location_id.data),
            expected_on=form.expected_on.data,
        )
        try:
            delivery = services.create_draft(db.session, actor(), data)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Draft delivery created; the proposed lots are reserved."), "success")
            return redirect(url_for("deliveries.view_delivery", delivery_id=delivery.id))
    code = 400 if form.is_submitted() else 200
    return render_template(
        "deliveries/new.html",
        form=form,
        lines=open_need_lines(db.session, actor()),
        chosen=set(chosen),
        user=actor(),
        party_label=party_label,
    ), code


@bp.route("/<int:delivery_id>")
@roles_required(*DELIVERY_READERS)
def view_delivery(delivery_id: int) -> Page:
    return render_delivery(db.session, actor(), visible_delivery(db.session, actor(), delivery_id))


def _refused(delivery_id: int, form: Any, exc: DomainError, **forms: Any) -> Page:
    db.session.rollback()
    if isinstance(exc, NotFound):
        raise exc
    show_error(form, exc)
    delivery = visible_delivery(db.session, actor(), delivery_id)
    return render_delivery(db.session, actor(), delivery, exc.status, **forms)


def _done(delivery: Delivery, message: str) -> BaseResponse:
    db.session.commit()
    flash(_(message), "success")
    return redirect(url_for("deliveries.view_delivery", delivery_id=delivery.id))


@bp.route(
    "/<int:delivery_id>/<any(pack, unpack, dispatch, deliver, cancel):action>", methods=["POST"]
)
@roles_required(*DELIVERY_STAFF)
def step(delivery_id: int, action: str) -> Page:
    if action not in STEPS:
        raise NotFound(N_("Not found."))
    delivery = managed_delivery(db.session, actor(), delivery_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return _refused(delivery_id, None, Invalid(N_("The form expired; try again.")))
    act, message = STEPS[action]
    try:
        act(db.session, actor(), delivery, parse_version(form.version.data))
    except DomainError as exc:
        return _refused(delivery_id, None, exc)
    return _done(delivery, message)


@bp.route("/<int:delivery_id>/lines", methods=["POST"])
@roles_required(*DELIVERY_STAFF)
def add_line(delivery_id: int) -> Page:
    delivery = managed_delivery(db.session, actor(), delivery_id)
    form = setup_line(LineForm(), db.session, delivery)
    if not form.validate_on_submit():
        return render_delivery(db.session, actor(), delivery, 400, line=form)
    try:
        allocation.add_line(
            db.session,
            actor(),
            delivery,
            parse_version(form.version.data),
            form.lot_id.data,
            form.quantity.data,
            opt_int(form.need_line_id.data),
        )
    except DomainError as exc:
        db.session.rollback()
        if isinstance(exc, NotFound):
            raise
        show_error(form, exc)
        delivery = visible_delivery(db.session, actor(), delivery_id)
        return render_delivery(
            db.session, actor(), delivery, exc.status, line=setup_line(form, db.session, delivery)
        )
    return _done(delivery, N_("Lot allocated and reserved."))


@bp.route("/<int:delivery_id>/lines/<int:line_id>/remove", methods=["POST"])
@roles_required(*DELIVERY_STAFF)
def remove_line(delivery_id: int, line_id: int) -> Page:
    delivery = managed_delivery(db.session, actor(), delivery_id)
    form = VersionForm()
    try:
        if not form.validate_on_submit():
            raise Invalid(N_("The form expired; try again."))
        allocation.remove_line(
            db.session, actor(), delivery, parse_version(form.version.data), line_id
        )
    except DomainError as exc:
        return _refused(delivery_id, None, exc)
    return _done(delivery, N_("Line removed; its stock is free again."))


@bp.route("/<int:delivery_id>/details", methods=["POST"])
@roles_required(*DELIVERY_STAFF)
def edit_details(delivery_id: int) -> Page:
    delivery = managed_delivery(db.session, actor(), delivery_id)
    form = setup_details(DetailsForm(), db.session)
    if not form.validate_on_submit():
        return render_delivery(db.session, actor(), delivery, 400, details=form)
    try:
        services.update_details(
            db.session,
            actor(),
            delivery,
            parse_version(form.version.data),
            services.DetailsInput(
                expected_on=form.expected_on.data,
                carrier_id=opt_int(form.carrier_id.data),
                vehicle=form.vehicle.data,
                driver=form.driver.data,
                comments=form.comments.data,
                packages=form.packages.data,
            ),
        )
    except DomainError as exc:
        db.session.rollback()
        show_error(form, exc)
        delivery = visible_delivery(db.session, actor(), delivery_id)
        return render_delivery(
            db.session, actor(), delivery, exc.status, details=setup_details(form, db.session)
        )
    return _done(delivery, N_("Delivery details saved."))


from coordination.deliveries import custody as _custody  # noqa: E402,F401  (registers routes)
