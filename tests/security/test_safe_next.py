"""Open-redirect defence: `next` may only ever point at a path on this site."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordination.kernel.actors import Role
from coordination.web.security import safe_next
from tests import factories as f

HOSTILE = [
    "//evil.tld",
    "/\\evil.tld",
    "\\\\evil.tld",
    "\\/evil.tld",
    "https://evil.tld",
    "HTTPS://evil.tld/account",
    "http:evil.tld",
    "http:/evil.tld",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "/%09/evil.tld",
    "/%5Cevil.tld",
    "/%2F/evil.tld",
    "/\t/evil.tld",
    "/\n/evil.tld",
    "/\r\n/evil.tld",
    "  //evil.tld",
    " /account",
    "/ /evil.tld",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "///evil.tld",
    "////evil.tld",
    "",
    "evil.tld",
    "account",
    "/" + "a" * 2001,
]

LOCAL = ["/", "/account", "/account?x=1", "/needs?q=a%20b&page=2", "/needs/12#line-3"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target: str) -> None:
    assert safe_next(target) is None


@pytest.mark.parametrize("target", LOCAL)
def test_local_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


def test_none_is_refused() -> None:
    assert safe_next(None) is None


def _browser_host(location: str) -> str:
    """Where a browser would go: it drops tabs/newlines and reads `\\` as `/`."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/").strip()
    return urlsplit(urljoin("https://aidtrail.example/login", cleaned)).netloc


@given(st.text(alphabet=st.sampled_from("/\\:%.?#@ \t\nabcehlpstvjx09AF2C5"), max_size=24))
def test_whatever_is_accepted_stays_on_the_site(target: str) -> None:
    kept = safe_next(target)
    if kept is not None:
        assert _browser_host(kept) == "aidtrail.example"
        assert _browser_host(unquote(kept)) == "aidtrail.example"


@pytest.mark.parametrize("target", HOSTILE[:-1])
def test_login_post_ignores_hostile_next(client, session, target: str) -> None:
    u = f.user(session, Role.VOLUNTEER)
    resp = client.post(
        "/login", data={"username": u.username, "password": f.PASSWORD, "next": target}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


def test_login_post_keeps_local_next(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    resp = client.post(
        "/login", data={"username": u.username, "password": f.PASSWORD, "next": "/account?x=1"}
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/account?x=1"


@pytest.mark.parametrize("target", ["//evil.tld", "/%09/evil.tld", "https://evil.tld"])
def test_login_page_does_not_carry_hostile_next(client, target: str) -> None:
    page = client.get("/login", query_string={"next": target})
    assert page.status_code == 200
    field = re.search(r'<input[^>]*id="next"[^>]*>', page.get_data(as_text=True))
    assert field is not None
    assert 'value=""' in field.group(0) or "value=" not in field.group(0)


def test_login_required_round_trip_returns_to_the_page(client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    bounce = client.get("/account?x=1")
    assert bounce.status_code == 302
    login_page = client.get(bounce.headers["Location"])
    assert b'value="/account?x=1"' in login_page.data
    resp = client.post(
        "/login", data={"username": u.username, "password": f.PASSWORD, "next": "/account?x=1"}
    )
    assert resp.headers["Location"] == "/account?x=1"


@pytest.mark.parametrize("target", ["//evil.tld", "/%09/evil.tld", "javascript:alert(1)"])
def test_language_switch_ignores_hostile_next(client, target: str) -> None:
    resp = client.post("/lang/en", data={"next": target})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
