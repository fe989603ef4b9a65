"""Credits: how much of a lot came from which origin, computed from the record.

A lot keeps its origin through transfers (a split lot copies the origin and names its
parent), so goods are walked back to their origin and credited there:

- a production batch: the making group is the *maker* for every piece. Money that paid for
  the batch's materials (BatchFunding) earns its donors *funder* credits that carry money
  (their share of the materials, pro rata to the pieces) and quantity 0: the pieces stay
  the group's work, the money is shown beside them;
- an in-kind donation: the donor (or "anonymous donor") is the *donor* for every piece;
- a purchase: the pieces are credited to the money donations that paid for it, pro rata to
  the amounts each put in (*funder*, with the quantity share and the money share of the
  purchase line's price). Money passed on from another donation is credited to the donation
  the money first came in with, the true source;
- a kit: the kit's pieces are split among its components in proportion to the component
  quantities used per kit, and each component share is credited like the component's lot.

Nobody else is ever credited: a carrier, a collector or a presenter gets zero unless an
origin names them. What cannot be walked (a missing origin record, a kit that would contain
itself) is credited to an *unknown* origin, so quantities still add up and the gap shows.

Arithmetic is exact: quantities and money are `fractions.Fraction`. The invariants are
sum(credit.quantity) == the quantity asked for, and, for a purchase, the funders' money
sums to the price of what was taken. Pages that need whole numbers round with
`apportion()` (largest remainder), which keeps the rounded parts summing to the total.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from coordination.attribution.funding import batch_funding, line_price, purchase_funding
from coordination.donations.models import MoneyDonation, Purchase
from coordination.parties.models import Party, PartyKind
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind

ANONYMOUS = "anonymous donor"
UNKNOWN = "unknown origin"
MAX_DEPTH = 64  # transfers and kits nested deeper than this are treated as a broken record


class CreditKind(enum.StrEnum):
    MAKER = "maker"
    DONOR = "donor"
    FUNDER = "funder"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Credit:
    """One origin's share. Only public ids and public labels: safe for public pages."""

    party: str | None  # the credited party's public id; None: anonymous or unknown
    label: str  # a group's name, a named donor, "members of <group>", "anonymous donor"
    kind: CreditKind
    origin_kind: str  # batch, in_kind, purchase, or "" when unknown
    origin: str | None  # the origin record's public id
    quantity: Fraction
    money_minor: Fraction = Fraction(0)
    currency: str | None = None
    donation: str | None = None  # funders: the money donation's public id (the first one)
    campaign: str | None = None  # funders: the campaign the money was raised for
    campaign_label: str | None = None
    members_of: str | None = None  # set when the label names a group's members (opt-in)
    # Internal row ids for queries (party_attribution...); never exported.
    party_ref: int | None = None
    donation_ref: int | None = None
    campaign_ref: int | None = None
    origin_ref: int | None = None
    # Funders: the donations the money went through, the one that paid first, back to the
    # first one (money passed on between groups), so each of them can be followed.
    via_refs: tuple[int, ...] = ()

    @property
    def key(self) -> tuple[Any, ...]:
        return (
            self.kind.value,
            self.origin_kind,
            self.origin or "",
            self.donation or "",
            self.party or "",
            self.label,
            self.currency or "",
            self.via_refs,
        )

    def scaled(self, factor: Fraction, money: bool = True) -> Credit:
        return replace(
            self,
            quantity=self.quantity * factor,
            money_minor=self.money_minor * factor if money else self.money_minor,
        )

    def public(self) -> dict[str, Any]:
        """JSON-ready, exact numbers as strings ("7/3") beside a rounded figure."""
        out: dict[str, Any] = {
            "party": self.party,
            "label": self.label,
            "kind": self.kind.value,
            "origin_kind": self.origin_kind or None,
            "origin": self.origin,
            "quantity": fraction_text(self.quantity),
            "quantity_approx": approx(self.quantity),
        }
        if self.kind == CreditKind.FUNDER:
            out.update(
                money_minor=fraction_text(self.money_minor),
                money_minor_approx=approx(self.money_minor, 0),
                currency=self.currency,
                donation=self.donation,
                campaign=self.campaign,
                campaign_label=self.campaign_label,
            )
        return out


def fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def approx(value: Fraction, places: int = 2) -> str:
    """Round half to even at `places` decimals, for display only."""
    scaled = round(value * 10**places)
    if places == 0:
        return str(scaled)
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), 10**places)
    text = f"{sign}{whole}.{part:0{places}d}".rstrip("0").rstrip(".")
    return text or "0"


