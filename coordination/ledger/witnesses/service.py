"""Ask the policy's witnesses to cosign the newest checkpoint, and keep what they sign.

`cosign_now` is the job a background worker should run hourly and after a document with
a proof is printed; no worker exists yet, so today only `flask ledger cosign` calls it.
It owns its transactions (commits between steps): a network call to a slow witness must
never hold the ledger's write lock, which every append needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.db import utcnow
from coordination.ledger import note
from coordination.ledger.checkpoints import sign_checkpoint
from coordination.ledger.cosignature import SIG_PREFIX, parse_signature_lines, split_note
from coordination.ledger.notekeys import b64
from coordination.ledger.policy import Policy, Witness
from coordination.ledger.proofs import consistency_proof
from coordination.ledger.witnesses import client
from coordination.ledger.witnesses.models import WitnessContact, WitnessCosignature
from coordination.ledger.witnesses.quorum import newest_witnessed, valid_cosignature

Ask = Callable[[str, bytes, float], client.Answer]


@dataclass
class WitnessResult:
    name: str
    outcome: str  # cosigned | already | refused | unreachable | skipped
    detail: str = ""


@dataclass
class CosignReport:
    size: int
    quorum: str
    results: list[WitnessResult] = field(default_factory=list)
    quorum_met: bool = False
    cosigners: list[str] = field(default_factory=list)


def cosign_now(
    session: Session,
    signer: note.Signer,
    policy: Policy,
    *,
    timeout: float = 10.0,
    ask: Ask = client.add_checkpoint,
) -> CosignReport:
    """Sign a checkpoint if the log grew, ask every witness to cosign it, store the answers.

    Returns who answered what, and whether the checkpoint now meets the quorum.
    """
    checkpoint = sign_checkpoint(session, signer)
    size, signed = checkpoint.size, checkpoint.note
    session.commit()
    report = CosignReport(size, policy.describe_quorum())
    for witness in policy.witnesses.values():
        report.results.append(_cosign_one(session, witness, size, signed, timeout, ask))
        session.commit()
    witnessed = newest_witnessed(session, policy, min_size=size)
    session.commit()
    if witnessed is not None:
        report.quorum_met, report.cosigners = True, witnessed.cosigners
    return report


def _proof(session: Session, old: int, size: int) -> list[bytes]:
    proof = consistency_proof(session, old, size) if 0 < old < size else []
    session.commit()  # a read, but on SQLite outside requests it holds the write lock
    return proof


def _cosign_one(
    session: Session, witness: Witness, size: int, signed: str, timeout: float, ask: Ask
) -> WitnessResult:
    key, text = witness.verifier.key, split_note(signed)[0]
    held = session.scalars(
        select(WitnessCosignature).where(
            WitnessCosignature.witness_key == key, WitnessCosignature.size == size
        )
    ).first()
    if held is not None and valid_cosignature(text, held):
        session.commit()
        return WitnessResult(witness.name, "already", f"cosigned size {size} before")
    if not witness.url:
        session.commit()
        return WitnessResult(witness.name, "skipped", "the policy gives no URL for it")
    contact = session.get(WitnessContact, key)
    old = contact.known_size if contact is not None and contact.known_size is not None else 0
    old = old if old <= size else 0  # it claims more than we have: let it say so (409)
    answer = ask(witness.url, client.request_body(old, _proof(session, old, size), signed), timeout)
    if answer.status == 409:
        learned = _held_size(answer)
        if learned is not None and learned != old and learned <= size:
            old = learned  # it holds another size than we thought: retry once from there
            body = client.request_body(old, _proof(session, old, size), signed)
            answer = ask(witness.url, body, timeout)
    return _record(session, witness, size, text, answer)


def _held_size(answer: client.Answer) -> int | None:
    body = answer.body
    if body.endswith("\n") and body[:-1].isascii() and body[:-1].isdigit():
        return int(body[:-1])
    return None


def _record(
    session: Session, witness: Witness, size: int, text: str, answer: client.Answer
) -> WitnessResult:
    key = witness.verifier.key
    contact = session.get(WitnessContact, key) or WitnessContact(witness_key=key)
    session.add(contact)
    contact.last_attempt_at = utcnow()
    if answer.status == 200:
        timestamp, line = _cosignature(witness, text, answer.body)
        if timestamp is not None:
            _store(session, key, size, timestamp, line)
            contact.known_size, contact.last_success_at, contact.last_error = size, utcnow(), None
            session.flush()
            return WitnessResult(witness.name, "cosigned", f"size {size}")
        result = WitnessResult(witness.name, "refused", "answered 200 without its cosignature")
    elif answer.status == 409:
        learned = _held_size(answer)
        contact.known_size = learned
        other = " of another tree" if learned == size else ""
        result = WitnessResult(witness.name, "refused", f"409: it holds size {learned}{other}")
    elif answer.status == 0:
        result = WitnessResult(witness.name, "unreachable", answer.body)
    else:
        first = answer.body.strip().splitlines()[0] if answer.body.strip() else ""
        result = WitnessResult(witness.name, "refused", f"{answer.status}: {first}"[:200])
    contact.last_error = f"{result.outcome}: {result.detail}"[:300]
    session.flush()
    return result


def _cosignature(witness: Witness, text: str, body: str) -> tuple[int | None, str]:
    """The witness's own valid cosignature line among those it answered, if any."""
    try:
        lines = parse_signature_lines(body)
    except ValueError:
        return None, ""
    verifier = witness.verifier
    for line in lines:
        if line.name == verifier.name and line.key_id == verifier.key_id:
            try:
                timestamp = verifier.verify(text, line.signature)
            except ValueError:
                continue
            return timestamp, f"{SIG_PREFIX}{line.name} {b64(line.signature)}\n"
    return None, ""


def _store(session: Session, key: str, size: int, timestamp: int, line: str) -> None:
    row = session.scalars(
        select(WitnessCosignature).where(
            WitnessCosignature.witness_key == key, WitnessCosignature.size == size
        )
    ).first()
    if row is None:
        session.add(WitnessCosignature(witness_key=key, size=size, timestamp=timestamp, line=line))
    else:  # a line left from a tree this size no longer has: replace it
        row.timestamp, row.line = timestamp, line
