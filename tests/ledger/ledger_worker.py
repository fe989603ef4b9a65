"""A separate app process that appends to the ledger (run by the concurrency tests).

    ledger_worker.py --threads T --count N [--tag X]   T threads x N appends, one per txn
    ledger_worker.py --forever --tag X                 append until killed, printing each
                                                       index once its commit returned
Settings come from the environment (DATABASE_URL, AIDTRAIL_KEYS_DIR, SECRET_KEY).
"""

from __future__ import annotations

import argparse
import sys
import threading

from coordination import create_app
from coordination.db import db
from coordination.ledger.services import append


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--tag", default="worker")
    parser.add_argument("--forever", action="store_true")
    args = parser.parse_args()
    pool = {"pool_size": args.threads + 2}
    app = create_app({"TESTING": True, "SQLALCHEMY_ENGINE_OPTIONS": pool})
    failures: list[BaseException] = []

    def run(thread: int) -> None:
        try:
            with app.app_context():
                n = 0
                while args.forever or n < args.count:
                    data = {"tag": args.tag, "thread": thread, "n": n}
                    entry = append(db.session, None, "test.concurrent", data)
                    index = entry.index
                    db.session.commit()
                    if args.forever:
                        print(index, flush=True)
                    n += 1
        except BaseException as exc:  # reported below; the parent asserts on the exit code
            failures.append(exc)
            raise

    threads = [threading.Thread(target=run, args=(t,)) for t in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        print(f"worker {args.tag}: {failures[0]!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
