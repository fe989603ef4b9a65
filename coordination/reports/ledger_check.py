"""Proofs a verification page checks before it shows them: a delivery's ledger entries against
the latest signed checkpoint, and an old checkpoint (printed on a manifest) against the latest.

The checks work on the signed note's own size and root, opened with the instance's verifier
key, so a page that says "checked" means the signed statement and the stored entries agree,
not merely that the database agrees with itself. No Flask here: the views pass the
checkpoint and the verifier in.
"""

from __future__ import annotations

import base64
import enum
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from coordination.deliveries.models import Delivery
from coordination.ledger import merkle, note, paper
from coordination.ledger.models import LedgerCheckpoint, LedgerEntry
from coordination.ledger.policy import Policy
from coordination.ledger.proofs import LedgerCorrupt, consistency_proof, inclusion_proof
from coordination.ledger.reads import b64
from coordination.ledger.witnesses.quorum import cosigned_note, newest_witnessed

PASTE_LIMIT = 4000  # a checkpoint note is ~200 characters; anything far longer is not one


@dataclass
class EntryProof:
    index: int
    what: str  # dispatch, handover, evidence, receipt
    kind: str = ""
    body: str = ""
    leaf_hash: str = ""
    proof: list[str] = field(default_factory=list)
    ok: bool = False
    problem: str | None = None

    def public(self) -> dict[str, object]:
        return {
            "index": self.index,
            "what": self.what,
            "kind": self.kind,
            "body": self.body,
            "leaf_hash": self.leaf_hash,
            "proof": self.proof,
            "ok": self.ok,
            "problem": self.problem,
        }


@dataclass
class ProofReport:
    checkpoint: str  # the signed note, verbatim
    size: int
    root: str
    verifier_key: str
    signature_ok: bool
    entries: list[EntryProof]
    tlog_proof: str | None  # c2sp.org/tlog-proof@v1 for the dispatch entry, for offline use
    problem: str | None = None
    # With a witness policy: {"quorum", "cosigners", "met"}; None when there is no policy.
    witnesses: dict[str, object] | None = None

    @property
    def ok(self) -> bool:
        witnessed = self.witnesses is None or bool(self.witnesses["met"])
        entries_ok = bool(self.entries) and all(e.ok for e in self.entries)
        return self.signature_ok and entries_ok and witnessed

    def public(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checkpoint": self.checkpoint,
            "size": self.size,
            "root": self.root,
            "verifier_key": self.verifier_key,
            "signature_ok": self.signature_ok,
            "problem": self.problem,
            "entries": [e.public() for e in self.entries],
            "tlog_proof": self.tlog_proof,
            "witnesses": self.witnesses,
        }


def delivery_entries(delivery: Delivery) -> list[tuple[str, int]]:
    """The ledger indices recorded on a delivery and its custody chain, in log order."""
    found: list[tuple[str, int]] = []
    if delivery.dispatch_entry is not None:
        found.append(("dispatch", delivery.dispatch_entry))
    for h in delivery.handovers:
        if h.entry_index is not None:
            found.append(("handover", h.entry_index))
        found += [
            ("evidence", e.entry_index)
            for e in h.evidence
            if e.public and e.entry_index is not None
        ]
    found += [("receipt", r.entry_index) for r in delivery.receipts if r.entry_index is not None]
    unique = {index: what for what, index in reversed(found)}
    return sorted(((what, index) for index, what in unique.items()), key=lambda p: p[1])


def witnessed_checkpoint(
    session: Session, delivery: Delivery, latest: LedgerCheckpoint, policy: Policy | None
) -> LedgerCheckpoint:
    """With a policy, the newest checkpoint the quorum cosigned, if it covers the delivery's
    entries; otherwise the latest (whose report then says the quorum is missing)."""
    if policy is None:
        return latest
    witnessed = newest_witnessed(session, policy)
    indices = [index for _what, index in delivery_entries(delivery)]
    if witnessed is not None and indices and witnessed.checkpoint.size > max(indices):
        return witnessed.checkpoint
    return latest


def check_delivery(
    session: Session,
    delivery: Delivery,
    checkpoint: LedgerCheckpoint,
    verifier: note.Verifier,
    policy: Policy | None = None,
) -> ProofReport:
    """Inclusion of each of the delivery's entries in the signed checkpoint's tree, and,
    with a witness policy, whether the policy's quorum cosigned that checkpoint."""
    signed_note = cosigned_note(session, checkpoint)
    report = ProofReport(
        signed_note, checkpoint.size, b64(checkpoint.root), verifier.key, False, [], None
    )
    try:
        signed = note.open_checkpoint(signed_note, [verifier])
    except ValueError as exc:
        report.problem = f"checkpoint signature: {exc}"
        return report
    report.signature_ok = True
    if policy is not None:
        try:
            names = policy.cosigners(signed_note)
        except ValueError as exc:
            names, report.problem = [], f"cosignature: {exc}"
        met = policy.satisfied(names)
        report.witnesses = {"quorum": policy.describe_quorum(), "cosigners": names, "met": met}
        if not met and report.problem is None:
            report.problem = "the witnesses' quorum has not cosigned this checkpoint yet"
    for what, index in delivery_entries(delivery):
        report.entries.append(_check_entry(session, what, index, signed))
    first = report.entries[0] if report.entries else None
    if first is not None and first.what == "dispatch" and first.ok:
        hashes = [base64.b64decode(h) for h in first.proof]
        report.tlog_proof = note.format_tlog_proof(first.index, hashes, signed_note)
    return report


