"""Check a printed manifest offline: its proof code against the entry printed in its appendix.

    python -m coordination.documents.proofcheck PROOF.txt ENTRY.txt --key name+keyid+base64
        [--url ADDRESS] [--policy POLICY.txt]

PROOF.txt holds the decoded proof code (a c2sp.org/tlog-proof@v1); ENTRY.txt the text of
the manifest's appendix page, or just the entry lines between "BEGIN LEDGER ENTRY <index>"
and "END LEDGER ENTRY". The entry's printed lines, joined without separators, are the
canonical JSON whose UTF-8 bytes are the Merkle leaf; the proof must carry it, at that
index, into a checkpoint the key signed. The page to open is derived from that signed
checkpoint's origin and the entry's delivery code (ledger/paper.py); --url, the decoded
address code, must be that page, so a forged address code is caught. A proof's "extra"
line, signed by nobody, is never read.
With --policy (a C2SP tlog-policy) the checkpoint must also carry cosignatures from the
policy's quorum of witnesses, and the answer names them.
Uses only the standard library, `cryptography` and coordination/ledger (note, paper, policy).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coordination.ledger import note, paper
from coordination.ledger.notekeys import Verifier
from coordination.ledger.policy import Policy, parse_policy, verify_tlog_proof

ENTRY_BEGIN = "BEGIN LEDGER ENTRY"
ENTRY_END = "END LEDGER ENTRY"


def printed_entry(text: str) -> tuple[int, str]:
    """(index, entry text) from a page's extracted text; ValueError if none is printed."""
    lines = [line.strip() for line in text.splitlines()]
    starts = [i for i, line in enumerate(lines) if line.startswith(ENTRY_BEGIN + " ")]
    if len(starts) != 1:
        raise ValueError("the text must hold exactly one printed ledger entry")
    start = starts[0]
    index_text = lines[start][len(ENTRY_BEGIN) + 1 :]
    if not index_text.isdigit():
        raise ValueError("the printed entry has no index")
    try:
        end = lines.index(ENTRY_END, start)
    except ValueError:
        raise ValueError("the printed entry has no end line") from None
    return int(index_text), "".join(lines[start + 1 : end])


def check(
    proof_text: str, page_text: str, verifier_key: str, url: str | None = None
) -> paper.PaperCheck:
    """What the paper proves; ValueError names what fails (a forged address included)."""
    index, entry = printed_entry(page_text)
    check_witnessed(proof_text, page_text, verifier_key, None)
    result = paper.check_paper(proof_text, entry.encode("utf-8"), verifier_key, url)
    if result.index != index:
        raise ValueError(f"the code proves entry {result.index}, the paper prints entry {index}")
    if not result.scanned_ok:
        raise ValueError(
            f"the address code opens {url}, which is not this log's page {result.page}"
        )
    return result


def check_witnessed(
    proof_text: str, page_text: str, verifier_key: str, policy: Policy | None
) -> tuple[note.Checkpoint, list[str]]:
    """As check(), and with a policy also its quorum; returns the witnesses that cosigned."""
    index, entry = printed_entry(page_text)
    proof = note.parse_tlog_proof(proof_text)
    if proof.index != index:
        raise ValueError(f"the code proves entry {proof.index}, the paper prints entry {index}")
    verifier = Verifier.from_key(verifier_key.strip())
    if policy is None:
        return note.verify_tlog_proof(proof_text, entry.encode("utf-8"), [verifier]), []
    return verify_tlog_proof(proof_text, entry.encode("utf-8"), policy, [verifier])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("qr", type=Path, help="file with the decoded proof code's text")
    parser.add_argument("entry", type=Path, help="file with the printed entry's text")
    parser.add_argument("--key", required=True, help="the log's verifier key, or a file")
    parser.add_argument("--url", help="the decoded address code, to check it too")
    parser.add_argument("--policy", type=Path, help="C2SP tlog-policy: witnesses and quorum")
    args = parser.parse_args(argv)
    key = args.key
    if Path(key).is_file():
        key = Path(key).read_text(encoding="utf-8")
    proof_text = args.qr.read_text(encoding="utf-8")
    page_text = args.entry.read_text(encoding="utf-8")
    try:
        policy = parse_policy(args.policy.read_text(encoding="utf-8")) if args.policy else None
        checkpoint, names = check_witnessed(proof_text, page_text, key, policy)
        result = check(proof_text, page_text, key, args.url)
    except ValueError as exc:
        print(f"NOT VERIFIED: {exc}")
        return 1
    print(f"VERIFIED: the entry is in {checkpoint.origin} at tree size {checkpoint.size}")
    if policy is not None:
        print(f"cosigned by {', '.join(names) or 'no witness'} ({policy.describe_quorum()})")
    print(f"Its page: {result.page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
