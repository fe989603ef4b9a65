"""Documents as PDF and print-friendly HTML: manifest, handover act, attribution certificate
of a delivery (its coordinators and parties only), and donation receipts (staff only).

Every answer is `Cache-Control: no-store`: a document may carry a name, a phone or an
address, and must not stay in a shared cache. Anyone who may not see the delivery gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from flask import Blueprint, Response, current_app, render_template, request
from flask_login import login_required
from markupsafe import Markup

from coordination.config import PRODUCTION
from coordination.db import db, utcnow
from coordination.deliveries.access import visible_delivery
from coordination.deliveries.models import Delivery
from coordination.documents import labels
from coordination.documents.act import render_act
from coordination.documents.certificate import certificate_doc, render_certificate
from coordination.documents.data import DeliveryDoc, Proof, delivery_doc
from coordination.documents.entry import entry_rows, leaf_hex
from coordination.documents.manifest import render_manifest, stage_labels, totals_text
from coordination.documents.proofs import entry_proof
from coordination.documents.receipt import receipt_doc, render_receipt, visible_gift
from coordination.kernel.actors import STAFF
from coordination.ledger import paper
from coordination.ledger.keys import ledger_signer
from coordination.ledger.witnesses.settings import witness_policy
from coordination.web.access import roles_required
from coordination.web.pages import actor
from coordination.web.ui import current_locale

bp = Blueprint("manifests", __name__)


def _proven(delivery_id: int) -> tuple[Delivery, Proof | None]:
    """The delivery (or 404) and the proof of its dispatch entry, once it was dispatched."""
    delivery = visible_delivery(db.session, actor(), delivery_id)
    index, code = delivery.dispatch_entry, delivery.code
    if index is None or code is None:
        return delivery, None
    url = verify_address(code)
    # Proving may sign a new checkpoint: start a fresh transaction so SQLite can take the
    # write lock, and commit the checkpoint before the document is drawn.
    db.session.rollback()
    proof = entry_proof(db.session, ledger_signer(), index, url, witness_policy())
    db.session.commit()
    return delivery, proof


def verify_address(code: str) -> str:
    """The address the manifest's code opens. In production: the site the ledger's origin
    names, over https, which is the page verifiers derive from the signed checkpoint. In
    development: the address this request came to, so a phone on the LAN opens it."""
    if current_app.config["AIDTRAIL_ENV"] == PRODUCTION:
        return paper.verify_page(current_app.config["LEDGER_ORIGIN"], code)
    return request.url_root.rstrip("/") + f"/verify/{code}"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _totals(doc: Any) -> str:
    return totals_text(doc) if isinstance(doc, DeliveryDoc) else ""


def _pdf(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return _no_store(response)


def qr_svg(text: str) -> Markup:
    # segno writes only rectangles from the matrix: no user text reaches the markup.
    return Markup(segno.make(text, error="m").svg_inline(scale=2, omitsize=True))  # noqa: S704  # nosec B704


def _html(template: str, **context: Any) -> Response:
    page = render_template(
        template,
        L=labels,
        printed_at=utcnow(),
        qr_svg=qr_svg,
        entry_rows=entry_rows,
        leaf_hex=leaf_hex,
        totals=context.get("doc") and _totals(context["doc"]),
        stages=stage_labels(),
        **context,
    )
    return _no_store(Response(page, mimetype="text/html"))


def _delivery_document(
    delivery_id: int, render: Callable[[Any], bytes] | None, template: str, name: str
) -> Response:
    delivery, proof = _proven(delivery_id)
    doc = delivery_doc(db.session, actor(), delivery, current_locale(), utcnow(), proof)
    if render is not None:
        return _pdf(render(doc), f"{name}-{doc.number}.pdf")
    return _html(template, doc=doc, delivery=delivery)


@bp.route("/deliveries/<int:delivery_id>/manifest.pdf")
@login_required
def manifest_pdf(delivery_id: int) -> Response:
    return _delivery_document(delivery_id, render_manifest, "", "manifest")


@bp.route("/deliveries/<int:delivery_id>/manifest")
@login_required
def manifest_html(delivery_id: int) -> Response:
    return _delivery_document(delivery_id, None, "manifests/manifest.html", "manifest")


@bp.route("/deliveries/<int:delivery_id>/act.pdf")
@login_required
def act_pdf(delivery_id: int) -> Response:
    return _delivery_document(delivery_id, render_act, "", "act")


@bp.route("/deliveries/<int:delivery_id>/act")
@login_required
def act_html(delivery_id: int) -> Response:
    return _delivery_document(delivery_id, None, "manifests/act.html", "act")


def _certificate(delivery_id: int) -> Any:
    delivery, proof = _proven(delivery_id)
    return certificate_doc(db.session, delivery, current_locale(), utcnow(), proof)


@bp.route("/deliveries/<int:delivery_id>/certificate.pdf")
@login_required
def certificate_pdf(delivery_id: int) -> Response:
    doc = _certificate(delivery_id)
    return _pdf(render_certificate(doc), f"certificate-{doc.number}.pdf")


@bp.route("/deliveries/<int:delivery_id>/certificate")
@login_required
def certificate_html(delivery_id: int) -> Response:
    return _html("manifests/certificate.html", doc=_certificate(delivery_id))


def _receipt(kind: str, donation_id: int) -> Any:
    gift = visible_gift(db.session, actor(), kind, donation_id)
    return receipt_doc(db.session, gift, current_locale(), utcnow())


@bp.route("/documents/donations/<kind>/<int:donation_id>/receipt.pdf")
@roles_required(*STAFF)
def receipt_pdf(kind: str, donation_id: int) -> Response:
    doc = _receipt(kind, donation_id)
    return _pdf(render_receipt(doc), f"receipt-{doc.number}.pdf")


@bp.route("/documents/donations/<kind>/<int:donation_id>/receipt")
@roles_required(*STAFF)
def receipt_html(kind: str, donation_id: int) -> Response:
    return _html("manifests/receipt.html", doc=_receipt(kind, donation_id))
