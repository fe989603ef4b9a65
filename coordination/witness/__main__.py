"""Command line of the witness.

python -m coordination.witness keygen --key FILE [--name NAME]
python -m coordination.witness serve --db FILE --key FILE --port N --logs FILE
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from coordination.ledger.cosignature import Cosigner

from .core import Witness, read_logs
from .server import WitnessServer
from .state import WitnessState


def keygen(path: Path, name: str | None) -> int:
    """Create the key file (0600) unless it exists; print the verifier key either way."""
    if path.exists():
        cosigner = Cosigner.from_key(path.read_text(encoding="utf-8"))
        print(f"# {path} already holds a key; its verifier key:", file=sys.stderr)
    else:
        cosigner = Cosigner.generate(name or f"{socket.gethostname()}/witness")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(cosigner.key + "\n")
    print(cosigner.verifier.key)
    return 0


def serve(args: argparse.Namespace) -> int:
    cosigner = Cosigner.from_key(args.key.read_text(encoding="utf-8"))
    logs = read_logs(args.logs.read_text(encoding="utf-8"))
    witness = Witness(WitnessState(args.db), cosigner, logs)
    server = WitnessServer((args.host, args.port), witness, quiet=args.quiet)
    port = server.server_address[1]
    url = f"http://{args.host}:{port}/"
    print(f"witness {cosigner.verifier.key} on {url} for {len(logs)} logs")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coordination.witness",
        description="A C2SP tlog-witness: cosigns checkpoints consistent with what it saw.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    key = sub.add_parser("keygen", help="create a witness key and print its verifier key")
    key.add_argument("--key", type=Path, required=True, help="private key file to create")
    key.add_argument("--name", help="key name, a schema-less URL (default: HOST/witness)")
    run = sub.add_parser("serve", help="serve POST /add-checkpoint")
    run.add_argument("--db", type=Path, required=True, help="SQLite file for its state")
    run.add_argument("--key", type=Path, required=True, help="private key file (keygen)")
    run.add_argument("--port", type=int, required=True)
    run.add_argument("--logs", type=Path, required=True, help="file of log verifier keys")
    run.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    run.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    try:
        if args.command == "keygen":
            return keygen(args.key, args.name)
        return serve(args)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
