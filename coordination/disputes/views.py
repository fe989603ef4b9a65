"""Dispute pages: list, open (from a delivery's verification code), view, resolve, publish,
and the public page of a published dispute."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db, utcnow
from coordination.deliveries.models import EvidenceKind
from coordination.disputes import services
from coordination.disputes.forms import (
    ActionForm,
    DisputeForm,
    ReportPhotoForm,
    ResolveForm,
    role_names,
    status_names,
)
from coordination.disputes.models import Dispute, DisputeStatus
from coordination.disputes.pdf import render_dispute
from coordination.disputes.report import latest_entry, report_for
from coordination.documents.proofs import entry_proof
from coordination.evidence import store as evidence_store
from coordination.evidence.image import MAX_BYTES
from coordination.evidence.services import store_evidence
from coordination.kernel.errors import Conflict, DomainError, Invalid
from coordination.kernel.paging import paged, parse_page, search_clause
from coordination.kernel.text import N_, clean_search
from coordination.ledger.checkpoints import latest_checkpoint
from coordination.ledger.keys import ledger_signer
from coordination.ledger.models import LedgerCheckpoint
from coordination.ledger.views import current_checkpoint
from coordination.ledger.witnesses.settings import witness_policy
from coordination.parties.forms import parse_version
from coordination.web.access import roles_required
from coordination.web.pages import actor, show_error

bp = Blueprint("disputes", __name__, url_prefix="/disputes")
Page = str | tuple[str, int] | BaseResponse


@bp.route("/")
@roles_required(*services.READERS)
def list_disputes() -> str:
    q = clean_search(request.args.get("q"))
    status = request.args.get("status") or ""
    stmt = select(Dispute).where(services.dispute_clause(actor())).order_by(Dispute.id.desc())
    if status in {s.value for s in DisputeStatus}:
        stmt = stmt.where(Dispute.status == DisputeStatus(status))
    if q:
        stmt = stmt.where(search_clause(q, Dispute.public_id))
    rows, page, pages, total = paged(
        db.session,
        stmt,
        parse_page(request.args.get("page")),
        int(current_app.config.get("PAGE_SIZE", 25)),
    )
    return render_template(
        "disputes/list.html",
        disputes=rows,
        page=page,
        pages=pages,
        total=total,
        q=q,
        status=status,
        can_open=actor().role in services.OPENERS,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*services.OPENERS)
def new_dispute() -> Page:
    form = DisputeForm()
    if not form.is_submitted() and request.args.get("code"):
        form.code.data = request.args.get("code", "")[:24]
    form.offer_handovers(services.delivery_by_code(db.session, form.code.data))
    if form.validate_on_submit():
        try:
            dispute = services.open_dispute(db.session, actor(), form.claim_input())
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Dispute opened. A coordinator will review it."), "success")
            return redirect(url_for("disputes.view_dispute", dispute_id=dispute.id))
    status = 400 if form.is_submitted() else 200
    return render_template("disputes/new.html", form=form), status


@bp.route("/<int:dispute_id>")
@roles_required(*services.READERS)
def view_dispute(dispute_id: int) -> str:
    services.visible_dispute(db.session, actor(), dispute_id)  # 404 before any signing
    checkpoint = current_checkpoint()
    dispute = services.visible_dispute(db.session, actor(), dispute_id)
    form = ResolveForm(formdata=None, version=str(dispute.version))
    return _render(dispute, form, checkpoint)


def _render(dispute: Dispute, form: ResolveForm, checkpoint: LedgerCheckpoint | None) -> str:
    return render_template(
        "disputes/detail.html",
        dispute=dispute,
        report=report_for(db.session, dispute, checkpoint),
        form=form,
        action=ActionForm(),
        can_resolve=services.can_resolve(actor(), dispute),
        can_share=services.can_share(actor(), dispute),
        role_names=role_names(),
        can_read_text=services.can_read_text(actor(), dispute),
        status_names=status_names(),
    )


@bp.route("/<int:dispute_id>/resolve", methods=["POST"])
@roles_required(*services.RESOLVERS)
def resolve(dispute_id: int) -> Page:
    dispute = services.visible_dispute(db.session, actor(), dispute_id)
    form = ResolveForm()
    status = 400
    if form.validate_on_submit():
        try:
            services.resolve_dispute(
                db.session,
                actor(),
                dispute,
                parse_version(form.version.data),
                form.outcome.data,
                form.note.data,
            )
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
            status = 409 if isinstance(exc, Conflict) else 400
        else:
            db.session.commit()
            flash(_("Outcome recorded."), "success")
            return redirect(url_for("disputes.view_dispute", dispute_id=dispute.id))
    dispute = services.visible_dispute(db.session, actor(), dispute_id)
    return _render(dispute, form, None), status


@bp.route("/<int:dispute_id>/publish", methods=["POST"])
@roles_required(*services.READERS)
def publish(dispute_id: int) -> Page:
    dispute = services.visible_dispute(db.session, actor(), dispute_id)
    if ActionForm().validate_on_submit():
        services.share_dispute(db.session, actor(), dispute)
        db.session.commit()
        flash(_("The public page is online. It shows no names and no free text."), "success")
    return redirect(url_for("disputes.view_dispute", dispute_id=dispute.id))


@bp.route("/<int:dispute_id>/evidence", methods=["GET", "POST"])
@roles_required(*services.OPENERS, *services.RESOLVERS)
def add_evidence(dispute_id: int) -> Page:
    """A photo of the outside claim (a news report, an official's report), cleaned of its
    metadata like every piece of evidence, linked to the dispute; its hashes go to the ledger."""
    dispute = services.visible_dispute(db.session, actor(), dispute_id)
    form = ReportPhotoForm()
    if form.validate_on_submit():
        directory = evidence_store.evidence_dir(current_app)
        upload = form.file.data
        data = upload.stream.read(MAX_BYTES + 1) if upload and upload.filename else b""
        try:
            if not data:
                raise Invalid(N_("Choose a file to upload."), field="file")
            evidence = store_evidence(
                db.session, actor(), directory, data=data, kind=EvidenceKind.REPORT
            )
            services.attach_evidence(db.session, actor(), dispute, evidence)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            try:
                db.session.commit()
            except BaseException:
                db.session.rollback()
                evidence_store.discard(directory, evidence.stored_name)
                raise
            flash(_("The picture was cleaned of its metadata and added."), "success")
            return redirect(url_for("disputes.view_dispute", dispute_id=dispute.id))
    status = 400 if request.method == "POST" else 200
    return render_template("disputes/evidence.html", form=form, dispute=dispute), status


@bp.route("/<int:dispute_id>/report.pdf")
@roles_required(*services.READERS)
def report_pdf(dispute_id: int) -> Response:
    services.visible_dispute(db.session, actor(), dispute_id)
    return _pdf(lambda: services.visible_dispute(db.session, actor(), dispute_id))


@bp.route("/public/<share_code>/report.pdf")
def public_report_pdf(share_code: str) -> Response:
    services.public_dispute(db.session, share_code)
    return _pdf(lambda: services.public_dispute(db.session, share_code))


def _pdf(load: Callable[[], Dispute]) -> Response:
    """Proving may sign a checkpoint: a fresh transaction takes SQLite's write lock first."""
    index = latest_entry(db.session, load())
    proof = None
    db.session.rollback()
    dispute = load()
    if index is not None:
        target = (
            url_for("disputes.public_page", share_code=dispute.share_code, _external=True)
            if dispute.public and dispute.share_code
            else request.url_root
        )
        proof = entry_proof(db.session, ledger_signer(), index, target, witness_policy())
    db.session.commit()
    checkpoint = latest_checkpoint(db.session)
    dispute = load()
    data = render_dispute(
        dispute, report_for(db.session, dispute, checkpoint), status_names(), proof, utcnow()
    )
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="dispute-{dispute.public_id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/public/<share_code>")
def public_page(share_code: str) -> str:
    services.public_dispute(db.session, share_code)  # 404 before any signing
    checkpoint = current_checkpoint()
    dispute = services.public_dispute(db.session, share_code)
    return render_template(
        "disputes/public.html",
        dispute=dispute,
        report=report_for(db.session, dispute, checkpoint),
        role_names=role_names(),
        status_names=status_names(),
    )
