"""Canary test: personal data planted everywhere must surface in no ledger entry, no public
answer, no export and no log line.

Every writing service is exercised with canary names, phones and addresses; a meta-test
below fails when a new service function appears without being classified here, so the
canary keeps covering every writer as AidTrail grows.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from coordination.accounts import management as accounts_admin
from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.catalog import services as catalog
from coordination.catalog.models import UnitOfMeasure
from coordination.demo import build_demo
from coordination.donations import services as donations
from coordination.kernel.actors import Role
from coordination.ledger import services as ledger
from coordination.ledger.export_format import LEAVES_FILE
from coordination.ledger.models import LedgerEntry
from coordination.money import services as money
from coordination.needs import services as needs
from coordination.needs.checks import LineInput, NeedInput
from coordination.parties import places
from coordination.parties import services as parties
from coordination.parties.models import LocationKind, PartyKind
from coordination.production import services as production
from coordination.stock import services as stock
from tests import factories as f
from tests.privacy.parts import canary_parts

CANARIES = [
    "Канарейкина",
    "Аглая Петровна",
    "Kanareikina",
    "+7 901 555-73-19",
    "9015557319",
    "Канареечная",
    "в/ч 99137",
    "99137",
    "canary-volunteer-Zhukova",
    "+7 902 444-18-66",
    "9024441866",
    "К 137 АА",  # the vehicle's plate (tests/privacy/parts/deliveries.py)
]

# Every function in the writing modules, by what it does. A new function must be added to
# one of these sets, so that the canary test is extended whenever a new writer appears.
WRITERS = {
    accounts: {
        "authenticate",
        "create_user",
        "change_password",
        "rotate_session",
        "start_session",
        "end_session",
        "end_sessions",
        "set_password",
        "revoke_all_tokens",
        "set_active",
        "create_token",
        "revoke_token",
    },
    accounts_admin: {"update_account"},
    parties: {"register_party", "update_party", "set_party_active"},
    places: {
        "register_location",
        "update_location",
        "set_location_active",
        "create_region",
        "update_region",
    },
    catalog: {
        "create_item",
        "update_item",
        "set_item_active",
        "create_category",
        "update_category",
    },
    ledger: {"append", "append_correction"},
    needs: {
        "submit_need",
        "update_need",
        "cancel_need",
        "approve_need",
        "reject_need",
        "mark_line_unavailable",
        "merge_need",
        "comment_need",
        "record_progress",
    },
    production: {"log_production_batch"},
    donations: {"record_in_kind_donation"},
    money: {"record_money_donation", "receive_money_donation"},
    stock: {"open_lot", "transfer_lot", "take_from_lot"},
}
NOT_WRITERS = {
    accounts: {
        "normalise_username",
        "username_error",
        "require_admin",
        "check_assignment",
        "check_personal",
    },
    accounts_admin: {"user_stamp", "search_users"},
    parties: {
        "hides_name",
        "neutral_label",
        "is_named_publicly",
        "ledger_view",
        "ledger_ref",
        "search_parties",
    },
    places: {
        "location_stamp",
        "region_stamp",
        "location_view",
        "search_locations",
        "search_regions",
    },
    catalog: {
        "parse_sizes",
        "parse_components",
        "format_components",
        "item_stamp",
        "category_stamp",
        "item_view",
        "search_items",
    },
    ledger: {"completed_nodes"},
    needs: {"ledger_view"},
    production: {"group_location", "check_item", "check_date"},
    donations: set(),
    money: {"totals_by_currency"},
    stock: {"require_stock_user", "check_quantity", "lot_view"},
}


for _part in canary_parts():
    for _module, (_writers, _readers) in _part.CLASSIFIED.items():
        WRITERS[_module] = WRITERS.get(_module, set()) | _writers
        NOT_WRITERS[_module] = NOT_WRITERS.get(_module, set()) | _readers


def _public_functions(module: ModuleType) -> set[str]:
    return {
        name
        for name, obj in inspect.getmembers(module, inspect.isfunction)
        if obj.__module__ == module.__name__ and not name.startswith("_")
    }


@pytest.mark.parametrize("module", list(WRITERS), ids=lambda m: m.__name__)
def test_every_service_function_is_classified(module: ModuleType) -> None:
    unclassified = _public_functions(module) - WRITERS[module] - NOT_WRITERS[module]
    assert not unclassified, f"classify {sorted(unclassified)} in tests/privacy/test_canary.py"


def _exercise_every_writer(session, admin: User) -> dict[str, object]:
    region = session.scalars(select(f.Region)).first()
    household = parties.register_party(
        session,
        admin,
        PartyKind.HOUSEHOLD,
        parties.PartyFields(
            region_id=region.id,
            private_name="Канарейкина Аглая Петровна",
            phone="+7 901 555-73-19",
            address="ул. Канареечная, д. 17, кв. 4",
            note="Kanareikina, son in в/ч 99137",
        ),
    )
    unit = parties.register_party(
        session,
        admin,
        PartyKind.UNIT,
        parties.PartyFields(region_id=region.id, private_name="в/ч 99137", phone="9015557319"),
    )
    donor = parties.register_party(
        session,
        admin,
        PartyKind.DONOR,
        parties.PartyFields(
            display_name="Kanareikina",
            name_public=False,
            region_id=region.id,
            private_name="Канарейкина",
            phone="+7 901 555-73-19",
        ),
    )
    group = parties.register_party(
        session,
        admin,
        PartyKind.GROUP,
        parties.PartyFields(
            display_name="Canary test circle",
            region_id=region.id,
            note="contact Канарейкина +7 901 555-73-19",
        ),
    )
    for party in (household, unit, donor, group):
        fields = parties.PartyFields.of(party)
        fields.phone = "+7 902 444-18-66"
        parties.update_party(session, admin, party, party.version, fields)
        parties.set_party_active(session, admin, party, False)
        parties.set_party_active(session, admin, party, True)

    volunteer = accounts.create_user(
        session,
        admin,
        username="canary-vol",
        password=f.PASSWORD,
        role=Role.VOLUNTEER,
        party_id=group.id,
        full_name="canary-volunteer-Zhukova",
        phone="+7 902 444-18-66",
    )
    family = accounts.create_user(
        session,
        admin,
        username="canary-family",
        password=f.PASSWORD,
        role=Role.FAMILY,
        party_id=household.id,
        full_name="Канарейкина Аглая Петровна",
        phone="+7 901 555-73-19",
    )
    accounts_admin.update_account(
        session,
        admin,
        volunteer,
        None,
        role=Role.VOLUNTEER,
        party_id=group.id,
        region_id=region.id,
        full_name="canary-volunteer-Zhukova",
        phone="9024441866",
    )
    accounts.set_active(session, admin, family, False)
    accounts.set_active(session, admin, family, True)
    accounts.change_password(session, family, f.PASSWORD, "a new canary pass phrase")
    accounts.authenticate(session, "canary-family", "a new canary pass phrase")
    row, _plain = accounts.create_token(session, family, family, "Kanareikina phone")
    accounts.revoke_token(session, family, row.id)
    accounts.rotate_session(session, family)
    accounts.start_session(session, family)
    accounts.end_session(session, family)
    accounts.set_password(session, family, "another canary pass phrase", keep_tokens=True)
    accounts.revoke_all_tokens(session, family)
    accounts.end_sessions(session, family)

    loc = places.register_location(
        session,
        admin,
        places.LocationFields(
            name="Canary hub",
            kind=LocationKind.HUB,
            region_id=region.id,
            town="Vladimir",
            party_id=group.id,
        ),
    )
    places.update_location(session, admin, loc, None, places.LocationFields.of(loc))
    places.set_location_active(session, admin, loc, False)
    new_region = places.create_region(session, admin, "RU-TUL", "Тульская область", "Tula Oblast")
    places.update_region(session, admin, new_region, None, "Тульская обл.", "Tula Oblast")

    cat = catalog.create_category(session, admin, "CANARY", "Проверка", "Check")
    catalog.update_category(session, admin, cat, None, "Проверка 2", "Check 2")
    item = catalog.create_item(
        session,
        admin,
        "CANARY-SOCKS",
        catalog.ItemFields(
            name_ru="Носки",
            name_en="Socks",
            unit=UnitOfMeasure.PAIR,
            category_id=cat.id,
            sizes=["42-44"],
        ),
    )
    catalog.update_item(session, admin, item, None, catalog.ItemFields.of(item))
    catalog.set_item_active(session, admin, item, False)

    _exercise_needs(session, admin, family, region.id)
    _exercise_origins(session, admin)
    made = {
        "family": family,
        "household": household,
        "unit": unit,
        "donor": donor,
        "group": group,
        "volunteer": volunteer,
        "region": region,
    }
    for part in canary_parts():
        part.exercise(session, admin, made)

    entry = ledger.append(session, admin, "test.note", {"party": household.public_id})
    ledger.append_correction(session, admin, entry.index, "test.note", {"party": unit.public_id})
    session.commit()
    return made


def _exercise_needs(session, admin: User, family: User, region_id: int) -> None:
    from coordination.catalog.models import Item

    socks = session.scalar(select(Item).where(Item.code == "WOOL-SOCKS"))

    def data(kind: str = "private_address") -> NeedInput:
        return NeedInput(
            region_id=region_id,
            delivery_kind=kind,
            town="Канареечная слобода",
            address="ул. Канареечная, д. 17, кв. 4",
            serviceman_name="Канарейкин Аглай",
            serviceman_unit="в/ч 99137",
            lines=[
                LineInput(
                    item_id=socks.id, quantity=3, size="42-44", note="для Канарейкина, в/ч 99137"
                )
            ],
        )

    first, _ = needs.submit_need(session, family, data(), "canary-token-000000001")
    needs.update_need(session, family, first, first.version, data("town"))
    second, _ = needs.submit_need(session, family, data(), "canary-token-000000002")
    third, _ = needs.submit_need(session, family, data(), "canary-token-000000003")
    fourth, _ = needs.submit_need(session, family, data(), "canary-token-000000004")
    needs.approve_need(session, admin, first, first.version)
    needs.mark_line_unavailable(
        session, admin, first, first.version, first.lines[0].id, "Канарейкина просила позже"
    )
    needs.comment_need(session, admin, first, "звонила Канарейкина, +7 901 555-73-19")
    needs.reject_need(session, admin, second, second.version, "Kanareikina: в/ч 99137 снабжена")
    fifth, _ = needs.submit_need(session, family, data(), "canary-token-000000005")
    needs.approve_need(session, admin, fifth, fifth.version)
    needs.record_progress(
        session, admin, fifth, fifth.lines[0].id, allocated=3, dispatched=2, received=1
    )
    needs.merge_need(session, admin, third, third.version, first)
    needs.cancel_need(session, family, fourth, fourth.version)


def _exercise_origins(session, admin: User) -> None:
    from datetime import date

    from coordination.catalog.models import Item
    from coordination.donations.services import InKindInput, InKindLineInput
    from coordination.production.services import BatchInput
    from coordination.stock.models import Lot

    socks = session.scalar(select(Item).where(Item.code == "WOOL-SOCKS"))
    group = f.party(session, PartyKind.GROUP)
    f.location(session, party_id=group.id, region_id=group.region_id)
    hub = f.location(session, region_id=group.region_id)
    donor = f.party(
        session,
        PartyKind.DONOR,
        name_public=False,
        region_id=group.region_id,
        private_name="Канарейкина Аглая Петровна",
        phone="+7 901 555-73-19",
    )
    batch = production.log_production_batch(
        session,
        admin,
        BatchInput(
            group_id=group.id,
            item_id=socks.id,
            quantity=10,
            made_on=date(2026, 11, 1),
            members="canary-volunteer-Zhukova, +7 902 444-18-66",
            members_public=True,
        ),
    )
    donations.record_in_kind_donation(
        session,
        admin,
        InKindInput(
            location_id=hub.id,
            received_on=date(2026, 11, 2),
            donor_id=donor.id,
            lines=[InKindLineInput(item_id=socks.id, quantity=5)],
        ),
    )
    lot = session.scalar(select(Lot).where(Lot.origin_id == batch.id))
    stock.transfer_lot(session, admin, lot, hub.id, 3)
    stock.take_from_lot(session, admin, lot, 1)
    pledge = money.record_money_donation(
        session,
        admin,
        money.MoneyInput(
            amount_minor=500_00,
            received_on=date(2026, 11, 3),
            donor_id=donor.id,
            channel="card of Канарейкина +7 901 555-73-19",
            earmark="medical kits for Канарейкина",
        ),
    )
    money.receive_money_donation(session, admin, pledge)


def _assert_clean(text: str, where: str) -> None:
    lowered = text.lower()
    for canary in CANARIES:
        assert canary.lower() not in lowered, f"{canary!r} leaked into {where}"


def test_canaries_never_reach_ledger_public_answers_exports_or_logs(
    app, session, caplog, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    build_demo(session, None)
    session.commit()
    admin = session.scalar(select(User).where(User.username == "demo-admin"))
    made = _exercise_every_writer(session, admin)

    # The planted values really are in the database (so their absence below means something).
    family = made["family"]
    session.expire_all()
    assert family.party.private_name == "Канарейкина Аглая Петровна"

    # A signed-in family and the admin browse their pages: their own data may show there,
    # but nothing of it may be logged.
    staff = app.test_client()
    f.login(staff, admin, "aidtrail-demo")
    for path in ("/admin/parties", f"/admin/parties/{family.party_id}", "/admin/users", "/account"):
        assert staff.get(path).status_code == 200, path

    bodies = session.scalars(select(LedgerEntry.body).order_by(LedgerEntry.index)).all()
    assert len(bodies) > 50
    for i, body in enumerate(bodies):
        _assert_clean(body, f"ledger entry {i}")

    public = app.test_client()
    size = len(bodies)
    answers = {
        "/ledger/checkpoint": public.get("/ledger/checkpoint"),
        "/ledger/key": public.get("/ledger/key"),
        "/": public.get("/"),
        "/needs/board": public.get("/needs/board"),
        "/api/v1/needs/board": public.get("/api/v1/needs/board"),
    }
    for start in range(0, size, 100):
        path = f"/ledger/entries?start={start}&end={min(size, start + 100)}"
        answers[path] = public.get(path)
    for page in range(1, 2 + size // 25):
        answers[f"/ledger?page={page}"] = public.get(f"/ledger?page={page}")
    for index in range(0, size, 7):
        path = f"/ledger/proof/inclusion?index={index}&size={size}"
        answers[path] = public.get(path)
    for part in canary_parts():
        for path in getattr(part, "public_paths", lambda session, made: [])(session, made):
            answers[path] = public.get(path)
    for path, resp in answers.items():
        assert resp.status_code == 200, path
        _assert_clean(resp.get_data(as_text=True), path)

    out = tmp_path / "export"
    result = app.test_cli_runner().invoke(args=["ledger", "export", str(out)])
    assert result.exit_code == 0, result.output
    exported = list(out.iterdir())
    assert exported
    for path in exported:
        if path.name == LEAVES_FILE:  # 32-byte hashes and nothing else: nothing to read
            assert path.stat().st_size % 32 == 0
            continue
        _assert_clean(path.read_text(encoding="utf-8"), f"export {path.name}")

    _assert_clean(caplog.text, "the log")
