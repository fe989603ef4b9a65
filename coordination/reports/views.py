"""Public verification (/verify/<code>), donor follow-up (/receipts/<code>), where a source's
goods went (/sources/<party>, signed in) and the PROV-JSON export of a delivery's provenance
for auditors.

/verify and /receipts need no login and show nothing personal (public.py says what they may
show). The ledger proofs on /verify are checked here, server-side, against the latest signed
checkpoint before the page says they hold; a pasted old checkpoint is answered ok / fails /
not our log / malformed, never with a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from coordination.attribution import followup
from coordination.attribution.credit import ANONYMOUS
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import CODE
from coordination.kernel.text import N_
from coordination.ledger.keys import ledger_signer
from coordination.ledger.views import current_checkpoint
from coordination.ledger.witnesses.settings import witness_policy
from coordination.money.amounts import format_amount
from coordination.reports import provenance
from coordination.reports.forms import OldCheckpointForm
from coordination.reports.ledger_check import (
    OldCheck,
    OldStatus,
    check_delivery,
    check_old_checkpoint,
    witnessed_checkpoint,
)
from coordination.reports.public import delivery_by_code, verification
from coordination.web.access import roles_required
from coordination.web.pages import actor
from coordination.web.ui import current_locale

bp = Blueprint("reports", __name__)
Page = str | tuple[str, int] | BaseResponse
PROV_READERS = (
    Role.COORDINATOR,
    Role.ADMIN,
    Role.AUDITOR,
    Role.VOLUNTEER,
    Role.FAMILY,
    Role.UNIT_REP,
)


STATUS_LABELS = {
    "dispatched": _l("dispatched"),
    "delivered": _l("delivered"),
    "confirmed": _l("confirmed"),
    "disputed": _l("disputed"),
    "cancelled": _l("cancelled"),
}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    def month_label(month: str) -> str:
        year, number = month.split("-")
        return str(format_date(date(int(year), int(number), 1), "LLLL yyyy"))

    def money(minor: int | str, currency: str | None) -> str:
        return format_amount(int(minor), currency or "RUB")

    def status_label(status: str) -> str:
        return str(STATUS_LABELS.get(status, status))

    return {"month_label": month_label, "money": money, "status_label": status_label}


def _not_found() -> NotFound:
    return NotFound(N_("No delivery has this code. Check the code printed on the manifest."))


def _checked(code: str, pasted: str | None) -> tuple[dict[str, Any], OldCheck | None]:
    latest = current_checkpoint()  # first: signing may end the read transaction
    delivery = delivery_by_code(db.session, code)
    if delivery is None:
        raise _not_found()
    verifier = ledger_signer().verifier
    data = verification(db.session, delivery, current_locale())
    policy = witness_policy()
    shown = witnessed_checkpoint(db.session, delivery, latest, policy)
    data["proof"] = check_delivery(db.session, delivery, shown, verifier, policy).public()
    old = (
        check_old_checkpoint(db.session, pasted, latest, verifier, code)
        if pasted is not None
        else None
    )
    return data, old


@bp.get("/verify")
def verify_form() -> Page:
    code = (request.args.get("code") or "").strip()
    if not code:
        return render_template("reports/verify_form.html", code="", error=None)
    if not CODE.fullmatch(code):
        error = _("A code has 4 to 24 letters, digits, '-' or '_'.")
        return render_template("reports/verify_form.html", code=code[:40], error=error), 400
    return redirect(url_for("reports.verify", code=code))


@bp.route("/verify/<code>", methods=["GET", "POST"])
def verify(code: str) -> Page:
    form = OldCheckpointForm()
    pasted = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            pasted = form.checkpoint.data or ""
        else:
            status = 400
    if request.args.get("format") == "json":
        return verify_json(code)
    data, old = _checked(code, pasted)
    if old is not None and old.status == OldStatus.MALFORMED:
        status = 400
    return render_template("reports/verify.html", v=data, form=form, old=old, code=code), status


@bp.get("/verify/<code>.json")
def verify_json(code: str) -> Response:
    """For machines. ?checkpoint=<signed note> also checks an old checkpoint's consistency."""
    pasted = request.args.get("checkpoint")
    data, old = _checked(code, pasted)
    if old is not None:
        data["old_checkpoint"] = old.public()
    resp = jsonify(data)
    if old is not None and old.status == OldStatus.MALFORMED:
        resp.status_code = 400
    return resp


@bp.get("/receipts/<code>")
def receipt(code: str) -> Page:
    found = followup.donation_by_receipt(db.session, code)
    if found is None:
        raise NotFound(N_("No donation has this receipt code."))
    data = followup.follow_up(db.session, found, current_locale())
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("reports/receipt.html", r=data, code=code)


@bp.get("/sources/<int:party_id>")
@roles_required(*followup.SOURCE_READERS)
def source(party_id: int) -> Page:
    party = followup.readable_source(db.session, actor(), party_id)
    data = followup.party_follow_up(db.session, party, current_locale())
    # A donor who did not agree to be named, said in the page's language.
    if data["label"] == ANONYMOUS:
        data["label"] = _("anonymous donor")
    return render_template("reports/source.html", r=data)


@bp.get("/deliveries/<int:delivery_id>/provenance.json")
@roles_required(*PROV_READERS)
def provenance_json(delivery_id: int) -> Response:
    delivery = provenance.readable_delivery(db.session, actor(), delivery_id)
    resp = Response(provenance.prov_document(db.session, delivery), mimetype="application/json")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="delivery-{delivery.public_id}-prov.json"'
    )
    return resp
