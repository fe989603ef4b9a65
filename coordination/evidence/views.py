"""Evidence pages: upload to a handover, the authorised file route, the public-photo route
and making a photo public or private (asks first)."""

from __future__ import annotations

import re
from pathlib import Path

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
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, HiddenField, SelectField

from coordination.db import db
from coordination.deliveries.access import DELIVERY_READERS, can_manage, can_see
from coordination.deliveries.models import Evidence, EvidenceKind, Handover
from coordination.evidence import services
from coordination.evidence import store as evidence_store
from coordination.evidence.image import MAX_BYTES
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.web.access import roles_required
from coordination.web.pages import actor, show_error

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
PUBLIC_ID = re.compile(r"[0-9a-f]{16}")
Page = str | tuple[str, int] | BaseResponse

KIND_LABELS = {
    EvidenceKind.PHOTO: _l("Photo"),
    EvidenceKind.RECEIPT_SCAN: _l("Signed receipt"),
    EvidenceKind.REPORT: _l("Outside report"),
}


class UploadForm(FlaskForm):
    file = FileField(_l("Photo or scan (JPEG, PNG or WebP, up to 10 MB)"))
    kind = SelectField(_l("What it shows"), choices=[])
    public = BooleanField(_l("Show this photo on the public verification page"))


class PublicForm(FlaskForm):
    public = HiddenField()


def _dir() -> Path:
    return evidence_store.evidence_dir(current_app)


def _handover(handover_id: int) -> Handover:
    handover = get_or_404(db.session, Handover, handover_id)
    if not can_see(db.session, actor(), handover.delivery):
        raise NotFound(N_("Not found."))
    return handover


def _back(handover: Handover | None) -> str:
    if handover is not None and "deliveries.view_delivery" in current_app.view_functions:
        return url_for("deliveries.view_delivery", delivery_id=handover.delivery_id)
    return url_for("main.home")


def _read_upload(form: UploadForm) -> bytes:
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", None):
        raise Invalid(N_("Choose a file to upload."), field="file")
    # One byte over the limit is enough to refuse; never read an unbounded stream.
    data: bytes = upload.stream.read(MAX_BYTES + 1)
    return data


@bp.route("/handover/<int:handover_id>/upload", methods=["GET", "POST"])
@roles_required(*DELIVERY_READERS)
def upload_for_handover(handover_id: int) -> Page:
    handover = _handover(handover_id)
    if not services.can_attach(actor(), handover):
        raise Forbidden(N_("Only the delivery's coordinators or its recipient add evidence."))
    form = UploadForm()
    kinds = (
        list(EvidenceKind)
        if can_manage(actor(), handover.delivery)
        else list(services.RECIPIENT_KINDS)
    )
    form.kind.choices = [(k.value, KIND_LABELS[k]) for k in kinds]
    if form.validate_on_submit():
        directory = _dir()
        try:
            evidence = services.store_evidence(
                db.session,
                actor(),
                directory,
                data=_read_upload(form),
                kind=form.kind.data,
                handover=handover,
                public=bool(form.public.data),
            )
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            _commit_or_discard(directory, evidence.stored_name)
            flash(_("The picture was cleaned of its metadata and attached."), "success")
            return redirect(_back(handover))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "evidence/upload.html",
        form=form,
        handover=handover,
        back=_back(handover),
        max_mb=MAX_BYTES // 2**20,
    ), status


def _commit_or_discard(directory: Path, stored_name: str) -> None:
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        evidence_store.discard(directory, stored_name)
        raise


def send(evidence: Evidence, public: bool) -> Response:
    """The stored file with headers that stop a browser from treating it as anything else."""
    resp = Response(services.read_file(_dir(), evidence), mimetype=evidence.content_type)
    ext = evidence.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    resp.headers["Content-Disposition"] = f'inline; filename="{evidence.public_id}.{ext}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return resp


@bp.route("/<int:evidence_id>")
@roles_required(*DELIVERY_READERS)
def view(evidence_id: int) -> Response:
    return send(services.visible_evidence(db.session, actor(), evidence_id), public=False)


@bp.route("/public/<string:evidence_public_id>")
def public_file(evidence_public_id: str) -> Response:
    """For the public verification page: only evidence marked public, for anyone."""
    # Anything but a public id (16 hex) is unknown; a NUL byte must never reach PostgreSQL.
    evidence = (
        db.session.scalar(
            select(Evidence).where(
                Evidence.public_id == evidence_public_id,
                Evidence.public.is_(True),
            )
        )
        if PUBLIC_ID.fullmatch(evidence_public_id)
        else None
    )
    if evidence is None:
        raise NotFound(N_("Not found."))
    return send(evidence, public=True)


@bp.route("/<int:evidence_id>/public", methods=["GET", "POST"])
@roles_required(*DELIVERY_READERS)
def set_public(evidence_id: int) -> Page:
    evidence = services.visible_evidence(db.session, actor(), evidence_id)
    form = PublicForm()
    if not services.can_change(db.session, actor(), evidence):
        raise Forbidden(N_("Only the uploader or the delivery's coordinators change this."))
    wanted = not evidence.public
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit() and form.public.data in ("1", "0"):
        try:
            services.set_public(db.session, actor(), evidence, form.public.data == "1")
        except Invalid as exc:
            db.session.rollback()
            show_error(None, exc)
            return redirect(_back(evidence.handover))
        db.session.commit()
        flash(_("Saved. The ledger records the change."), "success")
        return redirect(_back(evidence.handover))
    form.public.data = "1" if wanted else "0"
    return render_template(
        "evidence/public.html",
        form=form,
        evidence=evidence,
        wanted=wanted,
        kind_label=KIND_LABELS[evidence.kind],
        back=_back(evidence.handover),
    ), status


@bp.app_context_processor
def _evidence_helpers() -> dict[str, object]:
    """For templates/evidence/_list.html, included in each handover block of a delivery."""

    def evidence_for(handover: Handover) -> list[Evidence]:
        return [e for e in handover.evidence if services.can_view(db.session, actor(), e)]

    return {
        "evidence_for": evidence_for,
        "evidence_label": lambda e: KIND_LABELS[e.kind],
        "evidence_changeable": lambda e: services.can_change(db.session, actor(), e),
        "evidence_attachable": lambda h: services.can_attach(actor(), h),
    }
