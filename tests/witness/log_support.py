"""An in-memory log signed with a real key: bodies, roots, checkpoints and proofs."""

from __future__ import annotations

from coordination.ledger import merkle, note
from coordination.ledger.notekeys import b64


class MemoryLog:
    def __init__(self, origin: str = "aidtrail.test/witnessed-log") -> None:
        self.signer = note.Signer.from_key(note.generate_signer(origin)[0])
        self.leaves: list[bytes] = []

    @property
    def vkey(self) -> str:
        return self.signer.verifier_key

    def grow(self, count: int, tag: str = "") -> None:
        start = len(self.leaves)
        self.leaves += [merkle.leaf_hash(f"entry {start + i}{tag}".encode()) for i in range(count)]

    def checkpoint(self, size: int | None = None) -> str:
        size = len(self.leaves) if size is None else size
        return note.sign_checkpoint(self.signer, size, merkle.root_hash(self.leaves[:size]))

    def request(self, old: int, size: int | None = None) -> bytes:
        size = len(self.leaves) if size is None else size
        proof = merkle.consistency_proof(self.leaves[:size], old) if 0 < old < size else []
        lines = [f"old {old}", *(b64(h) for h in proof), ""]
        return ("\n".join(lines) + "\n" + self.checkpoint(size)).encode()
