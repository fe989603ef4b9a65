"""Running a confirmed import. Unlike a service, this owns its transactions (three commits):

1. claim: the job moves checked/failed → importing in one UPDATE ... WHERE status, so a
   double click or a second worker cannot start the same import twice; committed, so the
   poller sees "importing";
2. the import: the file is checked again, every row, against the current catalog and
   parties (they may have changed since the dry run). The rule: the confirm writes only
   if the re-check keeps exactly the dry run's rows, i.e. the same number of good rows
   AND the same row numbers refused (compared with the job's stored problems); a row
   whose item, size, group, place or donor became invalid, or a refused row that became
   valid, means nothing is written and the job shows the new check for review. Re-checking
   is not skipped: the good rows are not kept between the two steps (only the encrypted
   file is), so the confirm parses them again anyway, and resolving them against fresh
   lookups costs little beside that, since each distinct cell and (item, size) is
   checked once per file (checks.py, rowrules.py). Then every good row is written in ONE
   transaction (writing.py) with the job marked done; all of it commits or none does;
3. on failure: roll back, then mark the job failed with a message, so the owner may retry.

It runs inside the request for now. Progress goes to a file (storage.py), because on
SQLite the import's transaction holds the only write lock: a second connection could not
record progress in the database until the import had finished.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.imports import storage
from coordination.imports.checks import Checked, check_sheet
from coordination.imports.models import ImportJob, ImportProblem, ImportStatus
from coordination.imports.reading import open_sheet
from coordination.imports.services import record_check, require_importer
from coordination.imports.writing import write_rows
from coordination.kernel.errors import Conflict, DomainError, Forbidden
from coordination.kernel.text import N_
from coordination.ledger.privacy import PersonalDataError

log = logging.getLogger("aidtrail")
STALE_AFTER = timedelta(hours=1)  # an "importing" job older than this died with its worker
FAILED = N_(
    "The import failed and nothing was written. Try again; if it fails again, "
    "check the file against the template."
)
CHANGED = N_(
    "Records changed since the check: nothing was written. Review the new "
    "results and confirm again."
)
GONE = N_("The uploaded file is no longer available; upload it again.")


def confirm_import(session: Session, actor: User, job: ImportJob) -> ImportJob:
    require_importer(actor, job.kind)
    if job.owner_id != actor.id:
        # An admin may look at anyone's import, but only its owner confirms it: the rows
        # were checked against what the owner may import for.
        raise Forbidden(N_("Only the person who uploaded this file can confirm it."))
    _claim(session, job)
    try:
        data = storage.load(job.stored_name or "")
        if data is None:
            raise Conflict(GONE)
        checked = check_sheet(
            session,
            actor,
            job.kind,
            open_sheet(".csv", data) if not data.startswith(b"PK") else open_sheet(".xlsx", data),
        )
        if not _same_rows(session, job, checked):
            record_check(session, job, checked)
            job.status = ImportStatus.CHECKED
            session.commit()
            raise Conflict(CHANGED)
        name, total = job.stored_name or "", len(checked.good)
        storage.write_progress(name, 0, total)
        write_rows(
            session,
            actor,
            job,
            checked.good,
            lambda done: storage.write_progress(name, done, total),
        )
        job.status, job.done_rows, job.finished_at = ImportStatus.DONE, total, utcnow()
        job.stored_name, job.failure = None, None
        session.commit()
    except Conflict as exc:
        _fail(session, job, exc.message)
        raise
    except (DomainError, SQLAlchemyError, PersonalDataError, OSError) as exc:
        log.error("import %s failed: %s", job.public_id, type(exc).__name__)
        _fail(session, job, FAILED)
        return job
    storage.remove(name)
    return job


def _same_rows(session: Session, job: ImportJob, checked: Checked) -> bool:
    """Whether the re-check keeps the dry run's good rows, refusing the same row numbers."""
    if len(checked.good) != job.good_rows:
        return False
    then = session.scalars(
        select(ImportProblem.row_no).where(ImportProblem.job_id == job.id).distinct()
    )
    return set(then) == {p.row for p in checked.problems}


def _claim(session: Session, job: ImportJob) -> None:
    stale = utcnow() - STALE_AFTER
    claimable = (ImportJob.status.in_([ImportStatus.CHECKED, ImportStatus.FAILED])) | (
        (ImportJob.status == ImportStatus.IMPORTING) & (ImportJob.started_at < stale)
    )
    result = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, claimable)
        .values(status=ImportStatus.IMPORTING, started_at=utcnow(), failure=None)
        .execution_options(synchronize_session=False)
    )
    claimed = getattr(result, "rowcount", 0) == 1
    session.commit()
    if not claimed:
        raise Conflict(N_("This import is already running or done."))


def _fail(session: Session, job: ImportJob, message: str | None) -> None:
    session.rollback()
    job = session.get(ImportJob, job.id, populate_existing=True) or job
    if job.status == ImportStatus.IMPORTING:
        job.status, job.failure = ImportStatus.FAILED, message or FAILED
    session.commit()
