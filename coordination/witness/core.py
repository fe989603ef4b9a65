"""add-checkpoint per C2SP tlog-witness, without HTTP: bytes in, (status, body) out.

Status codes are the spec's: 400 malformed request or old size above the checkpoint's,
404 unknown origin, 403 no trusted log signature, 409 old size is not the size this
witness holds (or the same size with another root; the body is the held size, as
text/x.tlog.size), 422 consistency proof does not verify, 200 with a cosignature line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from coordination.ledger import merkle, note
from coordination.ledger.cosignature import Cosigner
from coordination.ledger.notekeys import Verifier, b64decode_strict

from .state import Stored, WitnessState

MAX_BODY = 64 * 1024
MAX_PROOF_LINES = 63  # the spec's limit for clients
SIZE_TYPE = "text/x.tlog.size"
TEXT_TYPE = "text/plain; charset=utf-8"

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    content_type: str = TEXT_TYPE


@dataclass(frozen=True)
class Request:
    old_size: int
    proof: list[bytes]
    note: str


def parse_request(body: bytes) -> Request:
    """old size line, proof lines, blank line, signed checkpoint; ValueError if malformed."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("request body is not UTF-8") from None
    line, sep, rest = text.partition("\n")
    if not sep or not line.startswith("old ") or not _DECIMAL.fullmatch(line[4:]):
        raise ValueError("the first line must be 'old <size>' (decimal, no leading zeros)")
    proof: list[bytes] = []
    while True:
        line, sep, rest = rest.partition("\n")
        if not sep:
            raise ValueError("no blank line before the checkpoint")
        if not line:
            break
        if len(proof) == MAX_PROOF_LINES:
            raise ValueError(f"more than {MAX_PROOF_LINES} consistency proof lines")
        digest = b64decode_strict(line, "consistency proof line")
        if len(digest) != merkle.HASH_SIZE:
            raise ValueError("consistency proof hashes must be 32 bytes")
        proof.append(digest)
    return Request(int(text[4 : text.index("\n")]), proof, rest)


def read_logs(text: str) -> dict[str, list[Verifier]]:
    """The logs file: one log verifier key per line ('log <vkey> [url]' or just the vkey).

    A key's name is its log's origin line; '#' starts a comment line.
    """
    logs: dict[str, list[Verifier]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        vkey = words[1] if words[0] == "log" and len(words) >= 2 else words[0]
        try:
            verifier = Verifier.from_key(vkey)
        except ValueError as exc:
            raise ValueError(f"logs file line {number}: {exc}") from None
        logs.setdefault(verifier.name, []).append(verifier)
    return logs


class Witness:
    def __init__(
        self,
        state: WitnessState,
        cosigner: Cosigner,
        logs: dict[str, list[Verifier]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state, self.cosigner, self.logs, self.clock = state, cosigner, logs, clock

    def add_checkpoint(self, body: bytes) -> Reply:
        if len(body) > MAX_BODY:
            return Reply(400, f"request body is over {MAX_BODY} bytes\n")
        try:
            request = parse_request(body)
            text = note.parse_checkpoint(_note_text(request.note))
        except ValueError as exc:
            return Reply(400, f"malformed request: {exc}\n")
        verifiers = self.logs.get(text.origin)
        if verifiers is None:
            return Reply(404, "unknown log origin\n")
        try:
            checkpoint = note.open_checkpoint(request.note, verifiers)
        except ValueError as exc:
            return Reply(403, f"no valid signature from the log's key: {exc}\n")
        if request.old_size > checkpoint.size:
            return Reply(400, "old size is larger than the checkpoint's size\n")
        now = int(self.clock())
        with self.state.transaction() as tx:
            stored = tx.get(checkpoint.origin)
            reply = _check(stored, request, checkpoint)
            if reply is not None:
                tx.refuse(checkpoint.origin, request.old_size, request.note, reply.body, now)
                return reply
            new = Stored(checkpoint.origin, checkpoint.size, checkpoint.root, request.note)
            tx.put(new, now)
        # Persisted (committed) before answering, as the spec requires.
        return Reply(200, self.cosigner.cosign(_note_text(request.note), now))

    def status(self) -> str:
        lines = [f"witness {self.cosigner.verifier.key}"]
        held = {s.origin: s for s in self.state.all()}
        for origin in sorted(self.logs):
            size = held[origin].size if origin in held else 0
            lines.append(f"log {origin} {size}")
        return "\n".join(lines) + "\n"


def _note_text(note_text: str) -> str:
    split = note_text.rfind("\n\n")
    if split < 0:
        raise ValueError("the checkpoint has no signature lines")
    return note_text[: split + 1]


def _check(stored: Stored | None, request: Request, checkpoint: note.Checkpoint) -> Reply | None:
    held = stored.size if stored is not None else 0
    conflict = Reply(409, f"{held}\n", SIZE_TYPE)
    if request.old_size != held:
        return conflict
    if stored is None or stored.size == 0:
        if request.proof:
            return Reply(422, "the consistency proof must be empty when old size is 0\n")
        return None
    if checkpoint.size == stored.size and checkpoint.root != stored.root:
        return conflict  # the same size with another root: a fork, never cosigned
    try:
        merkle.verify_consistency(
            stored.size, checkpoint.size, request.proof, stored.root, checkpoint.root
        )
    except ValueError as exc:
        return Reply(422, f"consistency proof does not verify: {exc}\n")
    return None
