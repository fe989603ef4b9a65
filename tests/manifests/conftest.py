from __future__ import annotations

import io
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from coordination.accounts.models import User
from coordination.deliveries.models import Delivery
from coordination.demo import build_demo
from tests.isolation import IsolatedClient, isolated_client


@pytest.fixture
def client(app: Flask) -> IsolatedClient:
    return isolated_client(app)


@pytest.fixture
def demo(session: Any) -> dict[str, Any]:
    """The demo world: its users by name and its dispatched deliveries."""
    build_demo(session, None)
    session.commit()
    users = {u.username: u for u in session.scalars(select(User))}
    deliveries = list(
        session.scalars(
            select(Delivery).where(Delivery.dispatch_entry.is_not(None)).order_by(Delivery.id)
        )
    )
    return {"users": users, "deliveries": deliveries}


def by_kind(demo: dict[str, Any], kind: str) -> Delivery:
    """The demo delivery to a unit, to a household, or the hub move ("hub")."""
    for delivery in demo["deliveries"]:
        to = delivery.to_party.kind.value if delivery.to_party else "hub"
        if to == kind:
            return delivery
    raise AssertionError(f"no demo delivery to a {kind}")


def login(client: IsolatedClient, username: str, lang: str = "en") -> None:
    from coordination.demo import DEFAULT_PASSWORD

    client.post("/logout")  # whoever was signed in before
    resp = client.post("/login", data={"username": username, "password": DEFAULT_PASSWORD})
    assert resp.status_code == 302, resp.status_code
    with client.session_transaction() as s:
        s["lang"] = lang


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def qr_texts(data: bytes, page: int = 0) -> list[str]:
    """Render a page like a scanner sees paper and decode its QR codes with zxing-cpp."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[page].render(scale=4).to_pil()
    finally:
        pdf.close()
    found = zxingcpp.read_barcodes(image)
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]


def scan(data: bytes, page: int = 0) -> tuple[str, str]:
    """(address code, proof code) of a page: exactly one of each."""
    texts = qr_texts(data, page)
    urls = [t for t in texts if t.startswith(("http://", "https://"))]
    proofs = [t for t in texts if t.startswith("c2sp.org/tlog-proof@v1\n")]
    assert len(urls) == 1 and len(proofs) == 1 and len(texts) == 2, texts
    return urls[0], proofs[0]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # English pages (tests/english.py), and a log named for the test client's host, so the
    # address printed in development is the page verifiers derive from the signed origin.
    return {**app_config, "TEST_ACCEPT_LANGUAGE": "en", "LEDGER_ORIGIN": "localhost/ledger"}
