"""/api/v1 imports: upload a file for a dry run, read its status and problems, confirm.

The upload is multipart/form-data with the file in the part named "file" and the kind in
the query string (?kind=batches|in_kind|money); the framework's JSON bodies do not carry
files, so the view reads request.files itself (`upload="file"` documents the part). Same
services and access rules as the pages.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.db import db
from coordination.imports import runner, services
from coordination.imports.models import ImportProblem
from coordination.imports.reading import MAX_BYTES
from coordination.kernel.errors import Invalid
from coordination.kernel.schemas import Page, PageQuery, Strict
from coordination.kernel.text import N_

TAG = "imports"


class ImportUploadQuery(Strict):
    kind: Literal["batches", "in_kind", "money"]


class JobOut(BaseModel):
    id: int
    public_id: str
    kind: str
    status: str
    total_rows: int
    good_rows: int
    bad_rows: int
    done_rows: int
    failure: str | None


class ProblemOut(BaseModel):
    row: int
    column: str | None
    reason: str


def _job(job: Any) -> JobOut:
    view = services.status_view(job)
    view["failure"] = _(view["failure"]) if view["failure"] else None
    return JobOut(**view)


def _problem(p: ImportProblem) -> ProblemOut:
    return ProblemOut(row=p.row_no, column=p.column, reason=_(p.message, **p.params))


@endpoint(
    bp,
    "/imports",
    "POST",
    "Upload a CSV or XLSX file (multipart/form-data, part 'file') for a dry run; "
    "nothing is imported until you confirm",
    query=ImportUploadQuery,
    response=JobOut,
    status=201,
    roles=services.IMPORTERS,
    tag=TAG,
    upload="file",
)
def upload(query: ImportUploadQuery) -> tuple[JobOut, int]:
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(N_("Send the file as multipart/form-data in a part named “file”."), "file")
    kind = services.parse_kind(query.kind)
    job = services.check_upload(
        db.session, api_user(), kind, upload.filename, upload.stream.read(MAX_BYTES + 1)
    )
    db.session.commit()
    return _job(job), 201


@endpoint(
    bp,
    "/imports/{job_id}",
    "GET",
    "An import's status and counts (404 if not yours)",
    response=JobOut,
    roles=services.IMPORTERS,
    tag=TAG,
)
def get_import(job_id: int) -> JobOut:
    return _job(services.visible_job(db.session, api_user(), job_id))


@endpoint(
    bp,
    "/imports/{job_id}/problems",
    "GET",
    "The dry run's refused rows: row number, column and reason",
    query=PageQuery,
    response=Page[ProblemOut],
    roles=services.IMPORTERS,
    tag=TAG,
)
def import_problems(job_id: int, query: PageQuery) -> Page[ProblemOut]:
    job = services.visible_job(db.session, api_user(), job_id)
    return paginate(db.session, services.problems_of(job), query, _problem)


@endpoint(
    bp,
    "/imports/{job_id}/confirm",
    "POST",
    "Import every good row in one transaction; 409 if it is running or done, or if "
    "records changed since the check",
    response=JobOut,
    roles=services.IMPORTERS,
    tag=TAG,
)
def confirm_import(job_id: int) -> JobOut:
    job = services.visible_job(db.session, api_user(), job_id)
    return _job(runner.confirm_import(db.session, api_user(), job))
