"""A continuous custody chain: the first handover starts from whoever holds the goods at
dispatch, each next giver is the previous taker (or the record says why), "source" only for
an origin of the goods, times between the dispatch and now. Refused in the service, so the
form shows the message at its field and the API answers problem+json 400; the public page
flags the gaps of records that predate the rules."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordination.db import utcnow
from coordination.deliveries import handovers, services, status
from coordination.deliveries.chain import Gap, gaps
from coordination.deliveries.models import Delivery, Handover, HandoverRole
from coordination.kernel.errors import Conflict, Invalid
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.deliveries.support import World, bearer, world


def _draft(session, w: World, location=None) -> Delivery:
    return services.create_draft(
        session,
        w.coordinator,
        services.DraftInput(
            from_location_id=(location or w.hub).id, need_line_ids=[w.need.lines[0].id]
        ),
    )


def _dispatched(session, w: World, carrier=None) -> Delivery:
    d = _draft(session, w)
    if carrier is not None:
        services.update_details(
            session, w.coordinator, d, d.version, services.DetailsInput(carrier_id=carrier.id)
        )
    status.pack(session, w.coordinator, d, d.version)
    status.dispatch(session, w.coordinator, d, d.version)
    session.commit()  # refusals roll back to here
    return d


def _hand(session, w: World, d: Delivery, giver, from_role, taker, to_role, **kw) -> Handover:
    return handovers.record_handover(
        session,
        w.coordinator,
        d,
        d.version,
        handovers.HandoverInput(
            from_party_id=giver.id,
            from_role=from_role,
            to_party_id=taker.id,
            to_role=to_role,
            place="Vladimir",
            **kw,
        ),
    )


def _refused(session, w: World, d: Delivery, field: str, *args, **kw) -> Delivery:
    with pytest.raises(Invalid) as caught:
        _hand(session, w, d, *args, **kw)
    assert caught.value.field == field, caught.value.message
    session.rollback()
    return session.get(Delivery, d.id)


def test_an_unrelated_group_is_never_the_source(app, session) -> None:
    w = world(session)
    d = _dispatched(session, w)
    stranger = f.party(session, PartyKind.GROUP, region_id=w.region.id, display_name="Others")
    session.commit()
    d = _refused(session, w, d, "from_role", stranger, "source", w.courier, "carrier")
    _hand(session, w, d, w.group, "source", w.courier, "carrier")  # made the socks: may


def test_the_first_giver_held_the_goods_at_dispatch(app, session) -> None:
    w = world(session)
    d = _dispatched(session, w, carrier=w.courier)
    # The hub is kept by nobody; the carrier took the goods at dispatch.
    d = _refused(session, w, d, "from_party_id", w.official, "presenter", w.unit, "recipient")
    _hand(session, w, d, w.courier, "carrier", w.unit, "recipient")


def test_each_next_giver_is_the_previous_taker_or_a_reason_is_recorded(app, session) -> None:
    w = world(session)
    d = _dispatched(session, w)
    _hand(session, w, d, w.courier, "carrier", w.official, "presenter")
    session.commit()
    other = f.party(session, PartyKind.COURIER, region_id=w.region.id)
    session.commit()
    d = _refused(session, w, d, "from_party_id", other, "carrier", w.unit, "recipient")
    _hand(session, w, d, other, "carrier", w.unit, "recipient", note="split between two vans")
    assert [found for _h, found in gaps(session, d)] == [[], [Gap.EXPLAINED]]


def test_times_follow_the_dispatch_and_each_other_and_never_the_future(app, session) -> None:
    w = world(session)
    d = _dispatched(session, w)
    sent = d.dispatched_at
    args = (w.courier, "carrier", w.official, "presenter")
    d = _refused(session, w, d, "at", *args, at=sent - timedelta(days=3))
    d = _refused(session, w, d, "at", *args, at=utcnow() + timedelta(hours=1))
    _hand(session, w, d, *args, at=sent + timedelta(minutes=5))
    session.commit()
    later = (w.official, "presenter", w.unit, "recipient")
    d = _refused(session, w, d, "at", *later, at=sent + timedelta(minutes=1))
    _hand(session, w, d, *later, at=sent + timedelta(minutes=6))


def test_no_handover_before_dispatch(app, session) -> None:
    w = world(session)
    d = _draft(session, w)
    status.pack(session, w.coordinator, d, d.version)
    with pytest.raises(Conflict):
        _hand(session, w, d, w.courier, "carrier", w.unit, "recipient")


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return match.group(1) if match else ""


def test_the_form_shows_the_message_and_the_api_answers_problem_json(app, session, client):
    w = world(session)
    d = _dispatched(session, w)
    stranger = f.party(session, PartyKind.GROUP, region_id=w.region.id, display_name="Others")
    session.commit()
    f.login(client, w.coordinator)
    page = client.get(f"/deliveries/{d.id}/handover").get_data(as_text=True)
    when = (d.dispatched_at - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    resp = client.post(
        f"/deliveries/{d.id}/handover",
        data={
            "csrf_token": _csrf(page),
            "version": d.version,
            "from_party_id": w.courier.id,
            "from_role": "carrier",
            "to_party_id": w.unit.id,
            "to_role": "recipient",
            "place": "Belgorod",
            "at": when,
            f"qty-{d.lines[0].id}": "10",
        },
        headers={"Accept-Language": "en"},
    )
    assert resp.status_code == 400
    assert "A handover cannot be before the dispatch" in resp.get_data(as_text=True)

    resp = client.post(
        f"/api/v1/deliveries/{d.id}/handovers",
        json={
            "version": d.version,
            "from_party": stranger.public_id,
            "from_role": "source",
            "to_party": w.courier.public_id,
            "to_role": "carrier",
            "place": "Belgorod",
        },
        headers={**bearer(session, w.coordinator), "Accept-Language": "en"},
    )
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
    assert "source" in resp.get_json()["detail"]
    session.expire_all()
    assert session.scalars(select(Handover).where(Handover.delivery_id == d.id)).all() == []


def test_the_public_page_shows_the_chain_in_order_with_old_gaps_flagged(app, session, client):
    w = world(session)
    d = _dispatched(session, w)
    stranger = f.party(session, PartyKind.GROUP, region_id=w.region.id, display_name="Others")
    sent = d.dispatched_at
    # Rows as an older version wrote them, past every rule the service now enforces.
    for n, (giver, role, taker, to_role, at) in enumerate(
        [
            (stranger, HandoverRole.SOURCE, w.courier, HandoverRole.CARRIER, sent - timedelta(1)),
            (w.official, HandoverRole.PRESENTER, w.unit, HandoverRole.RECIPIENT, sent),
        ]
    ):
        session.add(
            Handover(
                delivery_id=d.id,
                from_party_id=giver.id,
                from_role=role,
                to_party_id=taker.id,
                to_role=to_role,
                place="Vladimir",
                at=at,
                entry_index=n,
            )
        )
    session.commit()
    data = client.get(f"/verify/{d.code}.json").get_json()
    steps = [(s["from"]["role"], s["to"]["role"], s["gaps"]) for s in data["custody"]]
    assert steps == [
        ("source", "carrier", ["not_origin", "before_dispatch"]),
        ("presenter", "recipient", ["break"]),
    ]
    page = client.get(f"/verify/{d.code}", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert text.count("data-gap=") == 3
    assert "gap: the giver is not who took the goods last" in text
