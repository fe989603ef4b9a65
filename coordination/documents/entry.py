"""The ledger entry a proven document rests on, as people read it and as machines check it.

On the document: a short table of the entry's fields (kind, time, the delivery's lines...)
and its leaf hash. On an appendix page: the entry verbatim, in small monospaced type
between ENTRY_BEGIN and ENTRY_END, cut into lines that join with "" back into the
canonical JSON, so paper alone can be checked against the proof code (proofcheck.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask_babel import gettext as _

from coordination.documents.data import Proof
from coordination.documents.fonts import esc
from coordination.documents.pdfkit import Column, Sheet, chunk_text
from coordination.documents.proofcheck import ENTRY_BEGIN, ENTRY_END

# Longer entries (deliveries of hundreds of lines) would fill pages: the leaf hash is
# printed instead, and the entry is read from /ledger/entries.
MAX_PRINTED_ENTRY = 12_000
ENTRY_WIDTH = 140  # characters per printed line (6 pt mono fits portrait A4)
MAX_LIST_ROWS = 8  # elements of a list (an entry's lines) shown in the table


def leaf_hex(body: str) -> str:
    return hashlib.sha256(b"\x00" + body.encode("utf-8")).hexdigest()


def _value(value: Any) -> str:
    if value is None:
        return "\u2014"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return str(value)


def entry_rows(body: str) -> list[tuple[str, str]]:
    """(field, value) rows: the envelope, then each data field; a list of objects (lines)
    gives one row per element, the first few of them."""
    try:
        entry = json.loads(body)
    except ValueError:
        return []
    if not isinstance(entry, dict):
        return []
    rows = [("kind", _value(entry.get("kind"))), ("at", _value(entry.get("at")))]
    rows.append(("actor", _value(entry.get("actor"))))
    if "supersedes" in entry:
        rows.append(("supersedes", _value(entry["supersedes"])))
    data = entry.get("data")
    for key, value in data.items() if isinstance(data, dict) else []:
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for n, element in enumerate(value[:MAX_LIST_ROWS], start=1):
                rows.append((f"{key} {n}/{len(value)}", _value(element)))
            if len(value) > MAX_LIST_ROWS:
                rows.append((key, _("and %(n)s more", n=len(value) - MAX_LIST_ROWS)))
        else:
            rows.append((key, _value(value)))
    return rows


def print_entry_table(sheet: Sheet, proof: Proof) -> None:
    sheet.gap(8)
    sheet.line(
        _("Ledger entry %(index)s, proven by the offline proof code", index=proof.index),
        size=9,
        bold=True,
    )
    rows = [[field, value] for field, value in entry_rows(proof.entry_body)]
    rows.append([_("leaf hash"), leaf_hex(proof.entry_body)])
    sheet.table(
        [Column(_("Field"), 110), Column(_("Value"), sheet.width - 110, wrap=True)],
        rows,
        size=7,
        row_height=10,
    )


def print_entry_appendix(sheet: Sheet, proof: Proof) -> None:
    """A new page with the entry verbatim, or its leaf hash when it is too long to print."""
    sheet.new_page()
    sheet.line(
        _("Appendix: ledger entry %(index)s, verbatim", index=proof.index), size=9, bold=True
    )
    sheet.para(
        esc(
            _(
                "The lines between BEGIN and END, joined without spaces, are the entry's "
                "canonical JSON. Check them offline against the proof code with "
                "python -m coordination.documents.proofcheck and the log's public key."
            )
        ),
        size=8,
    )
    body = proof.entry_body
    try:
        lines = chunk_text(body, ENTRY_WIDTH) if len(body) <= MAX_PRINTED_ENTRY else None
    except ValueError:
        lines = None
    if lines is None:
        sheet.line(
            _("The entry cannot be printed here; its leaf hash is %(hash)s.", hash=leaf_hex(body)),
            size=7,
        )
        return
    sheet.mono([f"{ENTRY_BEGIN} {proof.index}"])
    sheet.mono(lines)
    sheet.mono([ENTRY_END])
