"""Witness cosignatures of the log's checkpoints, and what AidTrail knows of each witness."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coordination.db import Base, UTCDateTime, utcnow

VKEY_MAX = 400


class WitnessCosignature(Base):
    """One witness's cosignature/v1 line on one checkpoint, verbatim.

    Rows are only a cache of lines: whoever serves one checks it against the checkpoint
    note first, so a row left behind by a rewritten log never vouches for the new tree.
    """

    __tablename__ = "witness_cosignature"
    __table_args__ = (UniqueConstraint("witness_key", "size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    witness_key: Mapped[str] = mapped_column(String(VKEY_MAX))
    size: Mapped[int] = mapped_column(BigInteger, ForeignKey("ledger_checkpoint.size"), index=True)
    # The cosignature's own timestamp (POSIX seconds), as the witness signed it.
    timestamp: Mapped[int] = mapped_column(BigInteger)
    line: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WitnessContact(Base):
    """The last exchange with a witness: the size it holds for this log, and any error."""

    __tablename__ = "witness_contact"

    witness_key: Mapped[str] = mapped_column(String(VKEY_MAX), primary_key=True)
    known_size: Mapped[int | None] = mapped_column(BigInteger)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
