"""Kit assembly pages: choose a kit, how many and where; AidTrail proposes component lots
(oldest first), the user may change the quantities taken from each, then confirms."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from coordination.catalog.models import Item
from coordination.db import db
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.parties.models import Location
from coordination.stock import kits
from coordination.stock.access import STOCK_USERS
from coordination.stock.forms import KitForm, kit_choices, location_choices
from coordination.stock.models import Lot
from coordination.stock.pages import origin_info
from coordination.stock.views import Page, bp
from coordination.web.access import roles_required
from coordination.web.pages import actor, show_error
from coordination.web.ui import current_locale


def _uses(candidates: list[Lot]) -> list[tuple[Lot, int]]:
    """The quantities typed for each candidate lot; only candidates count, blanks are 0."""
    uses = []
    for lot in candidates:
        raw = request.form.get(f"use-{lot.id}", "").strip() or "0"
        if not raw.isdigit() or len(raw) > 6:
            raise Invalid(N_("Enter whole numbers for the component lots."), "components")
        if int(raw) > 0:
            uses.append((lot, int(raw)))
    return uses


def _typed(candidates: list[Lot]) -> dict[int, int]:
    """What the user typed, shown again after a refusal (junk shows as 0)."""
    typed = {}
    for lot in candidates:
        raw = request.form.get(f"use-{lot.id}", "").strip()
        typed[lot.id] = int(raw) if raw.isdigit() and len(raw) <= 6 else 0
    return typed


@bp.route("/kits/new", methods=["GET", "POST"])
@roles_required(*STOCK_USERS)
def assemble_kits() -> Page:
    form = KitForm()
    form.kit_id.choices = kit_choices(db.session, current_locale(), _("— choose —"))
    form.location_id.choices = location_choices(db.session, actor(), _("— choose —"))
    candidates: list[Lot] = []
    proposed: dict[int, int] = {}
    short: dict[str, int] = {}
    failed = request.method == "POST"
    if form.validate_on_submit():
        kit = db.session.get(Item, form.kit_id.data)
        place = db.session.get(Location, form.location_id.data)
        try:
            kit, place = kits.check_kit(kit), kits.check_place(actor(), place)
            candidates = kits.candidate_lots(db.session, kit, place)
            if request.form.get("action") == "assemble":
                lot = kits.assemble_kits(
                    db.session, actor(), kit, form.quantity.data, place, _uses(candidates)
                )
                db.session.commit()
                flash(_("Kits assembled. The kit lot names its component lots."), "success")
                return redirect(url_for("stock.view_lot", lot_id=lot.id))
            picks, short = kits.propose_components(db.session, kit, form.quantity.data, place)
            proposed = {lot.id: qty for lot, qty in picks}
            failed = False
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
            proposed = _typed(candidates)
    status = 400 if failed else 200
    return render_template(
        "stock/kit_form.html",
        form=form,
        candidates=candidates,
        proposed=proposed,
        short=short,
        origins={lot.id: origin_info(db.session, lot) for lot in candidates},
    ), status
