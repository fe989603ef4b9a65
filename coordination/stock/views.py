"""Stock pages: lots by location with their origin (a volunteer sees its group's places only),
a lot's page with its history, moving part of a lot to another location, and corrections."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response as BaseResponse

from coordination.catalog.ordering import by_name
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.ids import MAX_ID
from coordination.kernel.paging import paged
from coordination.parties.forms import NONE, options
from coordination.stock import adjust, services
from coordination.stock.access import STOCK_USERS, visible_lot
from coordination.stock.forms import AdjustForm, TransferForm, location_choices
from coordination.stock.kits import assembly_of
from coordination.stock.models import Lot
from coordination.stock.origins import preload_origins
from coordination.stock.pages import MOVE_LABELS, ORIGIN_LABELS, REASON_LABELS, origin_info
from coordination.stock.queries import LotFilter, children, history, lots_stmt, stocked_items
from coordination.web.access import roles_required
from coordination.web.pages import actor, list_args, show_error
from coordination.web.ui import current_locale

bp = Blueprint("stock", __name__, url_prefix="/stock")


@bp.app_template_filter("origin_label")
def origin_label(kind: str) -> str:
    """An origin kind's stored value ("batch", "in_kind") as words, never the value."""
    return str(next((v for k, v in ORIGIN_LABELS.items() if k.value == kind), kind))


Page = str | tuple[str, int] | BaseResponse


def _filter_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) <= 10 and 0 < int(raw) <= MAX_ID else None


@bp.route("/")
@roles_required(*STOCK_USERS)
def lots() -> str:
    args = list_args()
    flt = LotFilter(q=args.q, location_id=_filter_arg("location"), item_id=_filter_arg("item"))
    # Each row shows its place, item and origin: loaded for the whole page, not per row.
    stmt = lots_stmt(actor(), flt).options(joinedload(Lot.location), joinedload(Lot.item))
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    _loaded = preload_origins(db.session, rows)  # held: the identity map keeps them weakly
    blank = _("all")
    filters = {"q": flt.q, "location": flt.location_id, "item": flt.item_id}
    return render_template(
        "stock/lots.html",
        lots=rows,
        origins={lot.id: origin_info(db.session, lot) for lot in rows},
        page=page,
        pages=pages,
        total=total,
        q=args.q,
        ours=actor().role == Role.VOLUNTEER,
        locations=location_choices(db.session, actor(), blank),
        items=options(
            [
                (NONE, blank),
                *(
                    (i.id, i.name(current_locale()))
                    for i in by_name(stocked_items(db.session, actor()), current_locale())
                ),
            ]
        ),
        flt=flt,
        url_args={k: v for k, v in filters.items() if v},
    )


@bp.route("/lots/<int:lot_id>")
@roles_required(*STOCK_USERS)
def view_lot(lot_id: int) -> str:
    lot = visible_lot(db.session, actor(), lot_id)
    assembly = assembly_of(db.session, lot)
    parts = (
        [(use, origin_info(db.session, use.lot)) for use in assembly.components] if assembly else []
    )
    return render_template(
        "stock/lot.html",
        lot=lot,
        origin=origin_info(db.session, lot),
        moves=history(db.session, lot),
        children=children(db.session, lot),
        assembly=assembly,
        parts=parts,
        move_labels=MOVE_LABELS,
        reason_labels=REASON_LABELS,
    )


@bp.route("/lots/<int:lot_id>/adjust", methods=["GET", "POST"])
@roles_required(*STOCK_USERS)
def adjust_lot(lot_id: int) -> Page:
    lot = visible_lot(db.session, actor(), lot_id)
    form = AdjustForm()
    if form.validate_on_submit():
        try:
            adjust.adjust_lot(db.session, actor(), lot, form.reason.data, form.quantity.data)
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Corrected. The ledger records the correction."), "success")
            return redirect(url_for("stock.view_lot", lot_id=lot.id))
    status = 400 if request.method == "POST" else 200
    return render_template("stock/adjust.html", form=form, lot=lot), status


@bp.route("/lots/<int:lot_id>/transfer", methods=["GET", "POST"])
@roles_required(*STOCK_USERS)
def transfer_lot(lot_id: int) -> Page:
    lot = visible_lot(db.session, actor(), lot_id)
    form = TransferForm()
    # A volunteer's choices are its own group's places; staff choose from every hub.
    form.to_location_id.choices = location_choices(
        db.session,
        actor(),
        _("— choose —"),
        scoped=actor().role == Role.VOLUNTEER,
        exclude=lot.location_id,
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
            try:
                visible_lot(db.session, actor(), new.id)
            except NotFound:
                # Moved to another region: the new lot is that region's to see, so the
                # mover goes back to the lot the goods left, not to a page it may not open.
                flash(_("The goods are now in another region's stock."), "info")
                return redirect(url_for("stock.view_lot", lot_id=lot.id))
            return redirect(url_for("stock.view_lot", lot_id=new.id))
    status = 400 if request.method == "POST" else 200
    return render_template("stock/transfer.html", form=form, lot=lot), status


# Kit assembly pages register on this blueprint too (BLUEPRINTS names this module only).
from coordination.stock import kit_views  # noqa: E402, F401
