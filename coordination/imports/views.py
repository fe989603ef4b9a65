"""Import pages: my imports, a new import (upload → dry run), a job (problems, confirm,
progress), its problem report as CSV, its JSON status for the progress poller, templates."""

from __future__ import annotations

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from coordination.db import db
from coordination.imports import runner, samples, services
from coordination.imports.forms import KIND_LABELS, STATUS_LABELS, ConfirmForm, UploadForm
from coordination.imports.models import ImportKind, ImportStatus
from coordination.imports.reading import MAX_BYTES, MAX_ROWS, neutralise
from coordination.imports.services import IMPORTERS
from coordination.kernel.errors import Conflict, Invalid, NotFound
from coordination.kernel.paging import paged
from coordination.kernel.text import N_
from coordination.web.access import roles_required
from coordination.web.pages import actor, list_args, show_error

bp = Blueprint("imports", __name__, url_prefix="/imports")
Page = str | tuple[str, int] | BaseResponse
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/")
@roles_required(*IMPORTERS)
def jobs() -> str:
    args = list_args()
    rows, page, pages, total = paged(
        db.session, services.jobs_of(actor()), args.page, args.per_page
    )
    return render_template(
        "imports/list.html",
        jobs=rows,
        page=page,
        pages=pages,
        total=total,
        labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
def new_import() -> Page:
    kinds = services.kinds_for(actor())
    form = UploadForm().setup(kinds)
    if form.validate_on_submit():
        upload = form.file.data
        try:
            data = upload.stream.read(MAX_BYTES + 1)
            kind = services.parse_kind(form.kind.data)
            job = services.check_upload(db.session, actor(), kind, upload.filename, data)
        except Invalid as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Checked: nothing is imported until you confirm."), "success")
            return redirect(url_for("imports.view_job", job_id=job.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "imports/new.html",
        form=form,
        kinds=kinds,
        labels=KIND_LABELS,
        max_mb=MAX_BYTES // 2**20,
        max_rows=MAX_ROWS,
    ), status


@bp.route("/<int:job_id>")
@roles_required(*IMPORTERS)
def view_job(job_id: int) -> str:
    job = services.visible_job(db.session, actor(), job_id)
    args = list_args()
    problems, page, pages, total = paged(
        db.session, services.problems_of(job), args.page, args.per_page
    )
    can_confirm = (
        job.status in (ImportStatus.CHECKED, ImportStatus.FAILED)
        and job.good_rows > 0
        and job.owner_id == actor().id
    )
    return render_template(
        "imports/job.html",
        job=job,
        problems=problems,
        page=page,
        pages=pages,
        total=total,
        form=ConfirmForm(),
        labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        can_confirm=can_confirm,
        status=services.status_view(job),
        neutralise=neutralise,
    )


@bp.route("/<int:job_id>/confirm", methods=["POST"])
@roles_required(*IMPORTERS)
def confirm(job_id: int) -> BaseResponse:
    job = services.visible_job(db.session, actor(), job_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired; confirm again."), "error")
    else:
        try:
            job = runner.confirm_import(db.session, actor(), job)
        except Conflict as exc:
            show_error(None, exc)
        else:
            if job.status == ImportStatus.DONE:
                flash(_("Imported %(n)s rows.", n=job.done_rows), "success")
            else:
                flash(_(job.failure or runner.FAILED), "error")
    return redirect(url_for("imports.view_job", job_id=job_id))


@bp.route("/<int:job_id>/status.json")
@roles_required(*IMPORTERS)
def job_status(job_id: int) -> Response:
    job = services.visible_job(db.session, actor(), job_id)
    return jsonify(services.status_view(job))


@bp.route("/<int:job_id>/problems.csv")
@roles_required(*IMPORTERS)
def problem_report(job_id: int) -> Response:
    job = services.visible_job(db.session, actor(), job_id)
    body = services.problem_report(db.session, job, _)
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=import-{job.public_id}-problems.csv"
        },
    )


@bp.route("/templates/<import_kind>.<file_format>")
@roles_required(*IMPORTERS)
def template(import_kind: str, file_format: str) -> Response:
    try:
        kind = ImportKind(import_kind)
    except ValueError:
        raise NotFound(N_("Not found.")) from None
    if file_format not in FORMATS:
        raise NotFound(N_("Not found."))
    body = samples.sample_csv(kind) if file_format == "csv" else samples.sample_xlsx(kind)
    return Response(
        body,
        mimetype=FORMATS[file_format],
        headers={
            "Content-Disposition": f"attachment; filename=aidtrail-{kind.value}.{file_format}"
        },
    )
