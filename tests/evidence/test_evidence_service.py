"""store_evidence: what is accepted, what is refused (and why), what is stored, what the ledger
keeps. Every refusal is an Invalid with a clear message and leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from coordination.deliveries.models import Evidence, EvidenceKind
from coordination.evidence import services
from coordination.evidence.image import MAX_BYTES
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.ledger.models import LedgerEntry
from tests.evidence.support import (
    CANARY_NAME,
    CANARY_PHONE,
    metadata_of,
    picture,
    stored_dir,
    world,
)


def _store(app, session, w, data: bytes, **kw):
    kw.setdefault("kind", EvidenceKind.PHOTO)
    ev = services.store_evidence(
        session, w.coordinator, stored_dir(app), data=data, handover=w.handover, **kw
    )
    session.commit()
    return ev


@pytest.mark.parametrize(
    "fmt,ctype", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_accepted_and_reencoded_without_any_metadata(app, session, fmt, ctype) -> None:
    w = world(session)
    original = picture(fmt)
    before = metadata_of(original)
    assert before["gps"] and before["exif"] and before["info"], "the test picture carries metadata"
    ev = _store(app, session, w, original)
    assert ev.content_type == ctype and (ev.width, ev.height) == (320, 240)
    assert re.fullmatch(r"[0-9a-f]{32}\.(jpg|png|webp)", ev.stored_name)
    assert "static" not in stored_dir(app).parts
    stored = (stored_dir(app) / ev.stored_name).read_bytes()
    assert ev.stored_sha256 == hashlib.sha256(stored).hexdigest() and ev.byte_size == len(stored)
    after = metadata_of(stored)
    assert after == {"exif": {}, "gps": {}, "info": {}}, after
    for marker in (b"Exif", b"xmpmeta", b"ICC_PROFILE", b"iCCP", CANARY_NAME.encode()):
        assert marker not in stored, marker
    img = Image.open(io.BytesIO(stored)).convert("RGB")
    left, right = img.getpixel((40, 120)), img.getpixel((280, 120))
    assert left[0] > 180 and left[2] < 80 and right[2] > 180 and right[0] < 80  # pixels kept


def test_exif_orientation_is_applied_before_it_is_dropped(app, session) -> None:
    w = world(session)
    ev = _store(app, session, w, picture("JPEG", orientation=6))  # rotate 90° to view
    assert (ev.width, ev.height) == (240, 320)


def test_ledger_holds_the_originals_hash_and_no_file_name_or_metadata(app, session) -> None:
    w = world(session)
    original = picture("JPEG")
    ev = _store(app, session, w, original)
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.index == ev.entry_index))
    body = json.loads(entry.body)
    assert body["kind"] == "evidence.added"
    assert body["data"] == {
        "evidence": ev.public_id,
        "handover": w.handover.public_id,
        "delivery": w.delivery.public_id,
        "kind": "photo",
        "original_sha256": hashlib.sha256(original).hexdigest(),
        "stored_sha256": ev.stored_sha256,
        "public": False,
    }
    assert CANARY_NAME not in entry.body and CANARY_PHONE not in entry.body
    assert ev.stored_name not in entry.body


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int, height: int) -> bytes:
    """A tiny file that claims huge dimensions (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "GIF")
    return out.getvalue()


REFUSED = {
    "svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "Only JPEG, PNG or WebP",
    ),
    "html": (b"<!doctype html><html><body>hello</body></html>", "Only JPEG, PNG or WebP"),
    "gif": (_gif(), "Only JPEG, PNG or WebP"),
    "pdf": (b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "Only JPEG, PNG or WebP"),
    "text": (b"just some text, renamed photo.jpg", "Only JPEG, PNG or WebP"),
    "empty": (b"", "empty"),
    "jpeg+html": (
        picture("JPEG") + b"<html><script>alert(1)</script></html>",
        "data after the end of the picture",
    ),
    "jpeg+zip": (
        picture("JPEG") + b"PK\x03\x04" + b"\x00" * 26 + b"PK\x05\x06" + b"\x00" * 18,
        "data after the end of the picture",
    ),
    "png+trailing": (picture("PNG") + b"trailing", "data after the end of the picture"),
    "webp+trailing": (
        picture("WEBP") + b"<svg onload=alert(1)>",
        "data after the end of the picture",
    ),
    "jpeg comment with script": (b"", "web page or script"),  # built below
    "truncated jpeg": (picture("JPEG")[:-400], "damaged or incomplete"),
    "truncated png": (picture("PNG")[:-40], "damaged or incomplete"),
    "huge dimensions": (huge_png(8000, 6000), "larger than 40 megapixels"),
    "bomb beyond Pillow's own limit": (huge_png(30000, 30000), "larger than 40 megapixels"),
    "jpeg header, png body": (b"\xff\xd8\xff" + picture("PNG")[3:], "damaged or incomplete"),
}


