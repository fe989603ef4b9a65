"""Issue 4's journey in a real browser: a family on a phone submits a need in Russian, a
coordinator approves it, the family sees the change, and another family gets 404."""

from __future__ import annotations

import re

import pytest

PHONE = {"width": 390, "height": 844}


def _session(browser, request, lang: str = "ru", viewport=PHONE):
    ctx = browser.new_context(
        viewport=viewport, locale=f"{lang}-RU", extra_http_headers={"Accept-Language": lang}
    )
    page = ctx.new_page()
    request.node.pages = [*getattr(request.node, "pages", []), page]
    return page


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "aidtrail-demo")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-home]")


@pytest.mark.slow
def test_family_submits_in_russian_coordinator_approves_family_sees_it(
    demo_server, browser, request
) -> None:
    base = demo_server
    family = _session(browser, request)
    _login(family, base, "demo-family")
    family.goto(base + "/needs/new")
    assert family.locator("h1").inner_text() == "Новая заявка"
    family.select_option("select[name='lines-0-item_id']", index=1)
    family.fill("input[name='lines-0-quantity']", "12")
    family.fill("input[name='lines-0-note']", "Для сына, размер уточню")
    family.click("main form button[type=submit].primary")
    family.wait_for_url(re.compile(r"/needs/\d+$"))
    need_url = family.url
    assert family.locator("h1 .badge-submitted").count() == 1
    assert "Для сына, размер уточню" in family.content()

    coordinator = _session(browser, request, lang="ru", viewport={"width": 1280, "height": 900})
    _login(coordinator, base, "demo-coordinator")
    coordinator.goto(need_url)
    coordinator.click("form[action$='/approve'] button[type=submit]")
    coordinator.wait_for_selector("h1 .badge-approved")

    family.goto(need_url)
    assert family.locator("h1 .badge-approved").count() == 1

    other = _session(browser, request)
    _login(other, base, "demo-family2")
    response = other.goto(need_url)
    assert response is not None and response.status == 404
    assert "Для сына" not in other.content()
