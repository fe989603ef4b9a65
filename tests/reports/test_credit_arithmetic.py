"""The attribution arithmetic pinned down (reports/credit.py): every rule a mutant could
bend has a test that fails when it is bent. Most are pure (rows built in memory, no
database); purchases read their lines and funding, so those run on the databases."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from coordination.attribution.credit import (
    ANONYMOUS,
    UNKNOWN,
    Credit,
    CreditKind,
    apportion,
    approx,
    batch_credits,
    donation_chain,
    first_donation,
    fraction_text,
    funder_credit,
    merge,
    party_label,
    purchase_credits,
    unknown,
)
from coordination.donations.models import MoneyDonation
from coordination.parties.models import Party, PartyKind
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind
from tests import factories as f
from tests.reports.chain import chain


# --- apportion: largest remainder, summing to the total --------------------------------
@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (1, [F(1)], [1]),  # weights summing to 1 are not "nothing"
        (7, [F(1, 2), F(1, 2)], [4, 3]),
        (1, [F(1), F(2)], [0, 1]),  # the larger remainder gets the unit
        (1, [F(2), F(1)], [1, 0]),
        (1, [F(1), F(1)], [1, 0]),  # ties go to the earlier entry
        (2, [F(1), F(1), F(1)], [1, 1, 0]),
        (2, [F(1), F(3), F(3)], [0, 1, 1]),
        (10, [F(1), F(1), F(1)], [4, 3, 3]),
        (5, [F(3), F(0), F(2)], [3, 0, 2]),
        (3_200_000, [F(3, 2), F(1, 2)], [2_400_000, 800_000]),
        (0, [F(1), F(2)], [0, 0]),
        (3, [F(0), F(0)], [2, 1]),  # all zero: shared equally, still summing to the total
        (4, [F(0), F(0)], [2, 2]),
        (0, [], []),
    ],
)
def test_apportion(total: int, weights: list[F], parts: list[int]) -> None:
    assert apportion(total, weights) == parts
    assert sum(parts) == total


def test_apportion_refuses_what_cannot_add_up() -> None:
    with pytest.raises(ValueError, match=r"^a total cannot be shared among no parts$"):
        apportion(5, [])
    with pytest.raises(ValueError, match=r"^weights must not be negative$"):
        apportion(5, [F(1), F(-1)])


# --- exact and rounded text ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "text"),
    [(F(7, 3), "7/3"), (F(6, 3), "2"), (F(-7, 3), "-7/3"), (F(0), "0"), (F(1, 2), "1/2")],
)
def test_fraction_text(value: F, text: str) -> None:
    assert fraction_text(value) == text


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (F(7, 3), 2, "2.33"),
        (F(10), 2, "10"),
        (F(1, 10), 2, "0.1"),
        (F(3, 200), 2, "0.02"),  # 1.5 hundredths: half to even
        (F(1, 200), 2, "0"),  # 0.5 hundredths: half to even, zero
        (F(-1, 3), 2, "-0.33"),
        (F(-1, 200), 2, "0"),  # no "-0"
        (F(5, 2), 0, "2"),
        (F(7, 2), 0, "4"),
        (F(123456, 100), 3, "1234.56"),
        (F(1, 8), 3, "0.125"),
        (F(2005, 1000), 2, "2"),
        (F(1205, 100), 1, "12"),
    ],
)
def test_approx(value: F, places: int, text: str) -> None:
    assert approx(value, places) == text


def test_approx_defaults_to_two_places() -> None:
    assert approx(F(1, 3)) == "0.33"


# --- credits --------------------------------------------------------------------------------
def _credit(**kw: object) -> Credit:
    base: dict[str, object] = {
        "party": "p1",
        "label": "Knitters",
        "kind": CreditKind.MAKER,
        "origin_kind": "batch",
        "origin": "b1",
        "quantity": F(3),
    }
    return Credit(**{**base, **kw})  # type: ignore[arg-type]


def test_a_makers_public_form_has_no_money() -> None:
    assert _credit(quantity=F(7, 3)).public() == {
        "party": "p1",
        "label": "Knitters",
        "kind": "maker",
        "origin_kind": "batch",
        "origin": "b1",
        "quantity": "7/3",
        "quantity_approx": "2.33",
    }
    assert _credit(origin_kind="").public()["origin_kind"] is None


def test_a_funders_public_form_carries_the_money_and_where_it_came_from() -> None:
    funder = _credit(
        kind=CreditKind.FUNDER,
        origin_kind="purchase",
        origin="pu1",
        quantity=F(1, 3),
        money_minor=F(1001, 2),
        currency="RUB",
        donation="d1",
        campaign="c1",
        campaign_label="School fair",
    )
    assert funder.public() == {
        "party": "p1",
        "label": "Knitters",
        "kind": "funder",
        "origin_kind": "purchase",
        "origin": "pu1",
        "quantity": "1/3",
        "quantity_approx": "0.33",
        "money_minor": "1001/2",
        "money_minor_approx": "500",
        "currency": "RUB",
        "donation": "d1",
        "campaign": "c1",
        "campaign_label": "School fair",
    }


def test_scaled_scales_quantity_and_money_unless_told() -> None:
    c = _credit(quantity=F(2), money_minor=F(10))
    assert (c.scaled(F(3, 2)).quantity, c.scaled(F(3, 2)).money_minor) == (F(3), F(15))
    kept = c.scaled(F(3, 2), money=False)
    assert (kept.quantity, kept.money_minor) == (F(3), F(10))


def test_the_key_tells_apart_what_merge_must_not_add_up() -> None:
    c = _credit(currency="RUB", donation="d1", via_refs=(1, 2))
    assert c.key == ("maker", "batch", "b1", "d1", "p1", "Knitters", "RUB", (1, 2))
    assert _credit().key == ("maker", "batch", "b1", "", "p1", "Knitters", "", ())
    assert _credit(party=None, origin=None).key[2] == "" and _credit(party=None).key[4] == ""


def test_merge_adds_up_the_same_key_and_keeps_others_apart() -> None:
    a = _credit(quantity=F(1), money_minor=F(5))
    b = _credit(quantity=F(2), money_minor=F(7))
    other = _credit(origin="b2", quantity=F(4))
    merged = merge([a, other, b])
    assert [(c.origin, c.quantity, c.money_minor) for c in merged] == [
        ("b2", F(4), F(0)),
        ("b1", F(3), F(12)),
    ]
    # Equal quantities: more money first, then the key.
    rich = _credit(origin="b3", quantity=F(1), money_minor=F(9))
    poor = _credit(origin="b4", quantity=F(1), money_minor=F(2))
    assert [c.origin for c in merge([poor, rich])] == ["b3", "b4"]
    assert [c.origin for c in merge([_credit(origin="z"), _credit(origin="a")])] == ["a", "z"]
    assert merge([]) == []


def _party(kind: PartyKind, name: str = "Name", public: bool = True, ident: int = 1) -> Party:
    return Party(
        id=ident, public_id=f"pub{ident}", kind=kind, display_name=name, name_public=public
    )


def test_party_label_names_only_sources_who_agreed() -> None:
    assert party_label(None) == (None, ANONYMOUS)
    assert party_label(_party(PartyKind.HOUSEHOLD, "Sokolova")) == (None, "household")
    assert party_label(_party(PartyKind.UNIT, "u 99137")) == (None, "unit")
    assert party_label(_party(PartyKind.DONOR, "Petrov", public=False)) == (None, ANONYMOUS)
    assert party_label(_party(PartyKind.DONOR, "Yarn shop")) == ("pub1", "Yarn shop")
    assert party_label(_party(PartyKind.GROUP, "Knitters")) == ("pub1", "Knitters")


def test_unknown_credit() -> None:
    assert unknown(F(2), "kit", "k1") == Credit(
        None, UNKNOWN, CreditKind.UNKNOWN, "kit", "k1", F(2)
    )
    assert unknown(F(1)) == Credit(None, UNKNOWN, CreditKind.UNKNOWN, "", None, F(1))


def _money(ident: int, donor: Party | None = None, campaign: Party | None = None, **kw: object):
    return MoneyDonation(
        id=ident,
        public_id=f"d{ident}",
        donor=donor,
        donor_id=donor.id if donor else None,
        campaign=campaign,
        campaign_id=campaign.id if campaign else None,
        currency="RUB",
        amount_minor=100,
        **kw,
    )


def test_money_passed_on_is_followed_back_to_its_first_donation() -> None:
    first = _money(1)
    middle = _money(2, passed_from=first)
    last = _money(3, passed_from=middle)
    assert donation_chain(last) == [last, middle, first]
    assert donation_chain(first) == [first]
    assert first_donation(last) is first and first_donation(first) is first
    loop_a = _money(4)
    loop_b = _money(5, passed_from=loop_a)
    loop_a.passed_from = loop_b  # a broken record: the walk stops instead of looping
    assert donation_chain(loop_a) == [loop_a, loop_b]


def test_a_funder_credit_names_the_first_donation_its_donor_and_campaign() -> None:
    fair = _party(PartyKind.CAMPAIGN, "School fair", ident=7)
    donor = _party(PartyKind.DONOR, "Yarn shop", ident=8)
    first = _money(1, donor=donor, campaign=fair)
    passed = _money(2, passed_from=first)
    c = funder_credit(passed, "purchase", "pu1", 11, F(2), F(300), "RUB")
    assert c == Credit(
        "pub8",
        "Yarn shop",
        CreditKind.FUNDER,
        "purchase",
        "pu1",
        F(2),
        F(300),
        "RUB",
        donation="d1",
        campaign="pub7",
        campaign_label="School fair",
        party_ref=8,
        donation_ref=1,
        campaign_ref=7,
        origin_ref=11,
        via_refs=(2, 1),
    )
    # Raised by a campaign with no donor named: the campaign is the party credited.
    by_fair = funder_credit(_money(3, campaign=fair), "batch", "b1", 12, F(0), F(5), "EUR")
    assert (by_fair.party, by_fair.label, by_fair.party_ref) == ("pub7", "School fair", 7)
    assert (by_fair.campaign, by_fair.campaign_ref, by_fair.currency) == ("pub7", 7, "EUR")
    anonymous = funder_credit(_money(4), "batch", "b1", 12, F(0), F(5), "RUB")
    assert (anonymous.party, anonymous.label, anonymous.party_ref) == (None, ANONYMOUS, None)
    assert (anonymous.campaign, anonymous.campaign_label, anonymous.campaign_ref) == (
        None,
        None,
        None,
    )


def _batch(group: Party, quantity: int = 10, members: str | None = None, public: bool = False):
    return ProductionBatch(
        id=21,
        public_id="b21",
        group=group,
        group_id=group.id,
        quantity=quantity,
        members=members,
        made_by_members_public=public,
    )


def test_a_batch_credits_its_makers_and_shows_the_money_for_materials() -> None:
    group = _party(PartyKind.GROUP, "Knitters", ident=3)
    fair = _party(PartyKind.CAMPAIGN, "School fair", ident=7)
    paid = _money(1, campaign=fair)
    credits = batch_credits(_batch(group), F(4), [(paid, 1000)])
    maker, funder = credits
    assert maker == Credit(
        "pub3",
        "Knitters",
        CreditKind.MAKER,
        "batch",
        "b21",
        F(4),
        party_ref=3,
        origin_ref=21,
    )
    assert (funder.kind, funder.quantity, funder.money_minor) == (CreditKind.FUNDER, 0, F(400))
    assert (funder.origin_kind, funder.origin, funder.origin_ref) == ("batch", "b21", 21)
    assert (funder.currency, funder.party_ref) == ("RUB", 7)
    assert len(credits) == 2


def test_members_are_named_only_when_they_agreed_and_are_listed() -> None:
    group = _party(PartyKind.GROUP, "Knitters", ident=3)
    named = batch_credits(_batch(group, members="Anna, Olga", public=True), F(1), [])
    assert [(c.label, c.members_of) for c in named] == [("members of Knitters", "Knitters")]
    for batch in (_batch(group, members="Anna", public=False), _batch(group, public=True)):
        assert [(c.label, c.members_of) for c in batch_credits(batch, F(1), [])] == [
            ("Knitters", None)
        ]


# --- purchases read their lines and funding from the database ---------------------------------
def test_a_purchase_is_split_pro_rata_between_the_donations_that_paid(session) -> None:
    c = chain(session)
    gloves, socks, _ = c.items
    fair = f.party(session, PartyKind.CAMPAIGN, display_name="School fair")
    shop = c.donor("Yarn shop")
    a = c.money(fair, 10_000_00, campaign=fair)
    b = c.money(shop, 10_000_00)
    purchase, (glove_lot, sock_lot) = c.purchase(
        [(gloves, 3, 900_00), (socks, 6, 300_00)], [(a, 400_00), (b, 800_00)]
    )
    credits = purchase_credits(purchase, glove_lot, F(2))
    assert [(x.party, x.quantity, x.money_minor, x.currency) for x in credits] == [
        (fair.public_id, F(2, 3), F(200_00), "RUB"),
        (shop.public_id, F(4, 3), F(400_00), "RUB"),
    ]
    assert all(x.kind == CreditKind.FUNDER and x.origin == purchase.public_id for x in credits)
    assert {(x.origin_kind, x.origin_ref) for x in credits} == {("purchase", purchase.id)}
    assert sum(x.money_minor for x in purchase_credits(purchase, sock_lot, F(6))) == 300_00
    assert sum(x.quantity for x in credits) == 2


def test_an_unpaid_purchase_is_unknown(session) -> None:
    c = chain(session)
    purchase, (lot,) = c.purchase([(c.items[0], 4, 100_00)], [])
    assert purchase_credits(purchase, lot, F(4)) == [unknown(F(4), "purchase", purchase.public_id)]


def test_a_purchase_of_one_kopeck_is_still_credited(session) -> None:
    c = chain(session)
    shop = c.donor("Yarn shop")
    gift = c.money(shop, 1)
    purchase, (lot,) = c.purchase([(c.items[0], 1, 1)], [(gift, 1)])
    (credit,) = purchase_credits(purchase, lot, F(1))
    assert (credit.kind, credit.party, credit.quantity, credit.money_minor) == (
        CreditKind.FUNDER,
        shop.public_id,
        F(1),
        F(1),
    )


def test_a_purchase_with_no_lines_left_spreads_no_money(session) -> None:
    """An edited record: the purchase lost its lines; its goods are still its funders', at
    no money (there is no price to spread)."""
    c = chain(session)
    shop = c.donor("Yarn shop")
    gift = c.money(shop, 500)
    purchase, _lots = c.purchase([], [(gift, 500)])
    lot = Lot(
        item_id=c.items[0].id,
        quantity=2,
        location_id=c.hub.id,
        origin_kind=OriginKind.PURCHASE,
        origin_id=purchase.id,
    )
    session.add(lot)
    session.flush()
    (credit,) = purchase_credits(purchase, lot, F(2))
    assert (credit.party, credit.quantity, credit.money_minor) == (shop.public_id, F(2), F(0))
