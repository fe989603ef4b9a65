"""Test pictures (with GPS EXIF, XMP, a comment, an ICC profile) and a small delivery world."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageDraw
from PIL.PngImagePlugin import PngInfo
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.deliveries.models import Delivery, Handover, HandoverRole
from coordination.evidence.image import quiet_pillow
from coordination.evidence.store import evidence_dir
from coordination.kernel.actors import Role
from coordination.parties.models import Party, PartyKind
from tests import factories as f

GPS = {1: "N", 2: (56.0, 7.0, 30.12), 3: "E", 4: (40.0, 24.0, 25.2)}
CANARY_NAME = "Канарейкина Аглая Петровна"
CANARY_PHONE = "+7 901 555-73-19"


def exif_with(**tags: Any) -> Image.Exif:
    exif = Image.Exif()
    exif[0x8825] = GPS
    exif[0x013B] = tags.get("artist", CANARY_NAME)  # Artist
    exif[0x010E] = tags.get("description", f"{CANARY_NAME} {CANARY_PHONE}")  # ImageDescription
    if "orientation" in tags:
        exif[0x0112] = tags["orientation"]
    return exif


def picture(fmt: str = "JPEG", size: tuple[int, int] = (320, 240), **tags: Any) -> bytes:
    """Left half red, right half blue, with GPS EXIF, XMP, an ICC profile (and a comment)."""
    quiet_pillow()  # writing EXIF logs its values at DEBUG, as reading does
    img = Image.new("RGB", size, (220, 30, 30))
    ImageDraw.Draw(img).rectangle((size[0] // 2, 0, size[0], size[1]), fill=(30, 30, 220))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{CANARY_NAME}</x:xmpmeta>'.encode()
    out = io.BytesIO()
    extra: dict[str, Any] = {"exif": exif_with(**tags).tobytes(), "icc_profile": icc}
    if fmt == "JPEG":
        extra.update(comment=f"{CANARY_NAME}".encode(), xmp=xmp)
    elif fmt == "PNG":
        info = PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        info.add_text("Comment", CANARY_PHONE)
        extra["pnginfo"] = info
    else:
        extra["xmp"] = xmp
    img.save(out, fmt, **extra)
    return out.getvalue()


def metadata_of(data: bytes) -> dict[str, Any]:
    """Everything a stored picture says about itself beyond its pixels."""
    img = Image.open(io.BytesIO(data))
    img.load()
    return {
        "exif": dict(img.getexif()),
        "gps": img.getexif().get_ifd(0x8825),
        "info": {
            k: v
            for k, v in img.info.items()
            if k
            not in (
                "jfif",
                "jfif_version",
                "jfif_unit",
                "jfif_density",
                "dpi",
                "loop",
                "background",
                "timestamp",
                "duration",
            )
        },
    }


@dataclass
class World:
    coordinator: User
    admin: User
    family: User  # the recipient household's user
    volunteer: User
    outsider_coordinator: User
    stranger_family: User
    delivery: Delivery
    handover: Handover


def world(session: Session) -> World:
    coordinator = f.user(session, Role.COORDINATOR)
    region_id = coordinator.region_id
    household = f.party(session, PartyKind.HOUSEHOLD, region_id=region_id)
    hub = f.location(session, region_id=region_id)
    courier = f.party(session, PartyKind.COURIER, region_id=region_id)
    delivery = Delivery(region_id=region_id, from_location_id=hub.id, to_party_id=household.id)
    session.add(delivery)
    session.flush()
    handover = handover_of(session, delivery, courier, household)
    w = World(
        coordinator=coordinator,
        admin=f.user(session, Role.ADMIN),
        family=f.user(session, Role.FAMILY, party_id=household.id),
        volunteer=f.user(session, Role.VOLUNTEER),
        outsider_coordinator=f.user(session, Role.COORDINATOR),
        stranger_family=f.user(session, Role.FAMILY),
        delivery=delivery,
        handover=handover,
    )
    session.commit()
    return w


def handover_of(session: Session, delivery: Delivery, src: Party, to: Party) -> Handover:
    handover = Handover(
        delivery_id=delivery.id,
        from_party_id=src.id,
        from_role=HandoverRole.CARRIER,
        to_party_id=to.id,
        to_role=HandoverRole.RECIPIENT,
        place="Владимир",
        at=datetime(2026, 11, 20, 12, tzinfo=UTC),
    )
    session.add(handover)
    session.flush()
    return handover


def stored_dir(app: Any) -> Path:
    return evidence_dir(app)
