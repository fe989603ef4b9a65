"""Home pages by role, the landing page and the page frame every screen shares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for

from coordination.kernel.actors import Role
from coordination.web import home_actions
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
HREF = re.compile(r'href="(/[^"#]*)"')


def _links(html: str) -> set[str]:
    return {h for h in HREF.findall(html) if not h.startswith("/static/")}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_home_and_every_link_there_opens(client, session, role):
    u = f.user(session, role)
    f.login(client, u)
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-home="{role.value}"' in html
    links = _links(html)
    assert "/account" in links
    for href in sorted(links):
        assert client.get(href).status_code == 200, href


def test_home_tiles_link_only_endpoints_that_exist(app, client, session, monkeypatch):
    actions = [
        home_actions.Action(("nowhere.page",), "Missing", "never shown", "need"),
        home_actions.Action(("nowhere.page", "main.home"), "Fallback", "second candidate", "list"),
    ]
    monkeypatch.setitem(home_actions.HOME_ACTIONS, Role.FAMILY, actions)
    f.login(client, f.user(session, Role.FAMILY))
    html = client.get("/").get_data(as_text=True)
    assert "Missing" not in html
    assert re.search(r'<a class="action" href="/">\s*<span class="icon">', html)
    assert "Fallback" in html


def test_family_home_offers_no_admin_pages(client, session):
    f.login(client, f.user(session, Role.FAMILY))
    links = _links(client.get("/").get_data(as_text=True))
    assert not any(h.startswith("/admin") for h in links)


def test_landing_page_explains_and_links_to_sign_in_and_the_public_ledger(app, client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-home="public"' in html
    assert "AidTrail coordinates volunteer supply" in html
    assert 'href="/login"' in html
    with app.test_request_context():
        ledger = url_for("ledger.ledger_page")
    assert f'href="{ledger}"' in html


def test_landing_page_is_russian_by_default(client):
    html = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert "Войти" in html and "Sign in" not in html


def test_error_page_offers_the_way_home_in_the_visitors_language(client):
    page = client.get("/no/such/page", headers={"Accept-Language": "ru"})
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "Не найдено" in html and 'href="/"' in html


def test_pages_carry_no_inline_script_or_style(client, session):
    # The CSP forbids 'unsafe-inline': an inline block would silently not run or not apply.
    f.login(client, f.user(session, Role.ADMIN))
    for path in ("/", "/account", "/login", "/ledger"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path


def test_no_template_has_inline_script_style_or_handlers():
    bad = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=\s*[\"']", text):
            bad.append(str(path.relative_to(ROOT)))
    assert bad == []


def test_pager_links_both_ways_and_keeps_the_query(app):
    with app.test_request_context("/ledger"):
        macro = app.jinja_env.get_template("macros/forms.html").module.pager
        html = str(macro(2, 3, "main.home", {"q": "socks"}))
        single = str(macro(1, 1, "main.home", {}))
    assert 'rel="prev" href="/?page=1&amp;q=socks"' in html
    assert 'rel="next" href="/?page=3&amp;q=socks"' in html
    assert "2" in html and "3" in html
    assert single.strip() == ""


def test_database_outage_page_renders_for_a_signed_in_user(app, client, session, monkeypatch):
    # With the database down, even loading the signed-in user fails; the 503 page must still
    # render (without the user's menu) instead of collapsing into a bare 500.
    from sqlalchemy.exc import OperationalError

    from coordination.extensions import login_manager

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    app.add_url_rule("/_test/outage", "test_outage", down)
    f.login(client, f.user(session, Role.COORDINATOR))
    monkeypatch.setattr(login_manager, "_user_callback", down)
    page = client.get("/_test/outage", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 503
    assert page.headers.get("Retry-After")
    assert "temporarily unavailable" in html
    assert 'class="navpanel"' not in html


def test_menu_marks_the_section_on_its_sub_pages_and_home_only_on_itself(client, session):
    f.login(client, f.user(session, Role.ADMIN))
    p = f.party(session)
    session.commit()
    html = client.get(f"/admin/parties/{p.id}").get_data(as_text=True)
    current = re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', html)
    assert current == ["/admin/parties"]
    home = client.get("/").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', home) == ["/"]