def _check_entry(session: Session, what: str, index: int, signed: note.Checkpoint) -> EntryProof:
    proof = EntryProof(index, what)
    entry = session.get(LedgerEntry, index)
    if entry is None or index >= signed.size:
        proof.problem = "the entry is not in the signed tree"
        return proof
    leaf = merkle.leaf_hash(entry.body.encode("utf-8"))
    proof.kind, proof.body, proof.leaf_hash = entry.kind, entry.body, b64(leaf)
    try:
        path = inclusion_proof(session, index, signed.size)
        proof.proof = [b64(h) for h in path]
        merkle.verify_inclusion(leaf, index, signed.size, path, signed.root)
    except (ValueError, LedgerCorrupt) as exc:
        proof.problem = str(exc)
        return proof
    proof.ok = True
    return proof


class OldStatus(enum.StrEnum):
    OK = "ok"  # signed by us, and the latest tree extends it
    FAILS = "fails"  # signed by us (or claiming to be), but it does not check out
    NOT_OURS = "not_ours"  # a well-formed note another log (or nobody we know) signed
    MALFORMED = "malformed"  # not a signed checkpoint note at all


@dataclass
class OldCheck:
    status: OldStatus
    detail: str
    old_size: int | None = None
    new_size: int | None = None
    proof: list[str] = field(default_factory=list)

    def public(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "detail": self.detail,
            "old_size": self.old_size,
            "new_size": self.new_size,
            "proof": self.proof,
        }


def normalise_paste(text: str) -> str:
    """Undo what copying and pasting does to a note: CRLF, trailing spaces, a lost newline."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return "\n".join(line.rstrip(" \t") for line in lines) + "\n"


def check_old_checkpoint(
    session: Session,
    pasted: str,
    latest: LedgerCheckpoint,
    verifier: note.Verifier,
    code: str | None = None,
) -> OldCheck:
    """Is the pasted signed checkpoint ours, and is the latest tree an extension of it?

    A pasted proof code must prove an entry of delivery `code` (the page it was pasted
    on): a forged manifest could pair a look-alike page with another delivery's genuine
    proof. The page that entry belongs to is named from the log's origin, never from the
    proof's unsigned extra line."""
    if not pasted.strip() or len(pasted) > PASTE_LIMIT:
        return OldCheck(OldStatus.MALFORMED, "empty or far too long to be a checkpoint note")
    text = normalise_paste(pasted)
    proof: note.TlogProof | None = None
    if text.startswith(note.TLOG_PROOF_HEADER):
        # The whole QR text of a manifest: its checkpoint is checked like a pasted one, and
        # its inclusion proof against the entry as stored today.
        try:
            proof = note.parse_tlog_proof(text)
        except ValueError as exc:
            return OldCheck(OldStatus.MALFORMED, str(exc))
        text = proof.checkpoint
    split = text.rfind("\n\n")
    if split < 0:
        return OldCheck(OldStatus.MALFORMED, "no blank line before the signature lines")
    try:
        body = note.parse_checkpoint(text[: split + 1])
    except ValueError as exc:
        return OldCheck(OldStatus.MALFORMED, str(exc))
    signatures = text[split + 2 :].rstrip("\n").split("\n")
    ours = f"{note.SIG_PREFIX}{verifier.name} "
    if body.origin != verifier.name or not any(s.startswith(ours) for s in signatures):
        return OldCheck(
            OldStatus.NOT_OURS,
            f"the checkpoint is for {body.origin!r}, and this log is {verifier.name!r}",
        )
    try:
        old = note.open_checkpoint(text, [verifier])
    except ValueError as exc:
        return OldCheck(OldStatus.FAILS, f"signature: {exc}", body.size, latest.size)
    result = OldCheck(OldStatus.FAILS, "", old.size, latest.size)
    if proof is not None:
        entry = session.get(LedgerEntry, proof.index)
        try:
            if entry is None:
                raise ValueError(f"entry {proof.index} is not in the log")
            merkle.verify_inclusion(
                merkle.leaf_hash(entry.body.encode("utf-8")),
                proof.index,
                old.size,
                proof.hashes,
                old.root,
            )
        except ValueError as exc:
            result.detail = f"the proof of entry {proof.index}: {exc}"
            return result
        proven = paper.entry_code(entry.body.encode("utf-8"))
        if code is not None and proven != code:
            where = paper.verify_page(old.origin, proven) if proven else "no delivery"
            result.detail = f"the proof is of entry {proof.index}, which belongs to {where}"
            return result
    if old.size > latest.size:
        result.detail = "it claims a larger tree than the latest signed checkpoint"
        return result
    try:
        path = consistency_proof(session, old.size, latest.size) if old.size else []
        result.proof = [b64(h) for h in path]
        if old.size:
            merkle.verify_consistency(old.size, latest.size, path, old.root, latest.root)
    except (ValueError, LedgerCorrupt) as exc:
        result.detail = str(exc)
        return result
    result.status, result.detail = OldStatus.OK, "consistent"
    return result
