"""The demo's photos are taken with GPS EXIF (and a comment, XMP), and none of it survives
storage; they land only in the configured evidence directory."""

from __future__ import annotations

from sqlalchemy import select

from coordination.deliveries.models import Evidence, EvidenceKind
from coordination.demo import build_demo
from coordination.demo.evidence import demo_picture
from tests.evidence.support import metadata_of, stored_dir


def test_demo_pictures_carry_gps_before_upload() -> None:
    for kind, fmt in ((EvidenceKind.PHOTO, "JPEG"), (EvidenceKind.RECEIPT_SCAN, "PNG")):
        meta = metadata_of(demo_picture(kind, fmt))
        assert meta["gps"][2] and meta["gps"][4], "latitude and longitude are there"
        assert "xmp" in meta["info"] or "XML:com.adobe.xmp" in meta["info"]
    assert metadata_of(demo_picture(EvidenceKind.PHOTO, "JPEG"))["info"]["comment"]


def test_demo_photos_are_stored_without_gps(app, session) -> None:
    build_demo(session)
    session.commit()
    rows = session.scalars(select(Evidence).order_by(Evidence.id)).all()
    assert len(rows) == 3, "one photo for each of the three demo handovers"
    folder = stored_dir(app)
    assert sorted(p.name for p in folder.iterdir()) == sorted(e.stored_name for e in rows)
    for ev in rows:
        meta = metadata_of((folder / ev.stored_name).read_bytes())
        assert meta == {"exif": {}, "gps": {}, "info": {}}, (ev.kind, meta)
    assert [e.public for e in rows].count(True) == 1
    public = next(e for e in rows if e.public)
    assert public.kind == EvidenceKind.PHOTO and public.handover.place == "Владимир"
    client = app.test_client()
    assert client.get(f"/evidence/public/{public.public_id}").status_code == 200
