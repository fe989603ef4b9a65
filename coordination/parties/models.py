"""Who gives, carries, receives or presents goods, and where goods are kept."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, str_enum, utcnow


class PartyKind(enum.StrEnum):
    GROUP = "group"
    DONOR = "donor"
    UNIT = "unit"
    HOUSEHOLD = "household"
    COURIER = "courier"
    OFFICIAL = "official"
    CAMPAIGN = "campaign"


# Kinds whose real name is personal or sensitive (a family, a unit number, a private donor):
# their name is encrypted and public pages show only a coarse label.
PRIVATE_KINDS = frozenset({PartyKind.HOUSEHOLD, PartyKind.UNIT})
# Kinds a public page names by kind only: a household, a unit, and a courier (often one
# person, a driver known by first name). /verify, public dispute pages and documents agree.
KIND_ONLY_KINDS = PRIVATE_KINDS | {PartyKind.COURIER}
# Kinds that can be the true source of goods (made, gave or paid for them). A courier, an
# official or a recipient never is: they carry, present or receive.
SOURCE_KINDS = (PartyKind.GROUP, PartyKind.DONOR, PartyKind.CAMPAIGN)


class LocationKind(enum.StrEnum):
    HUB = "hub"
    WAREHOUSE = "warehouse"
    WORKSHOP = "workshop"


def new_public_id() -> str:
    # Pseudonymous id for the ledger and URLs: random, so it leaks no count or order.
    return secrets.token_hex(8)


class Region(Base):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_en


class Party(Base):
    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    kind: Mapped[PartyKind] = mapped_column(str_enum(PartyKind))
    # Public-safe label. For households and units it is a neutral label, never the real name.
    display_name: Mapped[str] = mapped_column(String(200))
    # A donor's consent to be named publicly; groups and campaigns are public by nature.
    name_public: Mapped[bool] = mapped_column(Boolean, default=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    # Personal data: encrypted at rest, shown only to those who may see this party.
    private_name: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    address: Mapped[str | None] = mapped_column(EncryptedText)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    region: Mapped[Region | None] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once

    @property
    def is_private(self) -> bool:
        return self.kind in PRIVATE_KINDS

    @property
    def public_label(self) -> str:
        """What a public page may print: a source by name only if it agreed."""
        if self.kind in KIND_ONLY_KINDS:
            return self.kind.value
        if self.kind == PartyKind.DONOR and not self.name_public:
            return "anonymous donor"
        return self.display_name


class Location(Base):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[LocationKind] = mapped_column(str_enum(LocationKind))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    town: Mapped[str | None] = mapped_column(String(120))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    party: Mapped[Party | None] = relationship()
