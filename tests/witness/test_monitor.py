"""The monitor against a small log served over HTTP whose operator can misbehave."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from coordination.ledger import merkle
from coordination.ledger.monitor import SPLIT_VIEW, run_once
from coordination.ledger.notekeys import b64

from .log_support import MemoryLog


class LogServer(ThreadingHTTPServer):
    log: MemoryLog


class Handler(BaseHTTPRequestHandler):
    server: LogServer

    def do_GET(self) -> None:
        log = self.server.log
        url = urlsplit(self.path)
        if url.path == "/ledger/checkpoint":
            body = log.checkpoint()
        elif url.path == "/ledger/key":
            body = log.vkey + "\n"
        elif url.path == "/ledger/proof/consistency":
            q = {k: int(v[0]) for k, v in parse_qs(url.query).items()}
            if q["to"] > len(log.leaves):
                self.send_error(400)
                return
            proof = merkle.consistency_proof(log.leaves[: q["to"]], q["from"])
            body = json.dumps({"proof": [b64(h) for h in proof]})
        else:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served() -> Iterator[tuple[str, MemoryLog]]:
    server = LogServer(("127.0.0.1", 0), Handler)
    server.log = MemoryLog()
    server.log.grow(5)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.log
    server.shutdown()
    server.server_close()


def test_honest_growth_is_consistent_and_remembered(served, tmp_path: Path, capsys):
    url, log = served
    state = tmp_path / "state.json"
    assert run_once(url, state, None) == 0
    assert json.loads(state.read_text())["key"] == log.vkey  # pinned at the first poll
    log.grow(6)
    assert run_once(url, state, None) == 0
    assert run_once(url, state, None) == 0
    out = capsys.readouterr().out
    assert "first checkpoint: size 5" in out and "consistent: size 5 -> 11" in out
    assert "unchanged at size 11" in out
    assert json.loads(state.read_text())["checkpoint"] == log.checkpoint()


def test_a_rewritten_prefix_that_grew_is_a_split_view(served, tmp_path: Path, capsys):
    url, log = served
    state = tmp_path / "state.json"
    run_once(url, state, None)
    seen = log.checkpoint()
    log.leaves[2] = merkle.leaf_hash(b"another history")
    log.grow(4)
    assert run_once(url, state, None) == SPLIT_VIEW
    out = capsys.readouterr().out
    assert "SPLIT VIEW: size 5 and size 9 are not consistent" in out
    assert seen in out and log.checkpoint() in out
    evidence = json.loads(state.read_text())["evidence"]
    assert evidence[0]["seen"] == seen and evidence[0]["served"] == log.checkpoint()
    # The state keeps the checkpoint seen first: the fork is flagged on every later poll.
    assert run_once(url, state, None) == SPLIT_VIEW


def test_another_key_is_not_accepted(served, tmp_path: Path, capsys):
    url, log = served
    state = tmp_path / "state.json"
    other = MemoryLog(log.signer.name)
    assert run_once(url, state, other.vkey) == 1
    assert "could not check" in capsys.readouterr().err
