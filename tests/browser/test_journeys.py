"""Issue 9's journeys in a real browser against gunicorn, on both databases.

A family on a phone asks in Russian and follows its need; a volunteer logs a batch and finds it
in stock; a coordinator in English approves the need, builds and dispatches the delivery,
prints the manifest and records a handover with a photo; the family confirms receipt; and a
stranger scans the manifest's QR code and sees the true sources and nobody's personal data,
in Russian and then in English. One server serves the module (see `demo_server`).

Issue 4's journey is here too (the first test): a family on a phone submits a need in Russian,
a coordinator approves it, the family sees the change, and another family gets 404. One file
means one worker, so the server is started once per backend, not once per file.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

from coordination.ledger import note
from coordination.ledger.notekeys import Verifier
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    gps_jpeg,
    login,
    option_value,
    pdf_text,
    person,
    qr_texts,
)


def row_with_code(page: Any, code: str) -> Any:
    return page.locator("tbody tr", has=page.locator(f"code:text-is('{code}')"))


# Personal data of the demo household (encrypted at rest) that no public page may show.
PERSONAL = ["Соколова", "Елена", "Примерная", "+7 900", "000-00-31", "Муж на лечении"]


@pytest.mark.slow
def test_family_submits_in_russian_coordinator_approves_family_sees_it(
    demo_server, browser, request
) -> None:
    base = demo_server
    family = person(browser, request, "ru", PHONE)
    login(family, base, "demo-family")
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

    coordinator = person(browser, request, "ru", DESKTOP)
    login(coordinator, base, "demo-coordinator")
    coordinator.goto(need_url)
    coordinator.click("form[action$='/approve'] button[type=submit]")
    coordinator.wait_for_selector("h1 .badge-approved")

    family.goto(need_url)
    assert family.locator("h1 .badge-approved").count() == 1

    other = person(browser, request, "ru", PHONE)
    login(other, base, "demo-family2")
    response = other.goto(need_url)
    assert response is not None and response.status == 404
    assert "Для сына" not in other.content()


@pytest.mark.slow
def test_volunteer_logs_a_batch_and_finds_it_in_stock(demo_server, browser, request) -> None:
    base = demo_server
    volunteer = person(browser, request, "ru", PHONE)
    login(volunteer, base, "demo-volunteer")
    volunteer.goto(base + "/production/batches/new")
    assert volunteer.locator("html").get_attribute("lang") == "ru"
    assert volunteer.locator("h1").inner_text() not in ("", "Log a batch")  # translated
    item = "select[name=item_id]"
    volunteer.select_option(item, option_value(volunteer, item, "Балаклава"))
    volunteer.fill("input[name=quantity]", "37")
    volunteer.fill("input[name=made_on]", (date.today() - timedelta(days=1)).isoformat())
    volunteer.click("main form button[type=submit].primary")
    volunteer.wait_for_url(re.compile(r"/stock/?$"))
    row = volunteer.locator("tbody tr", has_text="Балаклава").filter(has_text="37")
    assert row.count() == 1
    assert "Кружок вязания «Тёплые руки»" in row.inner_text()


@pytest.mark.slow
def test_need_to_verified_delivery(demo_server, browser, request, tmp_path) -> None:
    base = demo_server

    # A family, on a phone, in Russian: a new need for two balaclavas.
    family = person(browser, request, "ru", PHONE)
    login(family, base, "demo-family")
    family.goto(base + "/needs/new")
    assert family.locator("h1").inner_text() == "Новая заявка"
    item = "select[name='lines-0-item_id']"
    family.select_option(item, option_value(family, item, "Балаклава"))
    family.fill("input[name='lines-0-quantity']", "2")
    family.click("main form button[type=submit].primary")
    family.wait_for_url(re.compile(r"/needs/\d+$"))
    need_url = family.url
    need_code = (family.locator(".eyebrow code").first.text_content() or "").strip()
    assert family.locator("h1 .badge-submitted").count() == 1

    # A coordinator, on a desktop, in English: approve it and build the delivery.
    coordinator = person(browser, request, "en", DESKTOP)
    login(coordinator, base, "demo-coordinator")
    coordinator.goto(need_url)
    assert coordinator.locator("html").get_attribute("lang") == "en"
    coordinator.click("form[action$='/approve'] button[type=submit]")
    coordinator.wait_for_selector("h1 .badge-approved")

    family.goto(need_url)
    assert family.locator("h1 .badge-approved").count() == 1

    coordinator.goto(base + "/deliveries/new")
    origin = "select[name=from_location_id]"
    coordinator.select_option(origin, option_value(coordinator, origin, "Владимирский хаб"))
    need_row = row_with_code(coordinator, need_code)
    assert need_row.count() == 1
    need_row.locator("input[name=need_line]").check()
    coordinator.click("form[action$='/deliveries/new'] button[type=submit].primary")
    coordinator.wait_for_url(re.compile(r"/deliveries/\d+$"))
    delivery_url = coordinator.url
    assert coordinator.locator("h1 .badge-draft").count() == 1

    # The draft already holds the proposed lot (nearest, then oldest): the hub's balaclavas.
    lines = row_with_code(coordinator, need_code)
    assert lines.count() == 1
    assert "Швейная мастерская колледжа" in lines.inner_text()
    assert lines.locator("td").nth(2).inner_text().strip() == "2"
    household = coordinator.locator("dl.facts dd").nth(1).inner_text().strip()
    assert re.fullmatch(r"Household [0-9A-Z]{6}", household), household

    coordinator.click("form[action$='/pack'] button[type=submit]")
    coordinator.wait_for_selector("h1 .badge-packed")
    coordinator.click("form[action$='/dispatch'] button[type=submit]")
    coordinator.wait_for_selector("h1 .badge-dispatched")
    code = (coordinator.locator("dd code").first.text_content() or "").strip()
    assert coordinator.locator(f"a[href='/verify/{code}']").count() == 1
    assert [q for q in coordinator.questions if q.startswith(("Pack", "Dispatch"))] == [
        "Pack this delivery? Its lines are then frozen.",
        "Dispatch now? The reserved stock leaves the warehouse and the delivery gets its "
        "verification code. This is recorded in the ledger.",
    ]

    # The manifest: one code opens /verify/<code>, the other is a tlog-proof of the
    # dispatch entry (with no unsigned extra line).
    manifest = coordinator.locator("a[href$='/manifest.pdf']").get_attribute("href")
    pdf = coordinator.request.get(base + manifest)
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    codes = qr_texts(pdf.body())
    proofs = [t for t in codes if t.startswith("c2sp.org/tlog-proof@v1")]
    urls = [t for t in codes if t.startswith("http")]
    assert len(proofs) == 1 and len(urls) == 1
    proof = note.parse_tlog_proof(proofs[0])
    assert proof.extra is None
    verify_url = urls[0]
    assert verify_url == f"{base}/verify/{code}"
    assert urlsplit(verify_url).path == f"/verify/{code}"
    assert verify_url in "".join(pdf_text(pdf.body()).split()), "the printed address"
    key = coordinator.request.get(base + "/ledger/key").text().strip()
    entries = coordinator.request.get(
        f"{base}/ledger/entries?start={proof.index}&end={proof.index + 1}"
    ).json()["entries"]
    note.verify_tlog_proof(proofs[0], entries[0]["body"].encode("utf-8"), [Verifier.from_key(key)])

    # The family follows its need: the two balaclavas are on their way.
    family.goto(need_url)
    cells = family.locator("tbody tr").first.locator("td")
    assert [cells.nth(i).inner_text().strip() for i in (3, 4, 5, 6)] == ["2", "2", "2", "0"]

    # The handover to the household, with a photo that still carries its GPS position.
    coordinator.goto(delivery_url + "/handover")
    coordinator.select_option(
        "select[name=from_party_id]",
        option_value(coordinator, "select[name=from_party_id]", "Сергей"),
    )
    coordinator.select_option("select[name=from_role]", "carrier")
    coordinator.select_option(
        "select[name=to_party_id]", option_value(coordinator, "select[name=to_party_id]", household)
    )
    coordinator.select_option("select[name=to_role]", "recipient")
    coordinator.fill("input[name=place]", "Владимир")
    coordinator.click("main form button[type=submit].primary")
    coordinator.wait_for_url(delivery_url)
    coordinator.click("a[href*='/evidence/handover/'][href$='/upload']")
    photo = tmp_path / "handover.jpg"
    photo.write_bytes(gps_jpeg())
    assert Image.open(photo).getexif().get_ifd(0x8825), "the test photo must carry GPS"
    coordinator.set_input_files("input[name=file]", str(photo))
    coordinator.select_option("select[name=kind]", "photo")
    coordinator.check("input[name=public]")
    coordinator.click("main form button[type=submit].primary")
    coordinator.wait_for_url(delivery_url)
    stored_src = coordinator.locator(".evidence-list img").first.get_attribute("src")
    stored = coordinator.request.get(base + stored_src)
    assert stored.status == 200
    cleaned = Image.open(io.BytesIO(stored.body()))
    assert not cleaned.getexif() and "comment" not in cleaned.info
    assert cleaned.size == (640, 480)

    # The family confirms receipt, line by line, on its phone.
    family.goto(delivery_url)
    family.click(f"a[href$='{urlsplit(delivery_url).path}/receipt']")
    lines = family.locator("input[name^='got-']")
    assert lines.count() == 1 and lines.first.input_value() == "2"
    family.select_option("select[name^='cond-']", "ok")
    family.click("main form button[type=submit].primary")
    family.wait_for_url(delivery_url)
    assert len(family.questions) == 1, "recording a receipt asks first"
    assert family.locator(".badge-confirmed").count() >= 1
    assert family.locator("html").get_attribute("lang") == "ru"

    family.goto(need_url)
    assert cells.nth(6).inner_text().strip() == "2"
    assert family.locator("h1 .badge-fulfilled").count() == 1

    # Another family cannot even learn that the delivery exists.
    other = person(browser, request, "ru", PHONE)
    login(other, base, "demo-family2")
    response = other.goto(delivery_url)
    assert response is not None and response.status == 404
    assert code not in other.content()

    # A stranger scans the QR code: the true source, the custody chain, nobody's details.
    stranger = person(browser, request, "ru", PHONE)
    response = stranger.goto(verify_url)
    assert response is not None and response.status == 200
    text = stranger.locator("main").inner_text()
    assert code in stranger.locator("h1").inner_text()
    assert "Швейная мастерская колледжа, Грозный" in text
    assert "Владимирская область" in text
    assert stranger.locator("html").get_attribute("lang") == "ru"
    for secret in [*PERSONAL, household.split()[-1], "Сергей"]:
        assert secret not in stranger.content(), secret
    stranger.click(".lang-switch button[lang=en]")
    stranger.wait_for_selector("html[lang=en]")
    assert urlsplit(stranger.url).path == f"/verify/{code}"
    text = stranger.locator("main").inner_text()
    assert "To a household" in text and "Vladimir Oblast" in text
    assert "Швейная мастерская колледжа, Грозный" in text
    for secret in [*PERSONAL, household.split()[-1], "Сергей"]:
        assert secret not in stranger.content(), secret
