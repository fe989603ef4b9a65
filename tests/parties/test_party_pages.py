"""Party admin pages: create, edit with version check, deactivate, list, search, privacy."""

from __future__ import annotations

import re

from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.parties import services
from coordination.parties.models import Party, PartyKind
from tests import factories as f
from tests.parties.support import ledger, ledger_opened, ledger_text, raw_row, signed_in

REAL_NAME = "Кузнецова Анна Викторовна"
PHONE = "+7 912 345-67-89"
ADDRESS = "Кострома, ул. Советская, д. 1, кв. 2"


def _household_form(region_id: int, **extra: str) -> dict[str, str]:
    data = {
        "kind": "household",
        "display_name": "",
        "region_id": str(region_id),
        "private_name": REAL_NAME,
        "phone": PHONE,
        "address": ADDRESS,
        "note": "сын в госпитале",
    }
    data.update(extra)
    return data


def test_admin_registers_a_household_whose_personal_fields_are_ciphertext(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    region = f.region(session, "RU-KOS")
    resp = client.post("/admin/parties/new", data=_household_form(region.id))
    assert resp.status_code == 302
    party = session.scalars(select(Party).where(Party.kind == PartyKind.HOUSEHOLD)).one()
    assert re.fullmatch(r"Household [0-9A-Z]{6}", party.display_name)
    assert party.private_name == REAL_NAME and party.phone == PHONE
    stored = raw_row(
        session, "party", party.id, "private_name", "phone", "address", "note", "display_name"
    )
    for value in stored:
        assert "Кузнецова" not in value and "912" not in value and "Советская" not in value
    data = ledger_opened(session, "party.registered")
    assert data == {"party": f"party:{party.public_id}", "kind": "household", "region": "RU-KOS"}
    assert party.public_id not in ledger_text(session)  # a commitment, fresh in every entry
    text = ledger_text(session)
    assert "Кузнецова" not in text and "345-67" not in text and "Советская" not in text
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert REAL_NAME in page and PHONE in page  # staff may see it on the detail page


def test_household_without_a_real_name_is_refused_inline(app, session):
    region = f.region(session)
    client, _admin = signed_in(app, session, Role.COORDINATOR, region_id=region.id)
    resp = client.post("/admin/parties/new", data=_household_form(region.id, private_name=""))
    assert resp.status_code == 400
    assert 'id="private_name-err"' in resp.get_data(as_text=True)  # the error sits at its field
    assert session.scalar(select(Party.id)) is None


def test_group_name_goes_to_the_ledger_and_list_search_finds_it(app, session):
    region = f.region(session, "RU-CE")
    client, _coord = signed_in(app, session, Role.COORDINATOR, region_id=region.id)
    data = {
        "kind": "group",
        "display_name": "Швейная мастерская колледжа",
        "region_id": str(region.id),
    }
    assert client.post("/admin/parties/new", data=data).status_code == 302
    party = session.scalars(select(Party)).one()
    assert ledger(session, "party.registered")[-1]["data"]["name"] == "Швейная мастерская колледжа"
    page = client.get("/admin/parties?q=швейная").get_data(as_text=True)
    assert "Швейная мастерская колледжа" in page
    assert "Швейная" in client.get(f"/admin/parties?q={party.public_id[:8]}").get_data(as_text=True)
    assert "Швейная" not in client.get("/admin/parties?q=nothing-like-it").get_data(as_text=True)
    assert "Швейная" in client.get("/admin/parties?region=RU-CE&kind=group").get_data(as_text=True)
    assert "Швейная" not in client.get("/admin/parties?kind=campaign").get_data(as_text=True)


def test_anonymous_donor_keeps_the_name_encrypted_and_out_of_the_ledger(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    data = {
        "kind": "donor",
        "display_name": "Смирнов Олег",
        "region_id": "0",
    }  # name_public unticked
    assert client.post("/admin/parties/new", data=data).status_code == 302
    donor = session.scalars(select(Party)).one()
    assert donor.display_name.startswith("Donor ") and donor.private_name == "Смирнов Олег"
    assert not donor.name_public
    assert "Смирнов" not in ledger_text(session)
    assert "Смирнов" not in raw_row(session, "party", donor.id, "private_name")[0]


def test_named_donor_is_named_in_the_ledger(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    data = {"kind": "donor", "display_name": "Магазин пряжи «Клубок»", "name_public": "y"}
    assert client.post("/admin/parties/new", data=data).status_code == 302
    assert ledger(session, "party.registered")[-1]["data"]["name"] == "Магазин пряжи «Клубок»"


def test_edit_saves_and_records_only_the_public_view(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    party = f.party(session, PartyKind.HOUSEHOLD, private_name="Old Name")
    session.commit()
    form = client.get(f"/admin/parties/{party.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', form) or re.search(
        r'value="(\d+)"[^>]*name="version"', form
    )
    assert version is not None
    resp = client.post(
        f"/admin/parties/{party.id}/edit",
        data={
            "version": version.group(1),
            "private_name": "Новое Имя",
            "phone": PHONE,
            "region_id": "0",
        },
    )
    assert resp.status_code == 302
    session.expire_all()
    assert party.private_name == "Новое Имя" and party.phone == PHONE and party.version == 2
    data = ledger_opened(session, "party.updated")
    assert data == {"party": f"party:{party.public_id}", "kind": "household"}
    assert "Новое" not in ledger_text(session)


def test_stale_edit_is_refused_with_a_conflict_and_overwrites_nothing(app, session):
    client, admin = signed_in(app, session, Role.ADMIN)
    party = f.party(session, PartyKind.GROUP, display_name="Вязальный кружок")
    session.commit()
    # Someone else saves first: version 1 -> 2.
    services.update_party(
        session, admin, party, 1, services.PartyFields(display_name="Кружок «Тёплые руки»")
    )
    session.commit()
    resp = client.post(
        f"/admin/parties/{party.id}/edit",
        data={"version": "1", "display_name": "Мой вариант", "region_id": "0"},
    )
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert "flash-error" in page  # the conflict is said at the top of the form
    assert "Кружок «Тёплые руки»" in page  # the form now shows what is saved
    session.expire_all()
    assert party.display_name == "Кружок «Тёплые руки»" and party.version == 2
    # A form with no version at all is stale too, never a crash.
    resp = client.post(
        f"/admin/parties/{party.id}/edit", data={"display_name": "X", "region_id": "0"}
    )
    assert resp.status_code == 409


def test_deactivate_and_reactivate_are_posts_recorded_in_the_ledger(app, session):
    client, coord = signed_in(app, session, Role.COORDINATOR)
    party = f.party(session, PartyKind.COURIER, region_id=coord.region_id)
    session.commit()
    page = client.get(f"/admin/parties/{party.id}").get_data(as_text=True)
    assert "data-confirm" in page  # asks first
    assert client.get(f"/admin/parties/{party.id}/deactivate").status_code == 405
    assert client.post(f"/admin/parties/{party.id}/deactivate").status_code == 302
    session.expire_all()
    assert party.active is False
    # A courier is named by its public id (it carries; a household would be a commitment).
    assert ledger(session, "party.deactivated")[-1]["data"] == {"party": party.public_id}
    assert party.display_name not in client.get("/admin/parties").get_data(as_text=True)
    assert party.display_name in client.get("/admin/parties?show=inactive").get_data(as_text=True)
    client.post(f"/admin/parties/{party.id}/reactivate")
    session.expire_all()
    assert party.active is True


def test_list_pages_through_results(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    region = f.region(session)
    for n in range(30):
        f.party(session, PartyKind.GROUP, display_name=f"Group {n:02d}", region_id=region.id)
    session.commit()
    first = client.get("/admin/parties").get_data(as_text=True)
    second = client.get("/admin/parties?page=2").get_data(as_text=True)
    assert "Group 00" in first and "Group 24" in first and "Group 25" not in first
    assert "Group 25" in second and "Group 00" not in second
    assert "30" in first
    for junk in ("0", "-1", "abc", "99999999999999999999", "%00"):
        assert client.get(f"/admin/parties?page={junk}").status_code == 200


def test_auditor_sees_public_parties_only_and_never_personal_fields(app, session):
    client, _auditor = signed_in(app, session, Role.AUDITOR)
    household = f.party(session, PartyKind.HOUSEHOLD, private_name=REAL_NAME, phone=PHONE)
    group = f.party(
        session, PartyKind.GROUP, display_name="Кружок", phone="+7 999 000-11-22", note="секрет"
    )
    session.commit()
    page = client.get("/admin/parties").get_data(as_text=True)
    assert "Кружок" in page and household.display_name not in page
    assert REAL_NAME not in page and PHONE not in page
    found = client.get(f"/admin/parties?q={household.public_id}").get_data(as_text=True)
    assert household.display_name not in found and 'class="empty"' in found
    assert client.get(f"/admin/parties/{household.id}").status_code == 404
    detail = client.get(f"/admin/parties/{group.id}").get_data(as_text=True)
    assert "Кружок" in detail and "000-11-22" not in detail and "секрет" not in detail
    assert client.get(f"/admin/parties/{group.id}/edit").status_code == 403
    assert client.post(f"/admin/parties/{group.id}/deactivate").status_code == 403


def test_nul_bytes_and_overlong_input_get_a_form_error_not_a_crash(app, session):
    client, _admin = signed_in(app, session, Role.ADMIN)
    resp = client.post("/admin/parties/new", data={"kind": "group", "display_name": "bad\x00name"})
    assert resp.status_code == 400
    resp = client.post("/admin/parties/new", data={"kind": "group", "display_name": "x" * 500})
    assert resp.status_code == 400
    resp = client.post("/admin/parties/new", data={"kind": "no-such-kind", "display_name": "x"})
    assert resp.status_code == 400
    resp = client.post(
        "/admin/parties/new", data={"kind": "group", "display_name": "x", "region_id": "999999"}
    )
    assert resp.status_code == 400
    assert session.scalar(select(Party.id)) is None
