# ruff: noqa: S310 - every URL opened here is a witness this module started on loopback
"""Witnesses as separate processes (python -m coordination.witness serve), for tests."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WitnessProcess:
    name: str
    vkey: str
    url: str
    process: subprocess.Popen[str]


def run_witness(directory: Path, name: str, log_keys: list[str]) -> WitnessProcess:
    """Make a key, write the logs file, start `serve` on a port the OS picks; wait for it."""
    directory.mkdir(parents=True, exist_ok=True)
    key, logs = directory / "witness.key", directory / "logs.txt"
    logs.write_text("".join(f"log {k}\n" for k in log_keys), encoding="utf-8")
    made = subprocess.run(
        [sys.executable, "-m", "coordination.witness", "keygen", "--key", str(key), "--name", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    vkey = made.stdout.strip()
    args = ["serve", "--db", str(directory / "state.db"), "--key", str(key), "--port", "0"]
    process = subprocess.Popen(
        [sys.executable, "-m", "coordination.witness", *args, "--logs", str(logs), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=(directory / "stderr.txt").open("w"),
        text=True,
    )
    assert process.stdout is not None
    banner = process.stdout.readline()  # printed once the socket listens
    if " on http://" not in banner:
        process.kill()
        raise RuntimeError(f"witness {name} did not start: {banner!r}")
    url = banner.split(" on ", 1)[1].split()[0].rstrip("/")
    return WitnessProcess(name, vkey, url, process)


@contextmanager
def witnesses(
    directory: Path, names: list[str], log_keys: list[str]
) -> Iterator[list[WitnessProcess]]:
    started: list[WitnessProcess] = []
    try:
        for name in names:
            started.append(run_witness(directory / name.replace("/", "_"), name, log_keys))
        yield started
    finally:
        for w in started:
            w.process.terminate()
        for w in started:
            try:
                w.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                w.process.kill()
                w.process.wait()
            if w.process.stdout is not None:
                w.process.stdout.close()


def post(url: str, body: bytes) -> tuple[int, str, str]:
    """(status, content type, body) of a POST, errors included."""
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()
