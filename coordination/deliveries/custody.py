"""Pages for the custody chain: record a handover (staff) and confirm receipt (recipient)."""

from __future__ import annotations

from datetime import UTC

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.deliveries import handovers, receipts
from coordination.deliveries.access import (
    DELIVERY_STAFF,
    RECIPIENTS,
    managed_delivery,
    visible_delivery,
)
from coordination.deliveries.forms import HandoverForm, ReceiptForm, opt_int, read_int
from coordination.deliveries.models import Delivery
from coordination.deliveries.pages import handover_form, labels, party_label
from coordination.deliveries.views import bp
from coordination.kernel.errors import DomainError, Forbidden, Invalid, NotFound
from coordination.kernel.text import N_
from coordination.parties.forms import parse_version
from coordination.web.access import roles_required
from coordination.web.pages import actor, show_error

Page = str | tuple[str, int] | BaseResponse


def _quantities(delivery: Delivery, prefix: str) -> list[tuple[int, int]]:
    out = []
    for line in delivery.lines:
        value = read_int(request.form.get(f"{prefix}-{line.id}"), 0, line.quantity)
        if value is None:
            raise Invalid(N_("Enter a quantity from 0 to %(n)s."), "lines", n=line.quantity)
        out.append((line.id, value))
    return out


@bp.route("/<int:delivery_id>/handover", methods=["GET", "POST"])
@roles_required(*DELIVERY_STAFF)
def record_handover(delivery_id: int) -> Page:
    delivery = managed_delivery(db.session, actor(), delivery_id)
    form = handover_form(
        db.session, delivery, HandoverForm() if request.method == "POST" else None, actor()
    )
    if form.validate_on_submit():
        at = form.at.data.replace(tzinfo=UTC) if form.at.data else None
        try:
            handovers.record_handover(
                db.session,
                actor(),
                delivery,
                parse_version(form.version.data),
                handovers.HandoverInput(
                    from_party_id=opt_int(form.from_party_id.data),
                    from_role=form.from_role.data,
                    to_party_id=opt_int(form.to_party_id.data),
                    to_role=form.to_role.data,
                    place=form.place.data,
                    region_id=opt_int(form.region_id.data),
                    at=at,
                    note=form.note.data,
                    lines=_quantities(delivery, "qty"),
                ),
            )
        except DomainError as exc:
            db.session.rollback()
            if isinstance(exc, NotFound):
                raise
            show_error(form, exc)
            delivery = managed_delivery(db.session, actor(), delivery_id)
            return _handover_page(delivery, form, exc.status)
        db.session.commit()
        flash(_("Handover recorded."), "success")
        return redirect(url_for("deliveries.view_delivery", delivery_id=delivery.id))
    return _handover_page(delivery, form, 400 if form.is_submitted() else 200)


def _handover_page(delivery: Delivery, form: HandoverForm, status: int) -> tuple[str, int]:
    sent = {k: request.form.get(k) for k in request.form if k.startswith("qty-")}
    return render_template(
        "deliveries/handover.html", delivery=delivery, form=form, sent=sent, **labels()
    ), status


@bp.route("/<int:delivery_id>/receipt", methods=["GET", "POST"])
@roles_required(*RECIPIENTS, *DELIVERY_STAFF)
def confirm_receipt(delivery_id: int) -> Page:
    delivery = visible_delivery(db.session, actor(), delivery_id)
    if not receipts.may_confirm(actor(), delivery):
        raise Forbidden(N_("Only the recipient confirms receipt."))
    form = ReceiptForm()
    if not form.is_submitted():
        form.version.data = str(delivery.version)
    elif form.validate():
        try:
            got = dict(_quantities(delivery, "got"))
            answers = {
                line_id: (n, request.form.get(f"cond-{line_id}", "ok"))
                for line_id, n in got.items()
            }
            receipts.record_receipt(
                db.session,
                actor(),
                delivery,
                parse_version(form.version.data),
                receipts.ReceiptInput(
                    lines=answers, challenged=bool(form.challenged.data), note=form.note.data
                ),
            )
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
            delivery = visible_delivery(db.session, actor(), delivery_id)
            return _receipt_page(delivery, form, exc.status)
        db.session.commit()
        flash(_("Thank you: the receipt is recorded."), "success")
        return redirect(url_for("deliveries.view_delivery", delivery_id=delivery.id))
    return _receipt_page(delivery, form, 400 if form.is_submitted() else 200)


def _receipt_page(delivery: Delivery, form: ReceiptForm, status: int) -> tuple[str, int]:
    sent = {k: request.form.get(k) for k in request.form if k.startswith(("got-", "cond-"))}
    return render_template(
        "deliveries/receipt.html",
        delivery=delivery,
        form=form,
        sent=sent,
        to_label=party_label(actor(), delivery.to_party),
        **labels(),
    ), status
