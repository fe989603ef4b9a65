"""Money pages: money donations (list, record, receive, pass on, where each was spent),
purchases (record, page), materials funding of batches, and totals.

Coordinators and admins record and see money (a coordinator: money without a holder group
and money of its region's groups); a volunteer sees its own group's money; auditors read the
totals only. Anything out of sight answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.donations.access import (
    MONEY_READERS,
    RECORDERS,
    TOTALS_READERS,
    can_see_donation,
    purchase_clause,
    totals_scope,
    visible_donation,
    visible_purchase,
)
from coordination.donations.models import MoneyStatus, Purchase, PurchaseLine
from coordination.kernel.errors import Invalid
from coordination.kernel.paging import paged
from coordination.money import funding, purchases, shares
from coordination.money import services as money
from coordination.money.amounts import check_currency, format_amount, parse_major
from coordination.money.balance import balance
from coordination.money.forms import (
    BatchFundingForm,
    ConfirmForm,
    MoneyForm,
    PassOnForm,
    PurchaseForm,
)
from coordination.money.queries import money_list, where_spent
from coordination.money.totals import GROUPINGS, money_totals
from coordination.web.access import roles_required
from coordination.web.pages import actor, list_args, show_error
from coordination.web.ui import current_locale

bp = Blueprint("money", __name__, url_prefix="/money")
Page = str | tuple[str, int] | BaseResponse


@bp.app_template_filter("money")
def money_filter(amount_minor: int, currency: str) -> str:
    return format_amount(amount_minor, currency)


def _form_page(template: str, form: Any, **context: Any) -> tuple[str, int]:
    return render_template(template, form=form, **context), 400 if request.method == "POST" else 200


def _filters() -> tuple[MoneyStatus | None, str]:
    status = request.args.get("status", "")
    currency = (request.args.get("currency") or "").strip().upper()[:3]
    return (
        {"pledged": MoneyStatus.PLEDGED, "received": MoneyStatus.RECEIVED}.get(status),
        currency if currency.isalpha() and len(currency) == 3 else "",
    )


@bp.route("/")
@roles_required(*MONEY_READERS)
def donations() -> str:
    args = list_args()
    status, currency = _filters()
    stmt = money_list(actor(), args.q, status, currency)
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    filters = {"q": args.q, "status": status.value if status else "", "currency": currency}
    return render_template(
        "donations/money_list.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        filters={k: v for k, v in filters.items() if v},
        recorder=actor().role in RECORDERS,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def new_donation() -> Page:
    form = MoneyForm().setup(db.session)
    if form.validate_on_submit():
        try:
            donation = money.record_money_donation(db.session, actor(), form.money_input())
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(
                _(
                    "Donation recorded. Give the donor its receipt code: %(code)s",
                    code=donation.receipt_code,
                ),
                "success",
            )
            return redirect(url_for("money.view_donation", donation_id=donation.id))
    return _form_page("donations/money_form.html", form)


@bp.route("/<int:donation_id>")
@roles_required(*MONEY_READERS)
def view_donation(donation_id: int) -> str:
    donation = visible_donation(db.session, actor(), donation_id)
    return render_template(
        "donations/money_donation.html",
        d=donation,
        left=balance(db.session, donation),
        spent=where_spent(db.session, donation),
        recorder=actor().role in RECORDERS,
        may_open=lambda other: can_see_donation(actor(), other),  # link only what opens
    )


@bp.route("/<int:donation_id>/receive", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def receive(donation_id: int) -> Page:
    donation = visible_donation(db.session, actor(), donation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        money.receive_money_donation(db.session, actor(), donation)
        db.session.commit()
        flash(_("Marked as received: it now counts in the totals."), "success")
        return redirect(url_for("money.view_donation", donation_id=donation.id))
    return render_template("donations/money_receive.html", form=form, d=donation)


@bp.route("/<int:donation_id>/pass-on", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def pass_on(donation_id: int) -> Page:
    source = visible_donation(db.session, actor(), donation_id)
    form = PassOnForm().setup(db.session, _("— choose —"))
    if form.validate_on_submit():
        try:
            amount = parse_major(form.amount.data, source.currency)
            passed = money.pass_on_money(
                db.session, actor(), source, form.holder_id.data, amount, form.received_on.data
            )
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(
                _("Passed on. It is the same money: it is not counted as raised again."), "success"
            )
            return redirect(url_for("money.view_donation", donation_id=passed.id))
    return _form_page(
        "donations/money_pass_on.html", form, d=source, left=balance(db.session, source)
    )


@bp.route("/purchases")
@roles_required(*MONEY_READERS)
def purchase_list() -> str:
    args = list_args()
    stmt = (
        select(Purchase)
        .where(purchase_clause(actor()))
        .order_by(Purchase.bought_on.desc(), Purchase.id.desc())
        # Each row lists its lines and items: loaded for the page, not a query per row.
        .options(selectinload(Purchase.lines).joinedload(PurchaseLine.item))
    )
    if args.q:
        stmt = stmt.where(Purchase.public_id == args.q.lower())
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    return render_template(
        "donations/purchases.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        q=args.q,
        recorder=actor().role in RECORDERS,
    )


@bp.route("/purchases/new", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def new_purchase() -> Page:
    form = PurchaseForm().setup(db.session, actor(), current_locale(), _("— choose —"))
    if form.validate_on_submit():
        try:
            check_currency(form.currency.data)
            purchase = purchases.record_purchase(db.session, actor(), form.purchase_input())
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Purchase recorded: its lines are now lots."), "success")
            return redirect(url_for("money.view_purchase", purchase_id=purchase.id))
    return _form_page("donations/purchase_form.html", form)


@bp.route("/purchases/<int:purchase_id>")
@roles_required(*MONEY_READERS)
def view_purchase(purchase_id: int) -> str:
    purchase = visible_purchase(db.session, actor(), purchase_id)
    lines = [(line, shares.line_shares(purchase, line)) for line in purchase.lines]
    return render_template(
        "donations/purchase.html",
        p=purchase,
        lines=lines,
        shares=shares.purchase_shares(db.session, purchase),
        lots=purchases.purchase_lots(db.session, purchase),
    )


@bp.route("/fund-batch", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def fund_batch() -> Page:
    form = BatchFundingForm().setup(db.session, actor(), _("— choose —"))
    if form.validate_on_submit():
        try:
            donation = visible_donation(db.session, actor(), form.donation_id.data)
            row = funding.fund_batch(
                db.session,
                actor(),
                form.batch_id.data,
                donation.id,
                parse_major(form.amount.data, donation.currency),
                form.funded_on.data,
                form.earmark.data,
            )
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Recorded: the donation paid for this batch's materials."), "success")
            return redirect(url_for("money.view_donation", donation_id=row.donation_id))
    return _form_page("donations/fund_batch.html", form)


@bp.route("/totals")
@roles_required(*TOTALS_READERS)
def totals() -> str:
    by = request.args.get("by", "campaign")
    by = by if by in GROUPINGS else "campaign"
    rows = money_totals(db.session, by, totals_scope(actor()))
    return render_template("donations/totals.html", rows=rows, by=by, groupings=GROUPINGS)
