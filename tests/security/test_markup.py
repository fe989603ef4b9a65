"""Markup stays CSP-clean (no inline code) and user text is always escaped."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from coordination.kernel.actors import Role
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
SCRIPTS = sorted((ROOT / "static").rglob("*.js"))

# What the CSP (script-src 'self'; style-src 'self') would silently block in a browser.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}
UNSAFE_TEMPLATE = {
    "|safe filter": re.compile(r"\|\s*safe\b"),
    "autoescape off": re.compile(r"autoescape\s+false"),
}
UNSAFE_JS = {
    "eval": re.compile(r"\beval\s*\("),
    "new Function": re.compile(r"new\s+Function\s*\("),
    "innerHTML": re.compile(r"\.(inner|outer)HTML\s*="),
    "document.write": re.compile(r"document\.write"),
    "string timer": re.compile(r"set(Timeout|Interval)\s*\(\s*['\"]"),
}


def test_there_are_templates_and_scripts() -> None:
    assert len(TEMPLATES) > 5 and SCRIPTS


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_code_or_unescaped_output(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [name for name, rx in {**INLINE, **UNSAFE_TEMPLATE}.items() if rx.search(text)]
    assert not found, f"{path.relative_to(ROOT)}: {found}"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_script_builds_no_code_or_markup_from_strings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [name for name, rx in UNSAFE_JS.items() if rx.search(text)]
    assert not found, f"{path.relative_to(ROOT)}: {found}"


HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_reflected_input_is_escaped(client) -> None:
    resp = client.post("/login", data={"username": HOSTILE, "password": "whatever1"})
    page = resp.get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    resp = client.get("/login", query_string={"q": HOSTILE, "next": HOSTILE})
    page = resp.get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page


def test_rendered_pages_have_no_inline_code(client, session) -> None:
    u = f.user(session, Role.ADMIN)
    pages = ["/", "/login", "/no/such/page"]
    f.login(client, u)
    pages += ["/", "/account"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        found = [name for name, rx in INLINE.items() if rx.search(html)]
        assert not found, f"{path}: {found}"


def test_passwords_never_reach_the_logs(client, session, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    u = f.user(session, Role.VOLUNTEER)
    client.post("/login", data={"username": u.username, "password": "wrong guess 12345"})
    f.login(client, u)
    client.post(
        "/account/password",
        data={"current_password": f.PASSWORD, "new_password": "fresh secret phrase 678"},
    )
    for secret in ("wrong guess 12345", f.PASSWORD, "fresh secret phrase 678"):
        assert secret not in caplog.text
