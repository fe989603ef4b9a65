"""Public ledger: the signed checkpoint, the key, entries, proofs and a plain-language page.

No login: everything here is public by the ledger's contract (pseudonyms, public names,
commitments). Bad parameters get a problem+json 400 naming the parameter, never a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from coordination.db import db
from coordination.ledger import proofs, reads
from coordination.ledger.checkpoints import latest_checkpoint, sign_checkpoint
from coordination.ledger.describe import describe
from coordination.ledger.keys import ledger_signer
from coordination.ledger.kind_labels import entry_label
from coordination.ledger.models import LedgerCheckpoint
from coordination.ledger.witnesses.quorum import cosigned_note, newest_witnessed
from coordination.ledger.witnesses.settings import witness_policy
from coordination.web.errors import problem

bp = Blueprint("ledger", __name__)
bp.add_app_template_filter(entry_label, "entry_label")  # a ledger kind in words

PAGE_MAX = 1000  # entries per /ledger/entries answer
INDEX_MAX = 2**63 - 1  # BIGINT


class BadParam(Exception):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(detail)
        self.name, self.detail = name, detail


@bp.errorhandler(BadParam)
def _bad_param(exc: BadParam) -> Response:
    return problem(400, "Bad request", exc.detail, parameter=exc.name)


def _optional(name: str, minimum: int = 0) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or int(raw) > INDEX_MAX:
        raise BadParam(name, f"{name} must be a whole number from {minimum}")
    value = int(raw)
    if value < minimum:
        raise BadParam(name, f"{name} must be at least {minimum}")
    return value


def _required(name: str, minimum: int = 0) -> int:
    value = _optional(name, minimum)
    if value is None:
        raise BadParam(name, f"{name} is required")
    return value


def current_checkpoint() -> LedgerCheckpoint:
    """The latest checkpoint, signing a new one first if the tree has grown since."""
    latest = latest_checkpoint(db.session)
    if latest is not None and latest.size >= proofs.head_size(db.session):
        return latest
    # End the read snapshot so signing starts a fresh transaction with its lock: SQLite
    # cannot turn a read transaction into a write once another writer has committed.
    db.session.rollback()
    checkpoint = sign_checkpoint(db.session, ledger_signer())
    db.session.commit()
    return checkpoint


def _text(body: str) -> Response:
    return Response(body, mimetype="text/plain")


@bp.get("/ledger/checkpoint")
def checkpoint() -> Response:
    """The latest checkpoint; with a witness policy, the newest one the quorum cosigned,
    its cosignatures appended as extra signature lines of the note."""
    policy = witness_policy()
    if policy is None:
        return _text(current_checkpoint().note)
    witnessed = newest_witnessed(db.session, policy)
    if witnessed is not None:
        response = _text(witnessed.note)
        response.headers["AidTrail-Witness-Quorum"] = "met"
        return response
    # Nothing cosigned by a quorum yet: the latest, with whatever cosignatures it has, and
    # a header saying so (verifiers holding the policy will refuse it, rightly).
    response = _text(cosigned_note(db.session, current_checkpoint()))
    response.headers["AidTrail-Witness-Quorum"] = "not-met"
    return response


@bp.get("/ledger/key")
def key() -> Response:
    return _text(ledger_signer().verifier_key + "\n")


@bp.get("/ledger/entries")
def entries() -> dict[str, Any]:
    size = proofs.head_size(db.session)
    start = _optional("start") or 0
    end = _optional("end")
    end = min(start + PAGE_MAX, size) if end is None else end
    if start > size:
        raise BadParam("start", f"start is beyond the log, which has {size} entries")
    if end < start:
        raise BadParam("end", "end must not be less than start (end is exclusive)")
    end = min(end, size, start + PAGE_MAX)
    listed = reads.entries_json(db.session, start, end)
    return {"entries": listed, "size": size, "start": start, "end": end}


@bp.get("/ledger/proof/inclusion")
def inclusion() -> dict[str, Any]:
    index = _required("index")
    size = _optional("size", minimum=1) or current_checkpoint().size
    _within_log("size", size)
    if index >= size:
        raise BadParam("index", f"index must be less than size ({size})")
    leaf = reads.leaf_hash_at(db.session, index)
    proof = proofs.inclusion_proof(db.session, index, size)
    hashes = [reads.b64(h) for h in proof]
    return {"index": index, "size": size, "leaf_hash": reads.b64(leaf or b""), "proof": hashes}


@bp.get("/ledger/proof/consistency")
def consistency() -> dict[str, Any]:
    first = _required("from", minimum=1)
    second = _optional("to", minimum=1) or current_checkpoint().size
    _within_log("to", second)
    if first > second:
        raise BadParam("from", f"from must not exceed to ({second})")
    proof = proofs.consistency_proof(db.session, first, second)
    return {"from": first, "to": second, "proof": [reads.b64(h) for h in proof]}


def _within_log(name: str, size: int) -> None:
    head = proofs.head_size(db.session)
    if size > head:
        raise BadParam(name, f"{name} is beyond the log, which has {head} entries")


@bp.get("/ledger")
def ledger_page() -> str:
    checkpoint = current_checkpoint()
    size, per = checkpoint.size, int(current_app.config["PAGE_SIZE"])
    pages = max(1, -(-size // per))
    try:
        page = min(max(int(request.args.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    top = size - (page - 1) * per
    rows = reads.entries_between(db.session, max(0, top - per), top, newest_first=True)
    return render_template(
        "ledger/index.html",
        title=_("Public ledger"),
        entries=[describe(int(idx), body) for idx, _kind, body, _leaf in rows],
        checkpoint=checkpoint,
        root=reads.b64(checkpoint.root),
        verifier_key=ledger_signer().verifier_key,
        size=size,
        page=page,
        pages=pages,
    )
