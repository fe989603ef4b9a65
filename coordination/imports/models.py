"""Import jobs: an uploaded spreadsheet, what its dry run found, and how its import went."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, str_enum, utcnow
from coordination.parties.models import new_public_id


class ImportKind(enum.StrEnum):
    BATCHES = "batches"
    IN_KIND = "in_kind"
    MONEY = "money"


class ImportStatus(enum.StrEnum):
    CHECKED = "checked"  # dry run done, waiting for the owner to confirm
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"  # nothing was written; the owner may confirm again


class ImportJob(Base):
    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    kind: Mapped[ImportKind] = mapped_column(str_enum(ImportKind))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[ImportStatus] = mapped_column(
        str_enum(ImportStatus), default=ImportStatus.CHECKED
    )
    # The name the file had on the owner's computer may name a person: encrypted.
    upload_name: Mapped[str | None] = mapped_column(EncryptedText)
    # Random name of the stored (encrypted) upload under instance/imports; None once imported.
    stored_name: Mapped[str | None] = mapped_column(String(64))
    total_rows: Mapped[int] = mapped_column(default=0)
    good_rows: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[int] = mapped_column(default=0)
    done_rows: Mapped[int] = mapped_column(default=0)
    # Why the last confirm failed: a message template (translated when shown), no data.
    failure: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportProblem(Base):
    """One refused cell (or row) of a job's dry run: row number, column and reason."""

    __tablename__ = "import_problem"
    __table_args__ = (Index("ix_import_problem_job_row", "job_id", "row_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"))
    row_no: Mapped[int] = mapped_column()
    column: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the cell held (shortened), shown back to the owner only; may be personal.
    bad_value: Mapped[str | None] = mapped_column(EncryptedText)
