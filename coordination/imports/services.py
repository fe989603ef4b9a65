"""Import services: check an upload (the dry run), find a job, list and report its problems.

A dry run writes no business row and no ledger entry: only the ImportJob, its problems and
the encrypted upload (storage.py). The import itself is runner.py, which owns its
transactions. Who may import: volunteers (batches for their own group, donations in kind
at their group's places), coordinators (their region), admins; money: coordinators and
admins only. Only a job's owner (or an admin) sees it; anyone else gets 404.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.imports import storage
from coordination.imports.checks import Checked, check_sheet
from coordination.imports.models import ImportJob, ImportKind, ImportProblem, ImportStatus
from coordination.imports.reading import neutralise, open_sheet
from coordination.kernel.actors import Role
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.kernel.ids import valid_id
from coordination.kernel.text import N_

IMPORTERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)
MONEY_IMPORTERS = (Role.COORDINATOR, Role.ADMIN)
NAME_LIMIT = 200


def kinds_for(actor: User | None) -> list[ImportKind]:
    if actor is not None and actor.role not in MONEY_IMPORTERS:
        return [ImportKind.BATCHES, ImportKind.IN_KIND]
    return list(ImportKind)


def require_importer(actor: User | None, kind: ImportKind) -> None:
    if actor is not None and actor.role not in IMPORTERS:
        raise Forbidden(N_("Only volunteers, coordinators and admins import records."))
    if kind not in kinds_for(actor):
        raise Forbidden(N_("Only coordinators and admins import money donations."))


def parse_kind(value: Any) -> ImportKind:
    try:
        return ImportKind(value)
    except ValueError:
        raise Invalid(N_("Choose what the file holds."), "kind") from None


def check_upload(
    session: Session, actor: User, kind: ImportKind, name: str | None, data: bytes
) -> ImportJob:
    """The dry run: read and check every row, store the file and the problems; no import."""
    require_importer(actor, kind)
    checked = check_sheet(session, actor, kind, open_sheet(name or "", data))
    if checked.total == 0:
        raise Invalid(N_("The file has no rows under its header."), "file")
    job = ImportJob(
        kind=kind,
        owner_id=actor.id,
        stored_name=storage.store(data),
        upload_name=(name or "").replace("\x00", "")[:NAME_LIMIT] or None,
    )
    session.add(job)
    session.flush()
    record_check(session, job, checked)
    return job


def record_check(session: Session, job: ImportJob, checked: Checked) -> None:
    """Replace the job's counts and problems with a fresh check's."""
    session.execute(delete(ImportProblem).where(ImportProblem.job_id == job.id))
    job.total_rows, job.good_rows, job.bad_rows = checked.total, len(checked.good), checked.bad
    if checked.problems:
        session.execute(
            insert(ImportProblem),
            [
                {
                    "job_id": job.id,
                    "row_no": p.row,
                    "column": p.column,
                    "message": p.message,
                    "params": p.params,
                    "bad_value": p.value,
                }
                for p in checked.problems
            ],
        )
    session.flush()


def visible_job(session: Session, actor: User | None, job_id: int | None) -> ImportJob:
    job = session.get(ImportJob, job_id) if valid_id(job_id) else None
    if job is None or not _sees(actor, job):
        raise NotFound(N_("Not found."))
    return job


def _sees(actor: User | None, job: ImportJob) -> bool:
    return actor is None or actor.role == Role.ADMIN or job.owner_id == actor.id


def jobs_of(actor: User) -> Select[Any]:
    return (
        select(ImportJob)
        .where(ImportJob.owner_id == actor.id)
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    )


def problems_of(job: ImportJob) -> Select[Any]:
    return (
        select(ImportProblem)
        .where(ImportProblem.job_id == job.id)
        .order_by(ImportProblem.row_no, ImportProblem.id)
    )


def problem_report(session: Session, job: ImportJob, translate: Any) -> str:
    """Every problem as CSV (row; column; reason; value), formula-looking text quoted."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([translate(word) for word in ("Row", "Column", "Reason", "Value")])
    problems: list[ImportProblem] = list(session.scalars(problems_of(job)))
    for p in problems:
        writer.writerow(
            [
                p.row_no,
                p.column or "",
                neutralise(translate(p.message, **p.params)),
                neutralise(p.bad_value or ""),
            ]
        )
    return out.getvalue()


def status_view(job: ImportJob) -> dict[str, Any]:
    done = job.done_rows
    if job.status == ImportStatus.IMPORTING:
        done = storage.read_progress(job.stored_name) or 0
    return {
        "id": job.id,
        "public_id": job.public_id,
        "kind": job.kind.value,
        "status": job.status.value,
        "total_rows": job.total_rows,
        "good_rows": job.good_rows,
        "bad_rows": job.bad_rows,
        "done_rows": done,
        "failure": job.failure,
    }
