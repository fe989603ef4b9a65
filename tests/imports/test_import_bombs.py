"""A zip bomb dressed as XLSX is refused from its directory, fast and in little memory."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from coordination.imports.reading import MAX_ZIP_ENTRIES, open_sheet
from coordination.kernel.errors import Invalid
from tests import factories as f
from tests.stock.support import world

INFLATED = 400 * 1024 * 1024  # what the shared strings unpack to


def _real_xlsx() -> bytes:
    book = Workbook()
    book.active.append(["group", "item", "size", "quantity", "made_on"])
    book.active.append(["Kostroma circle", "WOOL-SOCKS-T", "42-44", 12, "2026-11-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shared_strings_bomb() -> bytes:
    """A genuine workbook whose sharedStrings.xml is replaced by 400 MB of one string.

    Written in 1 MB chunks, so building the bomb costs no more memory than reading it would.
    """
    source = zipfile.ZipFile(io.BytesIO(_real_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                bomb.writestr(info.filename, source.read(info.filename))
        with bomb.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org')
            part.write(b'/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(INFLATED // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = shared_strings_bomb()
    assert len(data) < 1024 * 1024  # under 1 MB on the wire
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert sizes["xl/sharedStrings.xml"] > INFLATED  # and really hundreds of MB inside
    return data


def test_bomb_is_refused_fast_and_in_bounded_memory(bomb: bytes) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(Invalid) as refused:
            open_sheet("log.xlsx", bomb)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "unpacks to far more data" in refused.value.message
    assert elapsed < 1.0, elapsed
    assert peak < 5 * 1024 * 1024, peak  # the 400 MB were never inflated


def test_archive_with_thousands_of_parts_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/part{n}.xml", b"<x/>")
    with pytest.raises(Invalid) as refused:
        open_sheet("log.xlsx", out.getvalue())
    assert "too many parts" in refused.value.message


def test_ordinary_workbook_still_reads() -> None:
    sheet = open_sheet("log.xlsx", _real_xlsx())
    assert sheet.columns[:2] == ["group", "item"]
    assert [cells[3] for _n, cells in sheet.rows] == [12]


def test_bomb_upload_gets_400_with_the_reason(bomb: bytes, session, client) -> None:
    w = world(session)
    session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    f.login(client, w.volunteer)
    resp = client.post(
        "/imports/new",
        data={"kind": "batches", "file": (io.BytesIO(bomb), "log.xlsx")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert "unpacks to far more data" in resp.get_data(as_text=True)
