"""Demo photos for the demo handovers, as a phone would take them: with GPS EXIF, a camera
model, a JPEG comment and an XMP packet naming the place. They go through store_evidence like
any upload, so the demo shows that none of it survives storage.

The files are written only into the configured evidence directory (evidence_store.evidence_dir
of the running app, or world.things["evidence-dir"] when a caller sets one); with neither,
no photos are added.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo
from sqlalchemy.orm import Session

from coordination.deliveries.access import is_recipient
from coordination.deliveries.models import Evidence, EvidenceKind, Handover
from coordination.evidence import store as evidence_store
from coordination.evidence.image import quiet_pillow
from coordination.evidence.services import store_evidence

if TYPE_CHECKING:
    from coordination.demo import World

# Near Vladimir: where the demo handovers happen. Exactly what storage must not keep.
GPS_LAT = (56.0, 7.0, 30.12)
GPS_LON = (40.0, 24.0, 25.2)
CAMERA = "AidTrail demo phone"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
    b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="56,7.502N" exif:GPSLongitude="40,24.42E"/></rdf:RDF></x:xmpmeta>'
)
COMMENT = b"Vladimir, handover photo"

# (world.things key, kind, format, public): the ceremony photo is public for the verify page.
PHOTOS = [
    ("handover-ceremony", EvidenceKind.PHOTO, "JPEG", True),
    ("handover-socks-unit", EvidenceKind.PHOTO, "JPEG", False),
    ("handover-household", EvidenceKind.RECEIPT_SCAN, "PNG", False),
]


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0110] = CAMERA  # Model
    exif[0x0132] = "2026:11:20 14:05:00"  # DateTime
    exif[0x8825] = {1: "N", 2: GPS_LAT, 3: "E", 4: GPS_LON}  # GPSInfo
    return exif


def demo_picture(kind: EvidenceKind, fmt: str, size: tuple[int, int] = (640, 480)) -> bytes:
    """A drawn picture (boxes on a table, or a receipt form) carrying GPS EXIF and more."""
    quiet_pillow()  # Pillow logs EXIF values at DEBUG while writing them
    receipt = kind == EvidenceKind.RECEIPT_SCAN
    img = Image.new("RGB", size, (250, 250, 245) if receipt else (190, 210, 235))
    draw = ImageDraw.Draw(img)
    w, h = size
    if receipt:
        for y in range(h // 8, h - h // 8, h // 12):
            draw.line((w // 10, y, w - w // 10, y), fill=(60, 60, 60), width=2)
        draw.text((w // 10, h // 16), "AKT / RECEIPT (demo)", fill=(0, 0, 0))
    else:
        draw.rectangle((0, h * 2 // 3, w, h), fill=(120, 90, 60))  # table
        for n in range(3):
            x = w // 8 + n * w // 4
            draw.rectangle(
                (x, h // 3, x + w // 5, h * 2 // 3),
                fill=(180, 140, 80),
                outline=(90, 60, 30),
                width=3,
            )
        draw.text((w // 10, h // 12), "AidTrail demo", fill=(20, 20, 60))
    out = io.BytesIO()
    extra: dict[str, Any] = {"exif": gps_exif().tobytes(), "xmp": XMP}
    if fmt == "PNG":  # PNG keeps XMP in an iTXt chunk
        info = PngInfo()
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        extra = {"exif": extra["exif"], "pnginfo": info}
    if fmt == "JPEG":
        extra["comment"] = COMMENT
        extra["quality"] = 90
    img.save(out, fmt, **extra)
    return out.getvalue()


def _directory(world: World) -> Path | None:
    given = world.things.get("evidence-dir")
    if given is not None:
        return Path(given)
    return evidence_store.evidence_dir(current_app) if has_app_context() else None


def add_photos(session: Session, world: World) -> None:
    directory = _directory(world)
    if directory is None:
        return
    coordinator = world.users.get("demo-coordinator")
    family = world.users.get("demo-family")
    added: list[Evidence] = []
    for key, kind, fmt, public in PHOTOS:
        handover = world.things.get(key)
        # Built by the deliveries demo; without it there is nothing to photograph.
        if not isinstance(handover, Handover):
            continue
        uploader = (
            family
            if family is not None
            and is_recipient(family, handover.delivery)
            and kind == EvidenceKind.RECEIPT_SCAN
            else coordinator
        )
        added.append(
            store_evidence(
                session,
                uploader,
                directory,
                data=demo_picture(kind, fmt),
                kind=kind,
                handover=handover,
                public=public,
            )
        )
    world.things["evidence"] = added
