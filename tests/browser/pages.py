"""Small helpers shared by the browser journeys: a browser context per person, login, and
decoding the QR code printed on a PDF."""

from __future__ import annotations

import io
from typing import Any

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "aidtrail-demo"
TIMEOUT_MS = 20_000  # the machine is shared and slow; a page that never comes still fails


def person(
    browser: Any,
    request: pytest.FixtureRequest,
    lang: str,
    viewport: dict[str, int],
) -> Any:
    """A fresh context (own cookies) speaking `lang`; its page is screenshotted on failure."""
    ctx = browser.new_context(
        viewport=viewport,
        locale="ru-RU" if lang == "ru" else "en-GB",
        extra_http_headers={"Accept-Language": lang},
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    # Every destructive step asks first through static/js/app.js; a person reads and says yes.
    page.questions = []
    page.on("dialog", lambda dialog: (page.questions.append(dialog.message), dialog.accept()))
    request.node.pages = [*getattr(request.node, "pages", []), page]
    return page


def login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-home]")


def option_value(page: Any, select: str, contains: str) -> str:
    """The value of the first option of `select` whose text contains `contains`."""
    option = page.locator(f"{select} option", has_text=contains).first
    value = option.get_attribute("value")
    assert value, f"no option containing {contains!r} in {select}"
    return str(value)


def qr_texts(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's first page, as a phone camera would read it."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=4).to_pil()
    finally:
        document.close()
    return [
        code.text
        for code in zxingcpp.read_barcodes(image)
        if code.format == zxingcpp.BarcodeFormat.QRCode
    ]


def pdf_text(pdf: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return str(document[0].get_textpage().get_text_range())
    finally:
        document.close()


def gps_jpeg() -> bytes:
    """A camera-like JPEG with a GPS position and a comment, which must never be stored."""
    from PIL import Image

    image = Image.new("RGB", (640, 480), (180, 120, 60))
    for x in range(0, 640, 40):
        for y in range(0, 480, 40):
            image.putpixel((x, y), (255, 255, 255))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (56.0, 8.0, 0.0), 3: "E", 4: (40.0, 24.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Vladimir, street and house")
    return out.getvalue()
