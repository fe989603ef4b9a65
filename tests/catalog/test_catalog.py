"""Catalog: browsing for everyone, admin editing, sizes, kits and their cycles, the seed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from coordination.catalog import services
from coordination.catalog.models import Category, Item, UnitOfMeasure
from coordination.catalog.seed import seed_catalog
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from coordination.ledger.models import LedgerEntry
from tests import factories as f
from tests.parties.support import ledger, signed_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("39-41, 42-44 ,45-47", ["39-41", "42-44", "45-47"]),
        (" M ,, L, m, XL, L ", ["M", "L", "XL"]),
        ("", []),
        (None, []),
        (" , ,", []),
        (["S", " S", "XL"], ["S", "XL"]),
    ],
)
def test_sizes_are_trimmed_and_deduplicated(text, expected):
    assert services.parse_sizes(text) == expected


@pytest.mark.parametrize("text", ["x" * 17, ",".join(str(n) for n in range(31)), "M,\x00L"])
def test_sizes_are_bounded(text):
    with pytest.raises(DomainError):
        services.parse_sizes(text)


def test_components_parse_from_lines():
    text = "tourniquet 1\nCHEST-SEAL x 2\n\n  NITRILE-GLOVES: 3 \nRESCUE-BLANKET"
    assert services.parse_components(text) == [
        ("TOURNIQUET", 1),
        ("CHEST-SEAL", 2),
        ("NITRILE-GLOVES", 3),
        ("RESCUE-BLANKET", 1),
    ]
    with pytest.raises(DomainError):
        services.parse_components("two tourniquets please")


def test_everyone_signed_in_browses_searches_and_filters(app, session):
    client, _family = signed_in(app, session, Role.FAMILY)
    seed_catalog(session)
    session.commit()
    page = client.get("/catalog/").get_data(as_text=True)
    assert "Шерстяные носки" in page or "Wool socks" in page
    found = client.get("/catalog/?q=носки").get_data(as_text=True)
    assert "WOOL-SOCKS" in found and "BALACLAVA" not in found
    assert "WOOL-SOCKS" in client.get("/catalog/?q=Wool").get_data(as_text=True)
    medical = client.get("/catalog/?category=MEDICAL").get_data(as_text=True)
    assert "MED-KIT" in medical and "WOOL-SOCKS" not in medical
    kit = session.scalars(select(Item).where(Item.code == "MED-KIT")).one()
    detail = client.get(f"/catalog/items/{kit.id}").get_data(as_text=True)
    assert "TOURNIQUET" in detail and "CHEST-SEAL" in detail
    for path in ("/catalog/items/new", f"/catalog/items/{kit.id}/edit", "/catalog/categories"):
        assert client.get(path).status_code == 403
    assert client.post(f"/catalog/items/{kit.id}/deactivate").status_code == 403
    assert client.get("/catalog/items/99999999999").status_code == 404


def test_catalog_pages_through_results(app, session):
    client, _vol = signed_in(app, session, Role.VOLUNTEER)
    for n in range(30):
        f.item(session, code=f"X-{n:02d}")
    session.commit()
    first = client.get("/catalog/").get_data(as_text=True)
    second = client.get("/catalog/?page=2").get_data(as_text=True)
    assert "X-00" in first and "X-25" not in first and "X-25" in second


def test_admin_creates_an_item_with_sizes_and_the_ledger_records_it(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    cat = services.create_category(session, None, "CLOTHING", "Одежда", "Clothing")
    session.commit()
    data = {
        "code": "wool-socks",
        "name_ru": "Шерстяные носки",
        "name_en": "Wool socks",
        "unit": "pair",
        "category_id": str(cat.id),
        "sizes": "39-41, 42-44, 39-41, 45-47",
    }
    resp = client.post("/catalog/items/new", data=data)
    assert resp.status_code == 302
    item = session.scalars(select(Item).where(Item.code == "WOOL-SOCKS")).one()
    assert item.sizes == ["39-41", "42-44", "45-47"] and item.unit == UnitOfMeasure.PAIR
    entry = ledger(session, "item.created")[-1]["data"]
    assert entry == {
        "code": "WOOL-SOCKS",
        "names": {"ru": "Шерстяные носки", "en": "Wool socks"},
        "unit": "pair",
        "sizes": ["39-41", "42-44", "45-47"],
        "active": True,
        "category": "CLOTHING",
    }
    assert client.post("/catalog/items/new", data=data).status_code == 400  # code taken
    bad = {**data, "code": "ANOTHER", "sizes": "x" * 40}
    assert client.post("/catalog/items/new", data=bad).status_code == 400
    assert client.post("/catalog/items/new", data={**data, "code": "NUL\x00"}).status_code == 400


def test_admin_builds_a_kit_edits_it_and_deactivates_an_item(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    t = f.item(session, code="TOURNIQUET")
    f.item(session, code="CHEST-SEAL")
    session.commit()
    data = {
        "code": "MED-KIT",
        "name_ru": "Аптечка",
        "name_en": "Medical kit",
        "unit": "kit",
        "category_id": "0",
        "is_kit": "y",
        "components": "TOURNIQUET 1\nCHEST-SEAL x 2",
    }
    assert client.post("/catalog/items/new", data=data).status_code == 302
    kit = session.scalars(select(Item).where(Item.code == "MED-KIT")).one()
    assert sorted((c.component.code, c.quantity) for c in kit.components) == [
        ("CHEST-SEAL", 2),
        ("TOURNIQUET", 1),
    ]
    assert ledger(session, "item.created")[-1]["data"]["components"] == [
        {"code": "TOURNIQUET", "quantity": 1},
        {"code": "CHEST-SEAL", "quantity": 2},
    ]
    form = client.get(f"/catalog/items/{kit.id}/edit").get_data(as_text=True)
    stamp = re.search(r'name="stamp" type="hidden" value="([0-9a-f]+)"', form).group(1)
    edit = {**data, "stamp": stamp, "components": "TOURNIQUET 3"}
    assert client.post(f"/catalog/items/{kit.id}/edit", data=edit).status_code == 302
    session.expire_all()
    assert [(c.component.code, c.quantity) for c in kit.components] == [("TOURNIQUET", 3)]
    assert ledger(session, "item.updated")[-1]["data"]["components"] == [
        {"code": "TOURNIQUET", "quantity": 3}
    ]
    # The stamp is stale now: refused, nothing overwritten.
    assert (
        client.post(
            f"/catalog/items/{kit.id}/edit", data={**edit, "components": "CHEST-SEAL 1"}
        ).status_code
        == 409
    )
    session.expire_all()
    assert [(c.component.code, c.quantity) for c in kit.components] == [("TOURNIQUET", 3)]
    # An unknown component and components on a non-kit are refused.
    assert (
        client.post(
            "/catalog/items/new", data={**data, "code": "KIT2", "components": "NOPE 1"}
        ).status_code
        == 400
    )
    assert (
        client.post("/catalog/items/new", data={**data, "code": "KIT3", "is_kit": ""}).status_code
        == 400
    )
    assert client.post(f"/catalog/items/{t.id}/deactivate").status_code == 302
    session.expire_all()
    assert t.active is False
    family_client, _family = signed_in(app, session, Role.FAMILY)
    assert family_client.get(f"/catalog/items/{t.id}").status_code == 404
    assert "TOURNIQUET" not in family_client.get("/catalog/?q=tourn").get_data(as_text=True)


def test_a_kit_cannot_contain_itself_directly_or_through_another_kit(app, session):
    a = f.item(session, code="KIT-A", is_kit=True)
    f.item(session, code="PART")
    session.commit()

    def fields(*components: tuple[str, int]) -> services.ItemFields:
        return services.ItemFields(
            name_ru="к",
            name_en="k",
            unit=UnitOfMeasure.KIT,
            is_kit=True,
            components=list(components),
        )

    with pytest.raises(DomainError, match="itself"):
        services.update_item(session, None, a, None, fields(("KIT-A", 1)))
    session.rollback()
    b = services.create_item(session, None, "KIT-B", fields(("KIT-A", 1)))
    c = services.create_item(session, None, "KIT-C", fields(("KIT-B", 2), ("PART", 1)))
    session.commit()
    with pytest.raises(DomainError, match="itself"):
        services.update_item(session, None, a, None, fields(("KIT-C", 1)))
    session.rollback()
    session.expire_all()
    assert a.components == [] and [x.component.code for x in c.components] == ["KIT-B", "PART"]
    assert b.components[0].component.code == "KIT-A"


def test_kit_cycle_is_refused_through_the_form(app, session):
    client, admin = signed_in(app, session, Role.ADMIN)
    a = services.create_item(
        session, admin, "KIT-A", services.ItemFields("а", "a", UnitOfMeasure.KIT, is_kit=True)
    )
    f.item(session, code="PART")
    session.flush()
    services.create_item(
        session,
        admin,
        "KIT-B",
        services.ItemFields("б", "b", UnitOfMeasure.KIT, is_kit=True, components=[("KIT-A", 1)]),
    )
    session.commit()
    stamp = services.item_stamp(a)
    data = {
        "stamp": stamp,
        "name_ru": "а",
        "name_en": "a",
        "unit": "kit",
        "category_id": "0",
        "is_kit": "y",
        "components": "KIT-B 1",
    }
    resp = client.post(f"/catalog/items/{a.id}/edit", data=data)
    assert resp.status_code == 400 and 'id="components-err"' in resp.get_data(as_text=True)
    session.expire_all()
    assert a.components == []


def test_categories_admin(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    assert (
        client.post(
            "/catalog/categories/new",
            data={"code": "heat", "name_ru": "Обогрев", "name_en": "Heat"},
        ).status_code
        == 302
    )
    cat = session.scalars(select(Category)).one()
    assert cat.code == "HEAT" and ledger(session, "category.created")
    assert "HEAT" in client.get("/catalog/categories").get_data(as_text=True)
    stamp = services.category_stamp(cat)
    data = {"stamp": stamp, "name_ru": "Обогрев и свет", "name_en": "Heat and light"}
    assert client.post(f"/catalog/categories/{cat.id}/edit", data=data).status_code == 302
    session.expire_all()
    assert cat.name_en == "Heat and light"
    # The same stamp is stale now.
    assert (
        client.post(f"/catalog/categories/{cat.id}/edit", data={**data, "name_en": "x"}).status_code
        == 409
    )
    session.expire_all()
    assert cat.name_en == "Heat and light"


def test_seed_is_idempotent_and_recorded(app, session):
    first = seed_catalog(session)
    session.commit()
    entries = session.scalar(select(func.count()).select_from(LedgerEntry))
    second = seed_catalog(session)
    session.commit()
    assert first.items >= 15 and first.categories == 4
    assert second.items == 0 and second.categories == 0
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    socks = session.scalars(select(Item).where(Item.code == "WOOL-SOCKS")).one()
    gloves = session.scalars(select(Item).where(Item.code == "INSUL-GLOVES")).one()
    thermal = session.scalars(select(Item).where(Item.code == "THERMAL-UW")).one()
    assert socks.sizes == ["39-41", "42-44", "45-47"] and gloves.sizes == ["M", "L", "XL"]
    assert thermal.sizes == ["S", "M", "L", "XL", "XXL"]
    kit = session.scalars(select(Item).where(Item.code == "MED-KIT")).one()
    assert kit.is_kit and {c.component.code for c in kit.components} >= {
        "TOURNIQUET",
        "HEMO-BANDAGE",
        "CHEST-SEAL",
        "NITRILE-GLOVES",
    }


def test_catalog_seed_command(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["catalog", "seed"])
    assert first.exit_code == 0 and "15 items added" in first.output, first.output
    second = runner.invoke(args=["catalog", "seed"])
    assert second.exit_code == 0 and "0 items added" in second.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Item)) == 15