def _scripted_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, "JPEG", comment=b"<script>alert(1)</script>")
    return out.getvalue()


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_with_a_clear_message_and_nothing_left(app, session, case) -> None:
    w = world(session)
    data, message = REFUSED[case]
    if case == "jpeg comment with script":
        data = _scripted_jpeg()
    with pytest.raises(Invalid) as exc:
        services.store_evidence(
            session, w.coordinator, stored_dir(app), data=data, kind="photo", handover=w.handover
        )
    session.rollback()
    assert message in exc.value.message and exc.value.field == "file"
    assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    folder = stored_dir(app)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_over_ten_megabytes_is_refused_before_decoding(app, session) -> None:
    w = world(session)
    data = picture("PNG") + b"\x00" * (MAX_BYTES + 1)
    with pytest.raises(Invalid, match="larger than 10 MB"):
        services.store_evidence(
            session, w.coordinator, stored_dir(app), data=data, kind="photo", handover=w.handover
        )


def test_who_may_attach(app, session) -> None:
    w = world(session)
    folder = stored_dir(app)
    ev = services.store_evidence(
        session, w.family, folder, data=picture("PNG"), kind="receipt_scan", handover=w.handover
    )
    assert ev.uploaded_by_id == w.family.id
    with pytest.raises(Invalid, match="photo or a receipt scan"):
        services.store_evidence(
            session, w.family, folder, data=picture("PNG"), kind="report", handover=w.handover
        )
    with pytest.raises(NotFound):
        services.store_evidence(
            session,
            w.outsider_coordinator,
            folder,
            data=picture("PNG"),
            kind="photo",
            handover=w.handover,
        )
    with pytest.raises(NotFound):
        services.store_evidence(
            session,
            w.stranger_family,
            folder,
            data=picture("PNG"),
            kind="photo",
            handover=w.handover,
        )
    with pytest.raises(Invalid, match="cannot be public"):
        services.store_evidence(
            session,
            w.coordinator,
            folder,
            data=picture("PNG"),
            kind="receipt_scan",
            handover=w.handover,
            public=True,
        )
    with pytest.raises(Invalid, match="Choose what the picture shows"):
        services.store_evidence(
            session, w.coordinator, folder, data=picture("PNG"), kind="selfie", handover=w.handover
        )


def test_set_public_by_uploader_or_staff_only(app, session) -> None:
    w = world(session)
    ev = services.store_evidence(
        session, w.family, stored_dir(app), data=picture("JPEG"), kind="photo", handover=w.handover
    )
    services.set_public(session, w.family, ev, True)
    assert ev.public
    services.set_public(session, w.coordinator, ev, False)
    assert not ev.public
    with pytest.raises(NotFound):
        services.set_public(session, w.outsider_coordinator, ev, True)
    scan = services.store_evidence(
        session,
        w.coordinator,
        stored_dir(app),
        data=picture("PNG"),
        kind="receipt_scan",
        handover=w.handover,
    )
    with pytest.raises(Forbidden):
        services.set_public(session, w.family, scan, False)
    with pytest.raises(Invalid, match="cannot be public"):
        services.set_public(session, w.coordinator, scan, True)
    kinds = session.scalars(select(LedgerEntry.kind).order_by(LedgerEntry.index)).all()
    assert kinds.count("evidence.published") == 1 and kinds.count("evidence.unpublished") == 1


def _variant(name: str) -> tuple[bytes, str]:
    out = io.BytesIO()
    rgb = Image.open(io.BytesIO(picture("PNG"))).convert("RGB")
    if name == "progressive jpeg":
        rgb.save(out, "JPEG", progressive=True, exif=picture_exif())
    elif name == "jpeg with restart markers":
        rgb.save(out, "JPEG", restart_marker_blocks=4, exif=picture_exif())
    elif name == "cmyk jpeg":
        rgb.convert("CMYK").save(out, "JPEG", exif=picture_exif())
    elif name == "grayscale png":
        rgb.convert("L").save(out, "PNG", exif=picture_exif())
    elif name == "palette png with transparency":
        rgb.convert("P").save(out, "PNG", transparency=0, exif=picture_exif())
    else:  # rgba webp
        rgb.convert("RGBA").save(out, "WEBP", lossless=True, exif=picture_exif())
    return out.getvalue(), name


def picture_exif() -> bytes:
    from tests.evidence.support import exif_with

    return exif_with().tobytes()


@pytest.mark.parametrize(
    "name",
    [
        "progressive jpeg",
        "jpeg with restart markers",
        "cmyk jpeg",
        "grayscale png",
        "palette png with transparency",
        "rgba webp",
    ],
)
def test_other_encodings_are_accepted_and_cleaned(app, session, name) -> None:
    w = world(session)
    data, _ = _variant(name)
    assert metadata_of(data)["gps"]
    ev = _store(app, session, w, data)
    stored = (stored_dir(app) / ev.stored_name).read_bytes()
    assert metadata_of(stored) == {"exif": {}, "gps": {}, "info": {}}
    assert (ev.width, ev.height) == (320, 240)
