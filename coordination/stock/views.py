"""Stock pages: lots by location with their origin (a volunteer sees its group's places only),
a lot's page, and moving part of a lot to another location."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from coordination.accounts.models import Role
from coordination.accounts.permissions import roles_required
from coordination.catalog.models import Item
from coordination.db import db
from coordination.parties.models import Location
from coordination.parties.pages import actor, list_args, show_error
from coordination.parties.shared import Invalid, paged, search_clause
from coordination.stock import services
from coordination.stock.access import STOCK_USERS, location_clause, visible_lot
from coordination.stock.forms import TransferForm, location_choices
from coordination.stock.models import Lot
from coordination.stock.pages import origin_info

bp = Blueprint("stock", __name__, url_prefix="/stock")
Page = str | tuple[str, int] | BaseResponse


@bp.route("/")
@roles_required(*STOCK_USERS)
def lots() -> str:
    args = list_args()
    stmt = (select(Lot).join(Location).join(Item)
            .where(location_clause(actor()), Lot.quantity > 0)
            .order_by(Location.name, Item.code, Lot.id))  # fmt: skip
    if args.q:
        stmt = stmt.where(search_clause(args.q, Item.code, Item.name_ru, Item.name_en,
                                        Location.name, Lot.public_id))  # fmt: skip
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    return render_template(
        "stock/lots.html", lots=rows,
        origins={lot.id: origin_info(db.session, lot) for lot in rows},
        page=page, pages=pages, total=total, q=args.q, ours=actor().role == Role.VOLUNTEER,
    )


@bp.route("/lots/<int:lot_id>")
@roles_required(*STOCK_USERS)
def view_lot(lot_id: int) -> str:
    lot = visible_lot(db.session, actor(), lot_id)
    return render_template("stock/lot.html", lot=lot, origin=origin_info(db.session, lot))


@bp.route("/lots/<int:lot_id>/transfer", methods=["GET", "POST"])
@roles_required(*STOCK_USERS)
def transfer_lot(lot_id: int) -> Page:
    lot = visible_lot(db.session, actor(), lot_id)
    form = TransferForm()
    form.to_location_id.choices = location_choices(
        db.session, actor(), _("— choose —"), scoped=False, exclude=lot.location_id
    )
    if form.validate_on_submit():
        try:
            new = services.transfer_lot(
                db.session, actor(), lot, form.to_location_id.data, form.quantity.data
            )
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Moved. The new lot keeps the origin."), "success")
            return redirect(url_for("stock.view_lot", lot_id=new.id))
    status = 400 if request.method == "POST" else 200
    return render_template("stock/transfer.html", form=form, lot=lot), status
