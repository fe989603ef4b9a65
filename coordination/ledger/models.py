"""Ledger tables. The entry table is the record; everything else in AidTrail is a projection."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, utcnow


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (CheckConstraint("idx >= 0", name="idx_nonnegative"),)

    index: Mapped[int] = mapped_column("idx", BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    # Canonical JSON text; its UTF-8 bytes are the Merkle leaf data.
    body: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerNode(Base):
    """Hash of a perfect, aligned subtree: leaves [position*2^level, (position+1)*2^level).

    Stored as the tree grows (about two rows per entry) so any proof on any tree size needs
    only O(log n) lookups instead of rehashing the log.
    """

    __tablename__ = "ledger_node"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerHead(Base):
    """One row. Appends lock it, which serialises writers across processes and machines."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerCheckpoint(Base):
    __tablename__ = "ledger_checkpoint"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    # The complete signed note (C2SP signed-note over a tlog-checkpoint body).
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerOpening(Base):
    """What one commitment in one entry opens to: the value and the salt, both encrypted.

    Households, units and accounts enter the ledger only as commitments with a fresh salt
    per entry; this private table lets the holder open any of them for an auditor, and a
    household open its own (`subject`). Rows are written with their entry and never changed.
    """

    __tablename__ = "ledger_opening"

    index: Mapped[int] = mapped_column("idx", BigInteger, primary_key=True, autoincrement=False)
    # Where the commitment sits in the entry: "actor" or "data.<key>[.<key>...]".
    path: Mapped[str] = mapped_column(String(160), primary_key=True)
    # "party:<public id>" / "user:<public id>": who may open it for themselves.
    subject: Mapped[str | None] = mapped_column(String(40), index=True)
    commit_value: Mapped[str] = mapped_column(EncryptedText)
    commit_salt: Mapped[str] = mapped_column(EncryptedText)  # hex
