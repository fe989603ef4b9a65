"""The true source of a delivery line, in words a document can print.

Credits come from the attribution walk (coordination/attribution/credit.py): a group's batch, a
donor's goods, the donors whose money bought them, a kit's components. Only public labels
are printed: a donor who did not agree to be named reads "anonymous donor".
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coordination.attribution.credit import ANONYMOUS, UNKNOWN, Credit, CreditKind, merge
from coordination.attribution.walker import Walker
from coordination.deliveries.models import DeliveryLine
from coordination.parties.models import Party, PartyKind


def party_label(party: Party | None) -> str:
    if party is None or (party.kind == PartyKind.DONOR and not party.name_public):
        return _("anonymous donor")
    if party.is_private:
        return _("a household") if party.kind == PartyKind.HOUSEHOLD else _("a unit")
    if party.kind == PartyKind.COURIER:  # the public rule (Party.public_label): kind only
        return _("a courier")
    return party.display_name


def credit_label(credit: Credit) -> str:
    if credit.label == ANONYMOUS:
        return _("anonymous donor")
    if credit.label == UNKNOWN or credit.kind == CreditKind.UNKNOWN:
        return _("unknown origin")
    return credit.label


def credit_role(credit: Credit) -> str:
    return {
        CreditKind.MAKER: _("made by"),
        CreditKind.DONOR: _("donated by"),
        CreditKind.FUNDER: _("paid for by"),
        CreditKind.UNKNOWN: _("unknown origin"),
    }[credit.kind]


def sources_text(credits: Iterable[Credit]) -> str:
    """Who made or gave the pieces (funders of materials are named on the certificate)."""
    labels = [credit_label(c) for c in credits if c.quantity > 0]
    return ", ".join(dict.fromkeys(labels)) or _("unknown origin")


class LineSources:
    """Credits of delivery lines for the quantity sent, one walk shared by all lines."""

    def __init__(self, session: Session) -> None:
        self.walker = Walker(session)
        self._cache: dict[tuple[int, int], list[Credit]] = {}

    def credits(self, line: DeliveryLine) -> list[Credit]:
        key = (line.lot_id, line.quantity)
        if key not in self._cache:
            self._cache[key] = merge(self.walker.lot(line.lot, line.quantity))
        return self._cache[key]

    def text(self, line: DeliveryLine) -> str:
        return sources_text(self.credits(line))
