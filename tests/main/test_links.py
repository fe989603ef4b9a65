"""Every home tile and menu link names a page that exists, for every role.

The home page and the menu skip an endpoint that does not build (a page not written yet), so
a misspelt or removed endpoint would silently hide a tile. Here every endpoint they name must
build through url_for, and each role's home page must show every one of its tiles.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for

from coordination.kernel.actors import Role
from coordination.web import home_actions
from coordination.web.ui import NAV
from tests import factories as f

TILE = re.compile(r'<a class="action(?: primary)?" href="([^"]+)"')
MENU = re.compile(r'<nav id="mainnav".*?</nav>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')


def _tiles(role: Role) -> list[home_actions.Action]:
    return [*home_actions.HOME_ACTIONS.get(role, []), home_actions._ACCOUNT]


@pytest.mark.parametrize("role", list(Role))
def test_every_home_tile_endpoint_builds(app, role):
    with app.test_request_context():
        for action in _tiles(role):
            args = {"party_id": 1} if action.own_party else {}
            for endpoint in action.endpoints:
                assert url_for(endpoint, **args), (role, endpoint)


def test_every_menu_endpoint_builds(app):
    with app.test_request_context():
        for endpoint, _label, _roles in NAV:
            assert url_for(endpoint), endpoint


@pytest.mark.parametrize("role", list(Role))
def test_each_role_home_shows_all_its_tiles(client, session, role):
    user = f.user(session, role)
    f.login(client, user)
    html = client.get("/").get_data(as_text=True)
    shown = TILE.findall(html)
    with client.application.test_request_context():
        expected = [
            url_for(a.endpoints[0], **({"party_id": user.party_id} if a.own_party else {}))
            for a in _tiles(role)
            if not (a.own_party and user.party_id is None)
        ]
    assert shown == expected


@pytest.mark.parametrize("role", list(Role))
def test_each_role_menu_links_every_entry_it_may_see(client, session, role):
    f.login(client, f.user(session, role))
    menu = MENU.search(client.get("/").get_data(as_text=True))
    assert menu is not None
    with client.application.test_request_context():
        expected = [url_for(e) for e, _label, roles in NAV if roles is None or role in roles]
    assert HREF.findall(menu.group(0)) == expected
