"""A volunteer moves its group's stock only between its group's own locations: never into
another group's workshop (the service refuses, the form does not offer it, the API answers
400). Staff still choose from every hub, shown by name and region."""

from __future__ import annotations

from coordination.parties.models import LocationKind
from tests import factories as f
from tests.isolation import isolated_client
from tests.region_world import region_world


def _world(session):
    w = region_world(session, "Имя", "+7 900 000-00-00", "адрес", "заметка")
    w["workshop"] = f.location(
        session, region_id=w["region"].id, party_id=w["group"].id, kind=LocationKind.WORKSHOP
    )
    session.commit()
    return w


def test_a_volunteer_cannot_move_stock_into_another_groups_workshop(app, session):
    w = _world(session)
    lot, theirs = w["lot"], w["other_hub"]
    client = isolated_client(app)
    f.login(client, w["volunteer"])
    form = client.get(f"/stock/lots/{lot.id}/transfer").get_data(as_text=True)
    assert theirs.name not in form and w["workshop"].name in form
    resp = client.post(
        f"/stock/lots/{lot.id}/transfer", data={"to_location_id": theirs.id, "quantity": 2}
    )
    assert resp.status_code == 400
    bearer = {"Authorization": f"Bearer {f.token(session, w['volunteer'])}"}
    api = isolated_client(app).post(
        f"/api/v1/stock/lots/{lot.id}/transfer",
        json={"to": theirs.public_id, "quantity": 2},
        headers=bearer,
    )
    assert api.status_code == 400
    session.expire_all()
    assert lot.quantity == 5
    # Between its own group's places the move is the volunteer's to make.
    ok = isolated_client(app).post(
        f"/api/v1/stock/lots/{lot.id}/transfer",
        json={"to": w["workshop"].public_id, "quantity": 2},
        headers=bearer,
    )
    assert ok.status_code == 201, ok.get_data(as_text=True)
    session.expire_all()
    assert lot.quantity == 3


def test_staff_choose_from_every_hub_by_name_and_region(app, session):
    w = _world(session)
    client = isolated_client(app)
    f.login(client, w["coordinator"])
    form = client.get(f"/stock/lots/{w['lot'].id}/transfer").get_data(as_text=True)
    assert f"{w['other_hub'].name} · {w['elsewhere_region'].code}" in form
