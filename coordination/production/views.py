"""Production pages: a volunteer logs a batch its group made."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.kernel.errors import Invalid
from coordination.production.forms import BatchForm
from coordination.production.services import LOGGERS, log_production_batch
from coordination.web.access import roles_required
from coordination.web.pages import actor, show_error
from coordination.web.ui import current_locale

bp = Blueprint("production", __name__, url_prefix="/production")


@bp.route("/batches/new", methods=["GET", "POST"])
@roles_required(*LOGGERS)
def new_batch() -> str | tuple[str, int] | BaseResponse:
    form = BatchForm().setup(db.session, actor(), current_locale(), _("— choose —"))
    if form.validate_on_submit():
        try:
            log_production_batch(db.session, actor(), form.batch_input(actor()))
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Batch logged: it is now a lot in your stock."), "success")
            return redirect(url_for("stock.lots"))
    status = 400 if request.method == "POST" else 200
    return render_template("production/batch_form.html", form=form), status
