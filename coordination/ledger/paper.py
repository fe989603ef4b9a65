"""Check what a printed document's two codes say, offline: the address and the proof.

A manifest carries two QR codes side by side: one holds the address of the delivery's
verify page (what a phone camera opens), the other a c2sp.org/tlog-proof@v1 for the
delivery's ledger entry. Nothing in the proof's optional "extra" line is signed, so
nothing here reads it: the page to open is derived from the origin line of the signed
checkpoint, and the delivery code from the entry the proof covers. A scanned address that
points anywhere else (a look-alike site on a forged code) is reported as not this log's.

Standard library plus `cryptography` (through note.py), like verify.py: copy the folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import note
from .notekeys import Verifier

# The origin names the log as "<site>/ledger" (README: AIDTRAIL_LEDGER_ORIGIN); the
# instance's pages live under <site>.
LEDGER_SUFFIX = "/ledger"


def site_of(origin: str) -> str:
    """'example.org/ledger' -> 'example.org'; an origin without the suffix is the site."""
    site = origin[: -len(LEDGER_SUFFIX)] if origin.endswith(LEDGER_SUFFIX) else origin
    if not site or any(c in site for c in " \t?#\\@"):
        raise ValueError(f"checkpoint origin {origin!r} does not name a site")
    return site.rstrip("/")


def verify_page(origin: str, code: str, scheme: str = "https") -> str:
    """The verify page of delivery `code` on the site that runs the log named `origin`."""
    if not code or not all(c.isalnum() or c in "-_" for c in code):
        raise ValueError("a delivery code has only letters, digits, '-' and '_'")
    return f"{scheme}://{site_of(origin)}/verify/{code}"


def same_page(scanned: str, trusted: str) -> bool:
    """The scanned address opens the trusted page: same host and path, over https (or
    http, which development instances print). Query and fragment must be empty."""
    a, b = urlsplit(scanned.strip()), urlsplit(trusted)
    return (
        a.scheme in ("https", "http")
        and a.netloc.lower() == b.netloc.lower()
        and a.path == b.path
        and not a.query
        and not a.fragment
    )


def same_site(scanned: str, origin: str) -> bool:
    """The scanned address is on the log's site (documents about something other than a
    delivery, such as a dispute report, link to a page whose path the entry cannot name)."""
    a = urlsplit(scanned.strip())
    site = site_of(origin)
    return a.scheme in ("https", "http") and (a.netloc + a.path).startswith(site + "/")


def entry_code(entry: bytes) -> str | None:
    """The delivery code an entry records (data.code of a dispatch entry), if any."""
    try:
        body = json.loads(entry.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the entry is not JSON") from None
    data = body.get("data") if isinstance(body, dict) else None
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, str) else None


@dataclass(frozen=True)
class PaperCheck:
    checkpoint: note.Checkpoint
    index: int
    page: str  # the verify page (from the signed origin and the proven entry) or the site
    scanned: str | None  # the address the URL code holds, if one was given
    scanned_ok: bool  # the scanned address is that page (True when none was given)


def check_paper(
    proof_text: str, entry: bytes, verifier_key: str, scanned: str | None = None
) -> PaperCheck:
    """Verify the proof code against the entry and key; ValueError names what fails."""
    verifier = Verifier.from_key(verifier_key.strip())
    checkpoint = note.verify_tlog_proof(proof_text, entry, [verifier])
    code = entry_code(entry)
    if code is not None:
        page = verify_page(checkpoint.origin, code)
        ok = scanned is None or same_page(scanned, page)
    else:
        page = f"https://{site_of(checkpoint.origin)}/"
        ok = scanned is None or same_site(scanned, checkpoint.origin)
    index = note.parse_tlog_proof(proof_text).index
    return PaperCheck(checkpoint, index, page, scanned, ok)
