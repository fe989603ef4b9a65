"""`flask --app app ledger verify | export DIR | checkpoint | open INDEX`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from coordination.db import db
from coordination.ledger.audit import BATCH, LedgerInvalid, verify_ledger
from coordination.ledger.checkpoints import sign_checkpoint
from coordination.ledger.export_format import write_export
from coordination.ledger.keys import ledger_signer
from coordination.ledger.models import LedgerEntry
from coordination.ledger.openings import open_entry, openings_of
from coordination.ledger.reads import b64
from coordination.ledger.witnesses.quorum import cosigned_notes
from coordination.ledger.witnesses.service import cosign_now
from coordination.ledger.witnesses.settings import witness_policy

ledger = AppGroup("ledger", help="Verify, export, checkpoint and cosign the ledger.")


def init_ledger_cli(app: Flask) -> None:
    app.cli.add_command(ledger)


@contextmanager
def read_snapshot() -> Iterator[None]:
    """A read-only transaction that does not hold SQLite's write lock.

    The engine begins IMMEDIATE outside requests (db.py); a long verify or export must
    not stall every writer, so it runs as the GET requests do: a deferred transaction,
    which WAL keeps a consistent snapshot. PostgreSQL gets REPEATABLE READ for the same.
    """
    db.session.commit()
    with current_app.test_request_context("/", method="GET"):
        try:
            if db.session.get_bind().dialect.name == "postgresql":
                db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield
        finally:
            db.session.rollback()


@ledger.command("verify")
def verify() -> None:
    """Recompute every hash and check every checkpoint; exit 1 naming the first bad index."""
    verifier = ledger_signer().verifier
    with read_snapshot():
        try:
            summary = verify_ledger(db.session, verifier)
        except LedgerInvalid as exc:
            click.echo(f"ledger verify FAILED {exc}", err=True)
            raise SystemExit(1) from None
    click.echo(
        f"ledger OK: {summary.size} entries, {summary.nodes} stored subtrees, "
        f"{summary.checkpoints} checkpoints verified; root {b64(summary.root)}"
    )


@ledger.command("checkpoint")
def checkpoint() -> None:
    """Sign a checkpoint of the tree as it stands (if it grew) and print it."""
    cp = sign_checkpoint(db.session, ledger_signer())
    db.session.commit()
    click.echo(cp.note, nl=False)


@ledger.command("open")
@click.argument("index", type=click.IntRange(min=0), required=False)
@click.option("--subject", help='Every commitment to "party:<public id>" or "user:<public id>".')
def open_commitments(index: int | None, subject: str | None) -> None:
    """Open an entry's commitments for an auditor: one JSON line per commitment, with the
    value and salt that open it and whether they do (SHA-256(salt || value))."""
    if (index is None) == (subject is None):
        raise click.UsageError("give an entry INDEX or --subject, not both")
    with read_snapshot():
        try:
            found = open_entry(db.session, index) if index is not None else None
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
        if found is None:
            found = openings_of(db.session, str(subject))
    for opening in found:
        click.echo(json.dumps(opening.public(), ensure_ascii=False, sort_keys=True))
    if any(not o.ok for o in found):
        raise SystemExit(1)


@ledger.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export(directory: Path) -> None:
    """Write entries.jsonl, checkpoints.jsonl and verifier.key for the offline verifier."""
    signer = ledger_signer()
    # Sign first, so the export ends on a checkpoint that vouches for every entry in it.
    size = sign_checkpoint(db.session, signer).size
    db.session.commit()
    with read_snapshot():
        # With the witnesses' cosignatures, so `verify --policy` can check the quorum.
        checkpoints = cosigned_notes(db.session, size)
        # The stored leaf hashes go along, so the offline verifier can name an altered entry.
        leaves: list[bytes] = []
        write_export(directory, _bodies(size, leaves), checkpoints, signer.verifier_key, leaves)
    click.echo(f"exported {size} entries and {len(checkpoints)} checkpoints to {directory}")


def _bodies(size: int, leaves: list[bytes]) -> Iterator[str]:
    # The export format numbers lines by position, so a missing row must stop the export
    # rather than shift every later entry down by one.
    entry = LedgerEntry.__table__
    expected = 0
    for start in range(0, size, BATCH):
        rows = db.session.execute(
            select(entry.c.idx, entry.c.body, entry.c.leaf_hash)
            .where(entry.c.idx >= start, entry.c.idx < min(start + BATCH, size))
            .order_by(entry.c.idx)
        )
        for index, body, leaf in rows:
            if index != expected:
                raise click.ClickException(f"entry {expected} is missing; run `ledger verify`")
            expected += 1
            leaves.append(bytes(leaf))
            yield body
    if expected != size:
        raise click.ClickException(f"entry {expected} is missing; run `ledger verify`")


@ledger.command("cosign")
@click.option("--timeout", default=10.0, show_default=True, help="seconds per witness")
def cosign(timeout: float) -> None:
    """Ask every witness of AIDTRAIL_WITNESS_POLICY to cosign the newest checkpoint now.

    Exit 1 when the checkpoint does not meet the policy's quorum.
    """
    policy = witness_policy()
    if policy is None:
        raise click.ClickException("no witness policy: set AIDTRAIL_WITNESS_POLICY")
    report = cosign_now(db.session, ledger_signer(), policy, timeout=timeout)
    for result in report.results:
        click.echo(f"witness {result.name}: {result.outcome} ({result.detail})")
    if report.quorum_met:
        who = ", ".join(report.cosigners) or "nobody needed"
        click.echo(f"checkpoint {report.size} meets the quorum ({report.quorum}): {who}")
        return
    click.echo(
        f"checkpoint {report.size} cannot reach the quorum ({report.quorum}); "
        "witnesses that refused may hold a different history of this log",
        err=True,
    )
    raise SystemExit(1)