def apportion(total: int, weights: list[Fraction]) -> list[int]:
    """Whole parts of `total` in proportion to `weights`, summing exactly to `total`.

    Largest remainder (Hamilton): floor every share, then hand the units left over to the
    largest remainders, ties to the earlier entry. All-zero weights share equally (the parts
    must still add up to the total); negative weights and a total with nothing to share it
    among are refused.
    """
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    if not weights:
        if total:
            raise ValueError("a total cannot be shared among no parts")
        return []
    whole = sum(weights, Fraction(0))
    if whole == 0:
        weights, whole = [Fraction(1)] * len(weights), Fraction(len(weights))
    shares = [total * w / whole for w in weights]
    parts = [s.numerator // s.denominator for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def merge(credits: Iterable[Credit]) -> list[Credit]:
    """Add up credits to the same origin, party and donation; a stable order."""
    merged: dict[tuple[Any, ...], Credit] = {}
    for c in credits:
        have = merged.get(c.key)
        merged[c.key] = (
            c
            if have is None
            else replace(
                have,
                quantity=have.quantity + c.quantity,
                money_minor=have.money_minor + c.money_minor,
            )
        )
    return sorted(merged.values(), key=lambda c: (-c.quantity, -c.money_minor, c.key))


def party_label(party: Party | None) -> tuple[str | None, str]:
    """(public id or None, label) of a source: an anonymous donor keeps no pseudonym here."""
    if party is None:
        return None, ANONYMOUS
    if party.kind in (PartyKind.HOUSEHOLD, PartyKind.UNIT):
        return None, party.kind.value  # recipients are never sources by name
    if party.kind == PartyKind.DONOR and not party.name_public:
        return None, ANONYMOUS
    return party.public_id, party.public_label


def unknown(quantity: Fraction, origin_kind: str = "", origin: str | None = None) -> Credit:
    return Credit(None, UNKNOWN, CreditKind.UNKNOWN, origin_kind, origin, quantity)


def donation_chain(donation: MoneyDonation) -> list[MoneyDonation]:
    """The donation, then each one it was passed on from, back to the first (no cycles)."""
    chain = [donation]
    while donation.passed_from is not None and donation.passed_from not in chain:
        donation = donation.passed_from
        chain.append(donation)
    return chain


def first_donation(donation: MoneyDonation) -> MoneyDonation:
    """Money passed on between groups is credited to the donation it first came in with."""
    return donation_chain(donation)[-1]


def funder_credit(
    donation: MoneyDonation,
    origin_kind: str,
    origin: str,
    origin_ref: int,
    quantity: Fraction,
    money: Fraction,
    currency: str,
) -> Credit:
    chain = donation_chain(donation)
    root = chain[-1]
    party, label = party_label(root.donor or root.campaign)
    campaign = root.campaign
    return Credit(
        party,
        label,
        CreditKind.FUNDER,
        origin_kind,
        origin,
        quantity,
        money,
        currency,
        donation=root.public_id,
        campaign=campaign.public_id if campaign else None,
        campaign_label=campaign.public_label if campaign else None,
        party_ref=(root.donor_id or root.campaign_id),
        donation_ref=root.id,
        campaign_ref=root.campaign_id,
        origin_ref=origin_ref,
        via_refs=tuple(d.id for d in chain),
    )


Funding = list[tuple[MoneyDonation, int]]


def batch_credits(
    batch: ProductionBatch, quantity: Fraction, funding: Funding | None = None
) -> list[Credit]:
    """`funding`: the batch's funding rows when the caller loaded them already (a Walker)."""
    group = batch.group
    members = bool(batch.made_by_members_public and batch.members)
    label = f"members of {group.public_label}" if members else group.public_label
    credits = [
        Credit(
            group.public_id,
            label,
            CreditKind.MAKER,
            OriginKind.BATCH.value,
            batch.public_id,
            quantity,
            members_of=group.public_label if members else None,
            party_ref=group.id,
            origin_ref=batch.id,
        )
    ]
    for donation, amount in batch_funding(batch) if funding is None else funding:
        money = Fraction(amount) * quantity / batch.quantity
        credits.append(
            funder_credit(
                donation,
                OriginKind.BATCH.value,
                batch.public_id,
                batch.id,
                Fraction(0),
                money,
                donation.currency,
            )
        )
    return credits


def purchase_credits(purchase: Purchase, lot: Lot, quantity: Fraction) -> list[Credit]:
    price, bought = line_price(purchase, lot)
    funding = purchase_funding(purchase)
    paid = sum(amount for _d, amount in funding)
    if not funding or paid <= 0:
        return [unknown(quantity, OriginKind.PURCHASE.value, purchase.public_id)]
    spent = Fraction(price) * quantity / bought if bought else Fraction(0)
    return [
        funder_credit(
            d,
            OriginKind.PURCHASE.value,
            purchase.public_id,
            purchase.id,
            quantity * amount / paid,
            spent * amount / paid,
            purchase.currency,
        )
        for d, amount in funding
    ]
