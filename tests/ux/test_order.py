"""Most urgent first: open demand and the triage queue rank priority by meaning, not by
its stored text (which would put "urgent" last), and the queue shows priority and age."""

from __future__ import annotations

from coordination.needs import services
from coordination.needs.checks import LineInput, NeedInput
from coordination.needs.models import Priority
from coordination.needs.queries import TriageFilter, demand_lines, triage_queue
from tests import factories as f
from tests.needs.support import token, world

# Submitted in this order, so "oldest first" alone would keep it.
SUBMITTED = [Priority.LOW, Priority.HIGH, Priority.NORMAL, Priority.URGENT]
MEANING = [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]


def _needs(session, w):
    out = []
    for priority in SUBMITTED:
        data = NeedInput(
            region_id=w.region.id,
            lines=[LineInput(item_id=w.socks.id, quantity=2, size="42-44", priority=priority)],
        )
        need, _created = services.submit_need(session, w.family, data, token())
        out.append(need)
    session.commit()
    return out


def test_triage_queue_puts_urgent_first_and_shows_priority_and_age(app, session, client):
    w = world(session)
    needs = _needs(session, w)
    ranked = [n.lines[0].priority for n in session.scalars(triage_queue(TriageFilter()))]
    assert ranked == MEANING
    f.login(client, w.coordinator)
    html = client.get("/needs/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    positions = [html.index(n.public_id) for n in needs]
    assert positions[3] < positions[1] < positions[2] < positions[0]  # urgent, high, normal, low
    assert "<th>Priority</th>" in html and "<th>Waiting</th>" in html and "0 d." in html


def test_open_demand_puts_urgent_first(app, session):
    w = world(session)
    for need in _needs(session, w):
        services.approve_need(session, w.coordinator, need, need.version)
    session.commit()
    assert [ln.priority for ln in session.scalars(demand_lines())] == MEANING
