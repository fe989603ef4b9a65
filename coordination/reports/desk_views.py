"""The auditor's desk (/attribution): pick a party, campaign, delivery or donation, see where
its goods went or who supplied them, and download PROV-JSON of it or of a ledger range."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from coordination.attribution import followup
from coordination.attribution.services import delivery_attribution
from coordination.db import db
from coordination.deliveries.access import visible_delivery
from coordination.deliveries.models import Delivery
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.parties.models import Party
from coordination.reports import desk
from coordination.reports.views import _helpers
from coordination.web.access import roles_required
from coordination.web.pages import actor
from coordination.web.ui import current_locale

bp = Blueprint("desk", __name__, url_prefix="/attribution")
bp.context_processor(_helpers)  # month and money labels, as on the other report pages


def _delivery_view(delivery: Delivery) -> dict[str, Any]:
    report = delivery_attribution(db.session, delivery)
    return {
        "code": delivery.code,
        "lines": [
            {
                "item": line.item,
                "quantity": line.quantity,
                "credits": [c.public() for c in line.credits],
            }
            for line in report.lines
        ],
        "custody": [
            {"label": p.label, "kind": p.kind, "roles": p.roles, "credit": str(p.credit)}
            for p in report.custody
        ],
    }


def _readable(deliveries: list[Delivery]) -> list[Delivery]:
    """A coordinator lists only its region's deliveries; auditors and admins all of them."""
    user = actor()
    if user.role != Role.COORDINATOR:
        return deliveries
    kept = []
    for delivery in deliveries:
        try:
            visible_delivery(db.session, user, delivery.id)
        except NotFound:
            continue
        kept.append(delivery)
    return kept


@bp.get("")
@roles_required(*desk.DESK_READERS)
def attribution() -> str | tuple[str, int]:
    kind = request.args.get("kind") or "party"
    if kind not in desk.KINDS:
        kind = "party"
    ref = (request.args.get("ref") or "").strip()[:40]
    context: dict[str, Any] = {"kind": kind, "ref": ref, "kinds": desk.KINDS}
    context["choices"] = desk.choices(db.session, kind)
    if ref:
        subject = desk.find(db.session, actor(), kind, ref)
        deliveries, total = desk.deliveries_of(db.session, subject)
        context.update(subject=subject, deliveries=_readable(deliveries), total=total)
        obj = subject.obj
        if isinstance(obj, Delivery):
            context["delivery"] = _delivery_view(obj)
        elif isinstance(obj, Party):
            context["went"] = followup.party_follow_up(db.session, obj, current_locale())
        else:
            context["went"] = followup.follow_up(db.session, obj, current_locale())
    return render_template("reports/desk.html", **context)


def _json(text: str, name: str) -> Response:
    resp = Response(text, mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@bp.get("/<kind>/<ref>/prov.json")
@roles_required(*desk.DESK_READERS)
def subject_prov(kind: str, ref: str) -> BaseResponse:
    subject = desk.find(db.session, actor(), kind, ref)
    deliveries, total = desk.deliveries_of(db.session, subject)
    # A source's deliveries span regions; a coordinator exports its region's only.
    text = desk.subject_prov(db.session, subject, _readable(deliveries), total)
    return _json(text, f"{kind}-{subject.ref}-prov.json")


@bp.get("/ledger.prov.json")
@roles_required(Role.AUDITOR, Role.ADMIN)
def ledger_prov() -> BaseResponse:
    try:
        start = int(request.args.get("start", ""))
        end = int(request.args.get("end", ""))
        text = desk.ledger_prov(db.session, start, end)
    except (ValueError, desk.BadRange) as exc:
        message = str(exc) if isinstance(exc, desk.BadRange) else "start and end are integers"
        return Response(message + "\n", status=400, mimetype="text/plain")
    return _json(text, f"ledger-{start}-{end}-prov.json")
