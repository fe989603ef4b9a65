"""HTTP front of the witness: POST /add-checkpoint, and GET / for a plain status page."""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .core import MAX_BODY, TEXT_TYPE, Reply, Witness

SUBMISSION_PATH = "/add-checkpoint"


class WitnessServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], witness: Witness, quiet: bool = False) -> None:
        super().__init__(address, Handler)
        self.witness, self.quiet = witness, quiet


class Handler(BaseHTTPRequestHandler):
    server: WitnessServer
    protocol_version = "HTTP/1.1"  # keep-alive, which the spec asks witnesses to support
    server_version = "AidTrailWitness/1"

    def do_POST(self) -> None:
        if self.path != SUBMISSION_PATH:
            self._send(Reply(404, "not found\n"))
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(Reply(411, "Content-Length is required\n"), close=True)
            return
        if not 0 <= length <= MAX_BODY:
            self._send(Reply(400, f"request body is over {MAX_BODY} bytes\n"), close=True)
            return
        body = self.rfile.read(length)
        try:
            reply = self.server.witness.add_checkpoint(body)
        except Exception as exc:  # a bug or a full disk: answer, and keep serving others
            print(f"add-checkpoint failed: {exc!r}", file=sys.stderr)
            reply = Reply(500, "internal error\n")
        self._send(reply)

    def do_GET(self) -> None:
        if self.path != "/":
            self._send(Reply(404, "not found\n"))
            return
        self._send(Reply(200, self.server.witness.status()))

    def _send(self, reply: Reply, close: bool = False) -> None:
        data = reply.body.encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type or TEXT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)
