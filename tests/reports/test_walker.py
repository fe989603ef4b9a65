"""The walk from a lot to its origins (reports/walker.py): through transfers to the lot the
origin created, into kits component by component, with bulk prefetch giving exactly what a
cold walk gives, and a broken record credited to an unknown origin with what is known."""

from __future__ import annotations

from fractions import Fraction as F

from sqlalchemy import event

from coordination.attribution.credit import CreditKind, merge
from coordination.attribution.walker import Walker, chunks
from coordination.stock.models import KitAssembly, KitComponentUse, Lot, OriginKind
from coordination.stock.services import open_lot
from tests.reports.chain import DAY, chain


def _summary(credits):
    return sorted(
        (c.kind.value, c.label, c.origin_kind, c.origin, c.quantity, c.money_minor)
        for c in merge(credits)
    )


def test_chunks_cover_every_id_once_in_order() -> None:
    assert list(chunks([3, 1, 2, 3])) == [[1, 2, 3]]
    assert list(chunks([])) == []
    big = list(chunks(range(1_801)))
    assert [len(c) for c in big] == [900, 900, 1] and big[0][0] == 0 and big[2] == [1_800]


def test_a_kit_is_split_among_its_components_and_keeps_their_money(session) -> None:
    c = chain(session)
    socks, gloves, kit_item = c.items
    knitters = c.group("Knitters")
    shop = c.donor("Yarn shop")
    batch, made = c.batch(knitters, socks, 30)
    moved = c.transfer(c.transfer(made, 20), 20)  # two hops: the walk goes back to the batch
    paid = c.money(shop, 900_00)
    c.fund_batch(batch, paid, 300_00)  # 10 RUB of materials per pair
    gift_donor = c.donor("Anna")
    gift, gift_lot = c.in_kind(gift_donor, gloves, 10)
    # 5 kits: 2 pairs of socks and 1 glove pair each (10 socks, 5 gloves in all).
    _assembly, kits = c.kit(kit_item, 5, [(moved, 10), (gift_lot, 5)])
    credits = Walker(session).lot(kits, 3)
    assert _summary(credits) == sorted(
        [
            ("maker", "Knitters", "batch", batch.public_id, F(2), F(0)),
            ("funder", "Yarn shop", "batch", batch.public_id, F(0), F(60_00)),
            ("donor", "Anna", "in_kind", gift.public_id, F(1), F(0)),
        ]
    )
    assert sum(x.quantity for x in credits) == 3
    cold = Walker(session)
    warm = Walker(session)
    warm.prefetch([kits, moved, gift_lot])
    for lot in (kits, moved, gift_lot, made):
        assert _summary(warm.lot(lot, 7)) == _summary(cold.lot(lot, 7))
    assert _summary(warm.lot(moved, 4)) == sorted(
        [
            ("funder", "Yarn shop", "batch", batch.public_id, F(0), F(40_00)),
            ("maker", "Knitters", "batch", batch.public_id, F(4), F(0)),
        ]
    )
    assert warm.lot(moved, 0) == []


def test_broken_records_are_unknown_but_keep_what_is_known(session) -> None:
    c = chain(session)
    socks = c.items[0]
    empty = KitAssembly(item_id=socks.id, quantity=1, location_id=c.hub.id, assembled_on=DAY)
    session.add(empty)
    session.flush()
    kitless = open_lot(
        session,
        None,
        item=socks,
        size=None,
        quantity=1,
        location=c.hub,
        origin_kind=OriginKind.KIT,
        origin_id=empty.id,
    )
    (credit,) = Walker(session).lot(kitless, 1)
    assert (credit.kind, credit.origin_kind, credit.origin) == (CreditKind.UNKNOWN, "kit", None)
    itself = open_lot(
        session,
        None,
        item=socks,
        size=None,
        quantity=2,
        location=c.hub,
        origin_kind=OriginKind.KIT,
        origin_id=empty.id,
    )
    session.add(KitComponentUse(assembly_id=empty.id, lot_id=itself.id, quantity=1))
    session.flush()
    session.refresh(empty)
    (credit,) = Walker(session).lot(itself, 2)
    assert (credit.kind, credit.origin_kind, credit.origin, credit.quantity) == (
        CreditKind.UNKNOWN,
        "kit",
        empty.public_id,
        F(2),
    )
    for kind in (OriginKind.BATCH, OriginKind.IN_KIND, OriginKind.PURCHASE, OriginKind.KIT):
        orphan = Lot(
            item_id=socks.id, quantity=3, location_id=c.hub.id, origin_kind=kind, origin_id=99_999
        )
        session.add(orphan)
        session.flush()
        walker = Walker(session)
        walker.prefetch([orphan])
        (credit,) = walker.lot(orphan, 3)
        assert (credit.kind, credit.origin_kind, credit.quantity) == (
            CreditKind.UNKNOWN,
            kind.value,
            F(3),
        )


def test_a_lot_whose_parents_loop_still_ends(session) -> None:
    c = chain(session)
    knitters = c.group("Knitters")
    _batch, made = c.batch(knitters, c.items[0], 4)
    child = c.transfer(made, 2)
    made.parent_lot_id = child.id  # a broken record: the walk must stop, not spin
    session.flush()
    session.expire_all()
    child = session.get(Lot, child.id)
    walker = Walker(session)
    walker.prefetch([child])
    assert [c.label for c in walker.lot(child, 2)] == ["Knitters"]


def test_after_prefetch_a_walk_reads_nothing_more(session) -> None:
    """prefetch() is what keeps a follow-up page fast: once it ran, walking the lots it was
    given reads no row again (a batch's origin record, its group, its funding)."""
    c = chain(session)
    knitters = c.group("Knitters")
    _batch, made = c.batch(knitters, c.items[0], 6)
    moved = c.transfer(c.transfer(made, 4), 4)  # two hops: parents of parents are loaded too
    session.commit()
    session.expire_all()
    moved = session.get(Lot, moved.id)
    walker = Walker(session)
    walker.prefetch([moved])
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        credits = walker.lot(moved, 4)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [c.label for c in credits] == ["Knitters"]
    assert seen == []


def test_a_kit_that_contains_itself_credits_its_real_parts_once(session) -> None:
    c = chain(session)
    socks, _gloves, kit_item = c.items
    knitters = c.group("Knitters")
    _batch, made = c.batch(knitters, socks, 10)
    at_hub = c.transfer(made, 10)
    assembly, kits = c.kit(kit_item, 2, [(at_hub, 4)])  # 2 pairs of socks per kit
    session.add(KitComponentUse(assembly_id=assembly.id, lot_id=kits.id, quantity=2))
    session.flush()
    session.refresh(assembly)
    # Per kit: 4 socks and 2 "kits" (itself): 4/6 to the knitters, 2/6 unknown, once.
    assert _summary(Walker(session).lot(kits, 3)) == sorted(
        [
            ("maker", "Knitters", "batch", _batch.public_id, F(2), F(0)),
            ("unknown", "unknown origin", "kit", assembly.public_id, F(1), F(0)),
        ]
    )
