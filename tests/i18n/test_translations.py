"""The Russian catalog is complete and safe to format, and pages follow the chosen language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
RU_PO = ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")


def _catalog() -> Catalog:
    with RU_PO.open("rb") as fh:
        return read_po(fh, locale="ru")


def _messages() -> list[Message]:
    return [m for m in _catalog() if m.id]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def _strings(message: Message) -> list[str]:
    s = message.string
    return list(s) if isinstance(s, tuple | list) else [s]


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def test_russian_catalog_has_no_untranslated_or_fuzzy_entries() -> None:
    messages = _messages()
    assert len(messages) > 100, "the catalog looks empty: was it extracted?"
    untranslated = [_key(m.id) for m in messages if not all(s.strip() for s in _strings(m))]
    fuzzy = [_key(m.id) for m in messages if m.fuzzy]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_every_placeholder_survives_translation() -> None:
    # A placeholder missing from msgstr loses data; an extra one raises KeyError at render time.
    wrong = []
    for m in _messages():
        wanted = {p for i in _ids(m) for p in PLACEHOLDER.findall(i)}
        for s in _strings(m):
            if set(PLACEHOLDER.findall(s)) != wanted:
                wrong.append((_key(m.id), s))
    assert wrong == []


def _has_lone_percent(text: str) -> bool:
    return "%" in re.sub(r"%\(\w+\)[sdifr]|%%|%[sdifr]", "", text)


def test_translations_add_no_lone_percent_sign() -> None:
    # Jinja's gettext always %-formats, so a lone % that the English lacks breaks the page.
    bad = [
        (_key(m.id), s)
        for m in _messages()
        for s in _strings(m)
        if _has_lone_percent(s) and not any(_has_lone_percent(i) for i in _ids(m))
    ]
    assert bad == []


def test_catalog_covers_every_message_in_the_sources() -> None:
    # Someone who adds a string without running `make translations-update` and translating it
    # would ship English text to Russian readers; this names the strings.
    method_map = [("coordination/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "N_": None,
        "lazy_gettext": None,
        "pgettext": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
        "lazy_pgettext": ((1, "c"), 2),
    }
    # A context makes a different message ("Dispatched" as a delivery's status is feminine
    # in Russian, as a quantity neuter), so it is part of the key.
    found = {
        (ctx, _key(msg))
        for _file, _line, msg, _comments, ctx in extract_from_dir(
            str(ROOT), method_map, keywords=keywords
        )
    }
    known = {(m.context, _key(m.id)) for m in _messages()}
    missing = sorted(found - known)
    assert missing == [], f"not in the ru catalog (run make translations-update): {missing[:10]}"


@pytest.mark.parametrize(
    ("accept", "lang", "text"),
    [("ru", "ru", "Войти"), ("en", "en", "Sign in"), ("ru-RU,ru;q=0.9", "ru", "Пароль")],
)
def test_login_page_follows_the_browser_language(client, accept: str, lang: str, text: str) -> None:
    page = client.get("/login", headers={"Accept-Language": accept})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert f">{text}<" in html


def test_unknown_browser_language_falls_back_to_russian(client) -> None:
    html = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert "Имя пользователя" in html


def test_switcher_changes_the_language_for_the_visitor(client) -> None:
    ru = {"Accept-Language": "ru"}
    assert "Войти" in client.get("/login", headers=ru).get_data(as_text=True)
    resp = client.post("/lang/en", data={"next": "/login"}, headers=ru)
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/login")
    html = client.get("/login", headers=ru).get_data(as_text=True)
    assert '<html lang="en">' in html and "Username" in html and "Войти" not in html
    client.post("/lang/ru", data={"next": "/login"}, headers=ru)
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ru">' in html


def test_switcher_refuses_an_unknown_language_and_a_foreign_next(client) -> None:
    resp = client.post("/lang/de", data={"next": "https://evil.example/"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    html = client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="ru">' in html


def test_signed_in_users_choice_is_kept_on_their_account(client, session) -> None:
    u = f.user(session, f.Role.COORDINATOR)
    f.login(client, u)
    client.post("/lang/en", data={"next": "/"})
    session.expire_all()
    assert session.get(f.User, u.id).locale == "en"
    html = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Welcome," in html


def test_switcher_marks_the_current_language(client) -> None:
    html = client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert re.search(r'lang="ru"[^>]*aria-pressed="true"', html)
    assert re.search(r'lang="en"[^>]*aria-pressed="false"', html)


def test_a_delivery_status_and_a_quantity_column_are_told_apart(app) -> None:
    from flask_babel import force_locale, gettext

    from coordination.deliveries.forms import STATUS_LABELS

    with app.test_request_context(), force_locale("ru"):
        assert str(STATUS_LABELS["dispatched"]) == "Отправлена"  # beside "Упакована"
        assert str(STATUS_LABELS["packed"]) == "Упакована"
        assert gettext("Dispatched") == "Отправлено"  # how many were sent, on a need
