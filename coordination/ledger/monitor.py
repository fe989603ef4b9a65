"""Watch a log for a split view: python -m coordination.ledger.monitor URL [--state FILE]

Each poll fetches URL/ledger/checkpoint, checks its signature with the log's key (pinned
in the state file at the first poll, from --key or URL/ledger/key), and proves it
consistent with the last checkpoint this monitor saw, using URL/ledger/proof/consistency.
Two signed checkpoints that no consistency proof links are evidence that the operator
showed two histories: the monitor prints both notes (each verifiable by anyone with the
key), keeps them in the state file, and exits 3. Exit 0: consistent; 1: could not check.

Standard library and `cryptography` only, like the offline verifier.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

try:
    from . import merkle, note
except ImportError:  # run by file path: see verify.py for why this folder loads alone
    if __package__:
        raise
    import runpy
    import types

    _package = types.ModuleType("_aidtrail_ledger")
    _package.__path__ = [str(Path(__file__).resolve().parent)]
    sys.modules[_package.__name__] = _package
    runpy.run_module(f"{_package.__name__}.monitor", run_name="__main__", alter_sys=True)
    raise SystemExit(0) from None

SPLIT_VIEW = 3
MAX_ANSWER = 1024 * 1024


class SplitView(Exception):
    def __init__(self, reason: str, seen: str, served: str) -> None:
        super().__init__(reason)
        self.reason, self.seen, self.served = reason, seen, served

    def evidence(self) -> str:
        return (
            f"SPLIT VIEW: {self.reason}\n"
            "Both checkpoints below are signed by the log's key and cannot both be true.\n"
            f"--- checkpoint seen before ---\n{self.seen}"
            f"--- checkpoint served now ---\n{self.served}"
        )


def fetch(url: str, timeout: float = 30.0) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"{url}: only http and https are fetched")
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # nosec B310
        return str(response.read(MAX_ANSWER).decode("utf-8"))


def _consistency(base: str, first: int, second: int) -> list[bytes]:
    answer = json.loads(fetch(f"{base}/ledger/proof/consistency?from={first}&to={second}"))
    return [base64.b64decode(h, validate=True) for h in answer["proof"]]


def poll(base: str, state: dict[str, Any]) -> str:
    """One check; updates `state` and returns what it found; raises SplitView or ValueError."""
    if not state.get("key"):
        state["key"] = fetch(f"{base}/ledger/key").strip()
    verifier = note.Verifier.from_key(state["key"])
    served = fetch(f"{base}/ledger/checkpoint")
    new = note.open_checkpoint(served, [verifier])
    seen = state.get("checkpoint")
    if seen is None:
        state["checkpoint"] = served
        return f"first checkpoint: size {new.size}"
    old = note.open_checkpoint(seen, [verifier])
    if new.size == old.size:
        if new.root != old.root:
            raise SplitView(f"two different trees of size {new.size}", seen, served)
        return f"unchanged at size {new.size}"
    small, large = (old, new) if old.size < new.size else (new, old)
    try:
        proof = _consistency(base, small.size, large.size) if small.size else []
        if small.size:
            merkle.verify_consistency(small.size, large.size, proof, small.root, large.root)
    except (ValueError, KeyError, TypeError) as exc:
        reason = f"size {old.size} and size {new.size} are not consistent ({exc})"
        raise SplitView(reason, seen, served) from None
    if new.size < old.size:
        return f"stale: served size {new.size}, older than size {old.size} seen before"
    state["checkpoint"] = served
    return f"consistent: size {old.size} -> {new.size}"


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _save(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def run_once(base: str, path: Path, key: str | None) -> int:
    state = _load(path)
    if key and state.get("key") not in (None, key):
        print(f"the state file pins another key: {state['key']}", file=sys.stderr)
        return 1
    if key:
        state["key"] = key
    try:
        print(poll(base, state))
    except SplitView as split:
        state.setdefault("evidence", []).append(
            {"reason": split.reason, "seen": split.seen, "served": split.served}
        )
        _save(path, state)
        print(split.evidence())
        return SPLIT_VIEW
    except (OSError, ValueError, KeyError) as exc:
        print(f"could not check {base}: {exc}", file=sys.stderr)
        return 1
    _save(path, state)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coordination.ledger.monitor",
        description="Poll an AidTrail log and report a split view (inconsistent checkpoints).",
    )
    parser.add_argument("url", help="the AidTrail base address, e.g. https://aid.example")
    parser.add_argument("--state", type=Path, default=Path("aidtrail-monitor.json"))
    parser.add_argument("--key", help="the log's verifier key (default: pinned on first poll)")
    parser.add_argument("--interval", type=float, default=0, help="seconds between polls")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    while True:
        status = run_once(base, args.state, args.key)
        if status == SPLIT_VIEW or args.interval <= 0:
            return status
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
