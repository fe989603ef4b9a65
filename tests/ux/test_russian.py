"""Russian everywhere: every page each demo role can reach, in Russian, shows no English.

The crawl signs in as each demo account, follows same-site links breadth first (GET only,
see crawl.py) and reads the text a person sees. A Latin word there is English left in the
interface unless the allowlist below says why it is not: codes, units, names from the demo
data, the product's name and file formats.
"""

from __future__ import annotations

import re

import pytest

from coordination.db import db
from coordination.demo import DEFAULT_PASSWORD, DEMO_USERNAMES, build_demo
from tests.isolation import isolated_client
from tests.ux.crawl import crawl

RU = {"Accept-Language": "ru"}

# Words that are not English in a Russian interface: names of formats and standards, the
# product, language names on the switch, clothing sizes and currency codes.
ALLOWED = {
    "AidTrail",
    "PDF",
    "CSV",
    "XLSX",
    "API",
    "JSON",
    "QR",
    "UTF",
    "ISO",
    "SHA",
    "RUB",
    "URL",
    "EN",
    "RU",
    "English",
    "ID",
    "XS",
    "XL",
    "XXL",
    "XXXL",
    "Ed",
    "RFC",
    "C2SP",
    "Merkle",
    "Telegram",
    "OpenAPI",
    "Bearer",
    "tlog-proof",
    "tlog-checkpoint",
    # Authenticator apps named on the two-factor page: product names, not interface text.
    "FreeOTP",
    "Aegis",
    "Google",
    "Authenticator",
    # words of the commands the ledger page quotes inside a translated sentence
    "Python",
    "python",
    "cryptography",
    "coordination.ledger.verify",
    "flask",
    "app",
    "export",
}
# Codes: catalog codes and public ids in capitals, random public codes in mixed case
# (a capital after the first letter), usernames and dotted host names.
CODE = re.compile(
    r"^([A-Z0-9]+(-[A-Z0-9]+)*|[\w-]*[a-z][\w-]*[A-Z][\w-]*|[A-Z]{2,}[a-z]+[\w-]*|demo-[a-z0-9-]+)$"
)
HOST = re.compile(r"^(https?://\S+|[\w-]+(\.[\w-]+)*\.(org|com|ru|net|example|test|local)\S*)$")
WORD = re.compile(r"^[A-Za-z][A-Za-z'_]*([.-][A-Za-z_]+)*$")


def latin_words(text: str, names: set[str]) -> set[str]:
    found = set()
    for raw in text.split():
        token = raw.strip(".,:;!?()[]{}«»\"'—–·×/#%*")
        if len(token) < 2 or not WORD.match(token) or HOST.match(token):
            continue
        if token in ALLOWED or token in names or CODE.match(token):
            continue
        found.add(token)
    return found


def demo_names() -> set[str]:
    """Latin words in names and free text the demo world typed in: data, not interface."""
    from sqlalchemy import select

    from coordination.catalog.models import Category, Item
    from coordination.disputes.models import Dispute
    from coordination.donations.models import MoneyDonation, Purchase
    from coordination.parties.models import Party, Region

    texts: list[str | None] = [
        *db.session.scalars(select(Party.display_name)),
        *db.session.scalars(select(Region.name_en)),  # admins see both names
        *db.session.scalars(select(Item.name_en)),
        *db.session.scalars(select(Category.name_en)),
        *db.session.scalars(select(MoneyDonation.earmark)),  # typed by the demo's people
        *db.session.scalars(select(MoneyDonation.channel)),
        *db.session.scalars(select(Purchase.earmark)),
        *db.session.scalars(select(Purchase.supplier)),
        *db.session.scalars(select(Dispute.claim_text)),
        *db.session.scalars(select(Dispute.outcome_note)),
    ]
    words: set[str] = set()
    for text in texts:
        words |= {w.strip(".,:;'’") for w in re.findall(r"[A-Za-z][A-Za-z'’.-]*", text or "")}
    return words


@pytest.mark.parametrize("username", sorted(DEMO_USERNAMES))
def test_every_page_a_role_reaches_is_in_russian(app, username):
    build_demo(db.session, None)
    db.session.commit()
    names = demo_names()
    client = isolated_client(app)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    resp = client.post("/login", data={"username": username, "password": DEFAULT_PASSWORD})
    assert resp.status_code == 302
    visits = crawl(client, cap=90)
    assert len(visits) > 5
    broken = [(v.url, v.status, v.came_from) for v in visits if v.status >= 400]
    assert not broken, broken  # a link that leads nowhere is a dead end too
    english = {}
    for visit in visits:
        words = latin_words(visit.text, names)
        if words:
            english[visit.url] = sorted(words)
    if english:
        pytest.fail(
            "English in the Russian interface:\n"
            + "\n".join(f"{url}: {' '.join(words)}" for url, words in english.items())
        )
