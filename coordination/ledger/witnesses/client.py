"""HTTP to a witness: POST <submission prefix>/add-checkpoint (C2SP tlog-witness)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from coordination.ledger.notekeys import b64

MAX_ANSWER = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no HTTP answer at all (refused, timed out, bad URL)
    content_type: str
    body: str


def request_body(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    lines = [f"old {old_size}", *(b64(h) for h in proof), ""]
    return ("\n".join(lines) + "\n" + note).encode("utf-8")


def add_checkpoint(prefix: str, body: bytes, timeout: float) -> Answer:
    url = prefix.rstrip("/") + "/add-checkpoint"
    if urlsplit(url).scheme not in ("http", "https"):
        return Answer(0, "", "the witness URL must be http or https")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            return _answer(response.status, response.headers, response.read(MAX_ANSWER))
    except urllib.error.HTTPError as exc:
        return _answer(exc.code, exc.headers, exc.read(MAX_ANSWER))
    except (OSError, ValueError) as exc:
        return Answer(0, "", f"no answer: {exc}"[:200])


def _answer(status: int, headers: object, data: bytes) -> Answer:
    content_type = getattr(headers, "get", lambda *_: "")("Content-Type", "") or ""
    return Answer(status, content_type, data.decode("utf-8", errors="replace"))
