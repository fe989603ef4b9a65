"""/sources/<party>: a group (or donor, campaign) sees where its goods went, credited to it
whoever handed them over; by region and month only, never the recipient; 404 for others."""

from __future__ import annotations

from html import unescape

from coordination.kernel.actors import Role
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.reports.chain import receive_all
from tests.reports.test_verify import build


def _page(client, path: str) -> tuple[int, str]:
    resp = client.get(path)
    return resp.status_code, unescape(resp.get_data(as_text=True))


def test_a_group_sees_what_it_made_was_delivered_even_when_an_official_presented_it(
    client, session
) -> None:
    c, delivery = build(session)
    knitters = next(h.from_party for h in delivery.handovers if h.from_role.value == "source")
    own = f.user(session, Role.VOLUNTEER, party_id=knitters.id)
    f.login(client, own)
    home = client.get("/").get_data(as_text=True)
    assert f'href="/sources/{knitters.id}"' in home  # the volunteer's home tile
    status, page = _page(client, f"/sources/{knitters.id}")
    # On the way, not yet received: counted as such, not as delivered.
    assert 'data-on-the-way="12"' in page and "<tbody>" not in page
    receive_all(session, delivery)
    session.commit()
    status, page = _page(client, f"/sources/{knitters.id}")
    assert 'data-received="12"' in page and "data-on-the-way" not in page
    assert status == 200
    assert "Where the goods of Kostroma knitters went" in page
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert c.items[0].name("en") in row and ">12<" in row.replace(" ", "")
    assert c.dest_region.name("en") in row
    # Neither the unit, its town, the presenter, nor any personal data is on the page.
    for hidden in ("99137", "Канареечная", "Deputy governor", "Канарейкина", "Hidden Person"):
        assert hidden not in page


def test_only_its_own_group_staff_and_auditors_may_look(client, session) -> None:
    _c, delivery = build(session)
    knitters = next(h.from_party for h in delivery.handovers if h.from_role.value == "source")
    path = f"/sources/{knitters.id}"
    assert client.get(path).status_code in (302, 401)  # signed out: to the login page
    for user, expected in [
        (f.user(session, Role.VOLUNTEER), 404),  # another group's volunteer
        (f.user(session, Role.FAMILY), 403),
        (f.user(session, Role.AUDITOR), 200),
        (f.user(session, Role.COORDINATOR), 200),
    ]:
        f.login(client, user)
        assert client.get(path).status_code == expected, user.role
        client.post("/logout")
    admin = f.user(session, Role.ADMIN)
    f.login(client, admin)
    household = f.party(session, PartyKind.HOUSEHOLD)
    assert client.get(f"/sources/{household.id}").status_code == 404  # a recipient, not a source
    assert client.get("/sources/999999").status_code == 404
    assert client.get("/sources/99999999999999999999").status_code == 404  # beyond any id
    for kind in (PartyKind.COURIER, PartyKind.OFFICIAL, PartyKind.UNIT):
        other = f.party(session, kind)
        assert client.get(f"/sources/{other.id}").status_code == 404, kind  # never a source
    detail = client.get(f"/admin/parties/{knitters.id}").get_data(as_text=True)
    assert f'href="/sources/{knitters.id}"' in detail


def test_nothing_delivered_yet_says_so(client, session) -> None:
    group = f.party(session, PartyKind.GROUP, display_name="New circle")
    f.login(client, f.user(session, Role.VOLUNTEER, party_id=group.id))
    status, page = _page(client, f"/sources/{group.id}")
    assert status == 200 and "Nothing of theirs has been delivered yet." in page


def test_money_is_rounded_per_currency_on_a_source_page(session) -> None:
    from fractions import Fraction

    from coordination.attribution.followup import _went
    from coordination.attribution.services import Placement

    # 0.6 of a kopeck and 0.6 of a cent: rounded together (1.2 -> 1) one currency would
    # lose its unit to the other; rounded per currency each keeps 1.
    three = Fraction(3, 5)
    placements = [
        Placement("RU-X", "2026-11", "A", Fraction(1), three, "RUB"),
        Placement("RU-Y", "2026-11", "B", Fraction(1), three, "USD"),
        Placement("RU-Y", "2026-11", "C", Fraction(2), Fraction(0), None),
        Placement("RU-X", "2026-12", "A", Fraction(1), Fraction(200, 3), "RUB"),
        Placement("RU-X", "2026-12", "B", Fraction(1), Fraction(100, 3), "RUB"),
    ]
    rows, spent = _went(session, placements, "en")
    assert spent == {"RUB": 101, "USD": 1}
    assert [r["money_minor"] for r in rows] == [1, 1, 0, 67, 33]


def test_an_anonymous_donor_is_named_so_in_the_readers_language(client, session) -> None:
    donor = f.party(session, PartyKind.DONOR, display_name="Ivan the Secret", name_public=False)
    f.login(client, f.user(session, Role.AUDITOR))
    status, page = _page(client, f"/sources/{donor.id}")
    assert status == 200 and "Ivan the Secret" not in page
    assert "Where the goods of anonymous donor went" in page
    russian = client.get(f"/sources/{donor.id}", headers={"Accept-Language": "ru"})
    text = unescape(russian.get_data(as_text=True))
    assert '<html lang="ru">' in text and "анонимный жертвователь" in text
    assert "Ivan the Secret" not in text and "anonymous donor" not in text
