"""Donation pages: record goods brought by a donor (named or anonymous)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.donations.forms import InKindForm
from coordination.donations.services import record_in_kind_donation
from coordination.kernel.errors import Invalid
from coordination.stock.access import STOCK_USERS
from coordination.web.access import roles_required
from coordination.web.pages import actor, show_error
from coordination.web.ui import current_locale

bp = Blueprint("donations", __name__, url_prefix="/donations")


@bp.route("/in-kind/new", methods=["GET", "POST"])
@roles_required(*STOCK_USERS)
def new_in_kind() -> str | tuple[str, int] | BaseResponse:
    form = InKindForm().setup(
        db.session, actor(), current_locale(), _("— choose —"), _("Anonymous donor")
    )
    if form.validate_on_submit():
        try:
            record_in_kind_donation(db.session, actor(), form.in_kind_input())
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Donation recorded: its lines are now lots."), "success")
            return redirect(url_for("stock.lots"))
    status = 400 if request.method == "POST" else 200
    return render_template("donations/in_kind_form.html", form=form), status
