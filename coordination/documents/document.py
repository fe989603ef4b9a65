"""The sheet every AidTrail document starts from."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from coordination.documents.labels import day
from coordination.documents.pdfkit import Sheet


def document_sheet(
    title: str, printed_at: datetime | None, reference: str, wide: bool = False
) -> Sheet:
    """A document's sheet: the title repeated at the top of every page, and "printed on ·
    reference" beside "page X of Y" at the bottom."""

    def running_header(sheet: Sheet) -> None:
        sheet.line(title, size=12, bold=True)
        sheet.gap(4)

    return Sheet(
        title=title,
        wide=wide,
        header=running_header,
        page_label=_("Page %(page)s of %(pages)s"),
        footer_left=_("Printed on %(when)s", when=day(printed_at)) + " \u00b7 " + reference,
    )
