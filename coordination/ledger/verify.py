"""Offline verifier for a ledger export: python -m coordination.ledger.verify DIR [--key VKEY]

Needs only the standard library and `cryptography`, and only this folder
(coordination/ledger/): copy it next to the export on any machine and run it, years later.
`python path/to/ledger/verify.py DIR` works too, without importing the parent package.

Export directory format (written by export_format.write_export):

    DIR/entries.jsonl      one line per entry, in index order from 0:
                           {"index": i, "body": "<canonical JSON text>"}
                           The UTF-8 bytes of `body` are the Merkle leaf data. Canonical
                           means json.dumps(obj, sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False) reproduces it byte for byte. Other members of
                           the line object are ignored: no signature covers them.
    DIR/checkpoints.jsonl  one line per signed checkpoint, in increasing size:
                           {"size": n, "note": "<C2SP signed note of a tlog-checkpoint>"}
    DIR/verifier.key       the log's verifier key line: name+keyid+base64(0x01||pubkey)
    DIR/leaves.bin         optional: 32 bytes per entry, the leaf hashes the log stored

Checks: indices are contiguous from 0 and every body is canonical; every checkpoint's
signature verifies with the key, its origin is the key's name, its root equals the root
recomputed from the entries at its size, and it is consistent with the checkpoint before
it; the last checkpoint covers every entry (unsigned entries are an error).

Witnesses: with --policy FILE (a C2SP tlog-policy), every entry must also be covered by a
checkpoint whose cosignatures (extra signature lines of its note) meet the policy's quorum;
the result names the witnesses that cosigned. A single document's proof is checked with

    python -m coordination.ledger.verify --proof QR.txt --entry ENTRY.txt --key VKEY [--policy FILE]
        [--url ADDRESS]

where ENTRY.txt holds the entry's canonical JSON text (the leaf data). The answer names the
page to open, from the signed origin and the entry's delivery code (paper.py), never from
the proof's unsigned extra line; --url, the document's address code, must be that page.

Trust: without --key, the key in DIR/verifier.key is trusted. Pass the key the log
published (--key name+keyid+base64, or a file holding it) so that a log rewritten and
re-signed with a different key, verifier.key included, is caught.

first_bad_index is the first entry the export fails to prove: a malformed or misplaced
entry, or, when a checkpoint's root differs, the first altered, missing or reordered entry,
however far apart checkpoints are: the stored leaf hashes (leaves.bin) are checked against
the signed root (their tree must give it, so they are the log's own), and the first entry
whose recomputed leaf differs from its stored one is named. Without leaves.bin, or if its
hashes do not give the signed root either, only the checkpoint interval can be named.
Exit status 0 means verified, 1 means not, naming that index.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

try:
    from . import merkle, note, paper
    from .export_format import (
        CHECKPOINTS_FILE,
        ENTRIES_FILE,
        LEAVES_FILE,
        VERIFIER_KEY_FILE,
        scan_entries,
    )
    from .policy import Policy, parse_policy, verify_tlog_proof
except ImportError:
    if __package__:
        raise
    # Run by file path: there is no parent package for the relative imports, and importing
    # the real one would import the Flask app. Load this folder alone as a package.
    import runpy
    import types

    _package = types.ModuleType("_aidtrail_ledger")
    _package.__path__ = [str(Path(__file__).resolve().parent)]
    sys.modules[_package.__name__] = _package
    runpy.run_module(f"{_package.__name__}.verify", run_name="__main__", alter_sys=True)
    raise SystemExit(0) from None


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    first_bad_index: int | None
    message: str
    entries: int = 0
    checkpoints: int = 0


class _PackedTree:
    """Every perfect aligned subtree of the export's tree, 32 bytes per node per level.

    Built once (n - 1 hashes, about as much work as one root), after which each
    checkpoint root and consistency proof is O(log n) lookups instead of a rescan, and
    packing avoids a Python object per node (64 MB rather than ~200 MB for 1M entries).
    """

    def __init__(self, leaf_hashes: bytes) -> None:
        sha256 = hashlib.sha256
        level = leaf_hashes
        self.levels = [level]
        while len(level) >= 64:
            pairs = range(0, len(level) - 63, 64)
            level = b"".join([sha256(b"\x01" + level[i : i + 64]).digest() for i in pairs])
            self.levels.append(level)
        self.subtree = merkle.subtree_from_stored(self.get_node)

    def get_node(self, level: int, position: int) -> bytes:
        return self.levels[level][position * 32 : position * 32 + 32]

    def root(self, size: int) -> bytes:
        return merkle.root_from(self.subtree, size)


def _fail(index: int, message: str, entries: int, checkpoints: int) -> VerifyResult:
    return VerifyResult(False, index, message, entries, checkpoints)


def _locate(base: Path, leaf_hashes: bytes, good: int, size: int, root: bytes) -> tuple[int, str]:
    """The first entry in [good, size) whose leaf is not the one the signed root covers."""
    interval = (
        good,
        f"the signed root differs from the entries' root; an entry in [{good}, {size})"
        " was altered, removed or inserted",
    )
    try:
        stored = (base / LEAVES_FILE).read_bytes()
    except OSError:
        return interval
    if len(stored) < size * 32 or _PackedTree(stored[: size * 32]).root(size) != root:
        return interval[0], interval[1] + f" ({LEAVES_FILE} does not give the signed root)"
    for index in range(good, size):
        at = slice(index * 32, index * 32 + 32)
        if leaf_hashes[at] != stored[at]:  # past the export's end: b"" differs as well
            return index, (
                f"entry {index} is not the one the signed root covers (altered, missing or moved)"
            )
    return interval  # unreachable: equal leaves would give the signed root


def _load_key(directory: Path, trusted_key: str | None) -> note.Verifier:
    key_file = directory / VERIFIER_KEY_FILE
    found = key_file.read_text(encoding="utf-8").strip() if key_file.exists() else None
    if trusted_key is not None:
        trusted = note.Verifier.from_key(trusted_key.strip())
        if found is not None and found != trusted.key:
            raise ValueError(f"{VERIFIER_KEY_FILE} holds {found}, not the trusted key")
        return trusted
    if found is None:
        raise ValueError(f"{VERIFIER_KEY_FILE} is missing and no --key was given")
    return note.Verifier.from_key(found)


def verify_export(
    directory: str | Path,
    *,
    trusted_key: str | None = None,
    workers: int | None = None,
    policy: Policy | None = None,
) -> VerifyResult:
    """Verify an export directory; see the module docstring for the format and checks."""
    base = Path(directory)
    try:
        verifier = _load_key(base, trusted_key)
    except (OSError, ValueError) as exc:
        return _fail(0, f"verifier key: {exc}", 0, 0)
    try:
        scan = scan_entries(base / ENTRIES_FILE, workers)
        checkpoint_lines = (base / CHECKPOINTS_FILE).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return _fail(0, f"cannot read export: {exc}", 0, 0)

    tree = _PackedTree(scan.leaf_hashes)
    good, good_root, last_listed, done = 0, merkle.EMPTY_ROOT, -1, 0
    witnessed = 0
    cosigners: list[str] = []
    for line_no, line in enumerate(checkpoint_lines, start=1):
        where = f"checkpoint on line {line_no}"
        try:
            record = json.loads(line)
            size, text = record["size"], record["note"]
        except (ValueError, TypeError, KeyError):
            return _fail(good, f"{where} is not a {{size, note}} object", scan.count, done)
        if type(size) is not int or not isinstance(text, str) or size <= last_listed:
            return _fail(good, f"{where}: size must be an int above the last", scan.count, done)
        last_listed = size
        if size > scan.count:
            if scan.error is not None:
                break  # that entry is the first problem; reported below
            msg = f"{where} signs size {size}, but the export has {scan.count} entries"
            try:  # an entry removed and the rest renumbered: which one is gone?
                signed = note.open_checkpoint(text, [verifier])
                index, found = _locate(base, scan.leaf_hashes, good, size, signed.root)
            except ValueError:
                index, found = scan.count, ""
            if index < scan.count and signed.size == size:
                msg += f"; {found}"
            else:
                index = scan.count
            return _fail(index, msg, scan.count, done)
        try:
            checkpoint = note.open_checkpoint(text, [verifier])
        except ValueError as exc:
            return _fail(good, f"{where} (size {size}): {exc}", scan.count, done)
        if checkpoint.size != size:
            msg = f"{where} is listed as size {size} but signs size {checkpoint.size}"
            return _fail(good, msg, scan.count, done)
        if checkpoint.root != tree.root(size):
            index, msg = _locate(base, scan.leaf_hashes, good, size, checkpoint.root)
            return _fail(index, f"{where} (size {size}): {msg}", scan.count, done)
        # Both roots were just recomputed from the same entries, so this cannot fail unless
        # the tree code is wrong; it costs O(log n) and checks what an auditor would check.
        if good > 0:
            try:
                proof = merkle.consistency_proof_from(tree.subtree, good, size)
                merkle.verify_consistency(good, size, proof, good_root, checkpoint.root)
            except ValueError as exc:
                return _fail(good, f"{where} (size {size}): {exc}", scan.count, done)
        good, good_root, done = size, checkpoint.root, done + 1
        if policy is not None:
            try:
                names = policy.cosigners(text)
            except ValueError as exc:
                return _fail(good, f"{where} (size {size}): {exc}", scan.count, done)
            if policy.satisfied(names):
                witnessed, cosigners = size, names

    if scan.error is not None:
        return _fail(scan.count, f"entry {scan.count}: {scan.error}", scan.count, done)
    if good < scan.count:
        msg = f"entries [{good}, {scan.count}) are not covered by any signed checkpoint"
        return _fail(good, msg, scan.count, done)
    message = (
        f"{scan.count} entries and {done} checkpoints verified; root "
        f"{good_root.hex()[:16]}... signed by {verifier.name}+{verifier.key_id:08x}"
    )
    if policy is not None:
        if witnessed < scan.count:
            msg = (
                f"entries [{witnessed}, {scan.count}) are not covered by a checkpoint that "
                f"the witness policy's quorum ({policy.describe_quorum()}) cosigned"
            )
            return _fail(witnessed, msg, scan.count, done)
        who = ", ".join(cosigners) or "no witness needed"
        message += f"; checkpoint {witnessed} cosigned by {who} ({policy.describe_quorum()})"
    return VerifyResult(True, None, message, scan.count, done)


def verify_proof(
    proof_text: str,
    entry_text: str,
    trusted_key: str | None,
    policy: Policy | None,
    url: str | None = None,
) -> VerifyResult:
    """One tlog-proof (a document's proof code) for one entry, with the policy's quorum.

    The page to open is named from the signed checkpoint's origin and the entry's delivery
    code, never from the proof's unsigned extra line; `url`, the document's address code,
    must be that page (paper.py)."""
    try:
        logs = [note.Verifier.from_key(trusted_key.strip())] if trusted_key else []
        if not logs and (policy is None or not policy.logs):
            raise ValueError("give the log's key (--key) or a policy with a log line")
        entry = entry_text.encode("utf-8")
        names: list[str] = []
        if policy is None:
            checkpoint = note.verify_tlog_proof(proof_text, entry, logs)
        else:
            checkpoint, names = verify_tlog_proof(proof_text, entry, policy, logs)
    except ValueError as exc:
        index = _proof_index(proof_text)
        return VerifyResult(False, index, f"proof of entry {index}: {exc}")
    index = note.parse_tlog_proof(proof_text).index
    message = f"entry {index} is in {checkpoint.origin} at tree size {checkpoint.size}"
    if policy is not None:
        who = ", ".join(names) or "no witness needed"
        message += f"; cosigned by {who} ({policy.describe_quorum()})"
    try:
        code = paper.entry_code(entry)
        page = paper.verify_page(checkpoint.origin, code) if code else None
    except ValueError:
        page = None
    if page is not None:
        message += f"; its page: {page}"
    if url is not None and (page is None or not paper.same_page(url, page)):
        return VerifyResult(
            False, index, f"the address code opens {url}, which is not this log's page {page}"
        )
    return VerifyResult(True, None, message, 1, 1)


def _proof_index(proof_text: str) -> int | None:
    try:
        return note.parse_tlog_proof(proof_text).index
    except ValueError:
        return None


def _read_arg(value: str | None) -> str | None:
    if value is not None and Path(value).is_file():
        return Path(value).read_text(encoding="utf-8")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coordination.ledger.verify",
        description="Verify an AidTrail ledger export, or one document's proof, offline.",
    )
    parser.add_argument("directory", nargs="?", help="export directory (entries.jsonl, ...)")
    parser.add_argument("--key", help="trusted verifier key, or a file that holds it")
    parser.add_argument("--policy", help="C2SP tlog-policy file: witnesses and quorum")
    parser.add_argument("--proof", help="a tlog-proof file to check instead of an export")
    parser.add_argument("--entry", help="with --proof: file with the entry's JSON text")
    parser.add_argument("--url", help="with --proof: the document's address code, to check it")
    parser.add_argument("--workers", type=int, help="processes for parsing (default: CPUs)")
    args = parser.parse_args(argv)
    key = _read_arg(args.key)
    try:
        policy_text = _read_arg(args.policy)
        policy = parse_policy(policy_text) if policy_text is not None else None
    except ValueError as exc:
        parser.error(f"--policy: {exc}")
    if args.proof is not None:
        if args.entry is None:
            parser.error("--proof needs --entry")
        proof_text = Path(args.proof).read_text(encoding="utf-8")
        entry_text = Path(args.entry).read_text(encoding="utf-8").removesuffix("\n")
        result = verify_proof(proof_text, entry_text, key, policy, args.url)
    elif args.directory is None:
        parser.error("give an export directory, or --proof and --entry")
    else:
        result = verify_export(args.directory, trusted_key=key, workers=args.workers, policy=policy)
    if result.ok:
        print(f"OK: {result.message}")
        return 0
    print(f"FAILED at index {result.first_bad_index}: {result.message}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
