"""Manifest PDF cost at 1,000 and 10,000 lines, beside the raw ReportLab canvas.

The ceiling draws the same cells of the same rows with canvas.drawString in the same
embedded font, one page per 48 rows, and nothing else (no header, cut-to-fit, grid, QR,
page X of Y): what any ReportLab document of these rows must pay. Growth is the 10k/1k
ratio (linear is 10); memory is the peak traced by tracemalloc while rendering 10k lines.
"""

from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from bench.protocol import emit, figure
from coordination.documents.data import DeliveryDoc, DocLine, PartyBlock, Proof
from coordination.documents.fonts import FONT, register_fonts
from coordination.documents.manifest import line_rows, render_manifest

SOURCES = [
    "Вязальный кружок «Петелька»",
    "Sewing workshop Grozny",
    "anonymous donor",
    "bought with donations from School fair No. 5, anonymous donor",
]


def sample(n: int) -> DeliveryDoc:
    lines = [
        DocLine(
            code=f"SOCK-{i % 40:03d}",
            description=f"Носки шерстяные, пара {i}",
            size=str(39 + i % 8),
            unit="pair",
            sent=1 + i % 50,
            received=i % 50,
            box=1 + i // 25,
            weight_grams=120 * (1 + i % 50),
            source=SOURCES[i % 4],
        )
        for i in range(n)
    ]
    body = '{"actor":"3f2a","at":"2026-11-24T10:00:00Z","data":{"delivery":"ab12"},"v":1}'
    proof = Proof(
        index=41,
        entry_body=body,
        verify_url="https://aidtrail.example/verify/X",
        tlog_proof="c2sp.org/tlog-proof@v1\nindex 41\n" + "A" * 44 * 12,
    )
    return DeliveryDoc(
        number="AT-0123456789ABCDEF",
        code="K7Q2-M9XD-44TR",
        status="dispatched",
        consignor=PartyBlock("Хаб Владимир", "Владимир"),
        consignee=PartyBlock("a unit", "RU-BEL"),
        needs=["a1b2c3d4e5f60718"],
        sent=datetime(2026, 11, 24, tzinfo=UTC),
        expected=date(2026, 11, 28),
        received=None,
        carrier="Courier",
        vehicle="ГАЗель",
        driver="Иванов И.",
        packages=n // 25 + 1,
        comments="",
        lines=lines,
        proof=proof,
        printed_at=datetime(2026, 11, 24, 12, tzinfo=UTC),
    )


def raw_canvas(doc: DeliveryDoc) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), invariant=1)
    canvas.setFont(FONT, 7)
    widths = [70, 165, 40, 40, 45, 50, 35, 50, 291]
    for i, row in enumerate(line_rows(doc)):
        if i and i % 48 == 0:
            canvas.showPage()
            canvas.setFont(FONT, 7)
        y = 560 - (i % 48) * 10
        x = 30.0
        for width, cell in zip(widths, row, strict=True):
            canvas.drawString(x, y, cell)
            x += width
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def best_of(fn: Callable[[], object], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    from coordination import create_app

    register_fonts()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                "SECRET_KEY": "bench",
                "AIDTRAIL_KEYS_DIR": f"{tmp}/keys",
            }
        )
        with app.test_request_context(headers={"Accept-Language": "ru"}):
            docs = {n: sample(n) for n in (1_000, 10_000)}
            render_manifest(docs[1_000])  # warm: font subsets, imports
            took, ceiling = {}, {}
            for n, doc in docs.items():
                took[n] = best_of(lambda doc=doc: render_manifest(doc))
                ceiling[n] = best_of(lambda doc=doc: raw_canvas(doc))
                pages = render_manifest(doc).count(b"/Type /Page\n")
                print(
                    f"{n:>6} lines: manifest {took[n]:.3f} s ({pages} pages), "
                    f"raw canvas {ceiling[n]:.3f} s"
                )
            tracemalloc.start()
            render_manifest(docs[10_000])
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    growth = took[10_000] / took[1_000]
    ceiling_growth = ceiling[10_000] / ceiling[1_000]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"growth 10k/1k: {growth:.1f} (raw canvas {ceiling_growth:.1f}); "
        f"peak traced memory {peak / 2**20:.0f} MiB (process max RSS {rss:.0f} MiB)"
    )
    figure(
        "manifest 1k lines",
        took[1_000],
        "s",
        better="lower",
        target=0.3,
        ceiling=ceiling[1_000],
        ceiling_name="raw canvas drawString",
    )
    figure(
        "manifest 10k lines",
        took[10_000],
        "s",
        better="lower",
        target=2.0,
        ceiling=ceiling[10_000],
        ceiling_name="raw canvas drawString",
    )
    figure(
        "manifest growth 10k/1k",
        growth,
        "x",
        better="lower",
        target=12.0,
        ceiling=ceiling_growth,
        ceiling_name="raw canvas growth",
    )
    figure("manifest 10k peak memory", peak / 2**20, "MiB", better="lower", target=200.0)
    emit()


if __name__ == "__main__":
    main()
