"""`flask --app app backup FILE` and `flask --app app restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app

from coordination.db import db
from coordination.evidence.store import evidence_dir
from coordination.ops import backup as ops
from coordination.ops import evidence
from coordination.ops.digests import has_data
from coordination.ops.sealed import BackupError, backup_key, data_key_fingerprints

KEYS_NOTE = (
    "The backup is encrypted with backup.key from AIDTRAIL_KEYS_DIR. Keep a copy of the "
    "whole keys directory (backup.key, data.keys, ledger-signer.key) somewhere other than "
    "the backups: without data.keys the personal fields in a backup cannot be read, and "
    "without ledger-signer.key its checkpoints cannot be verified or extended."
)


def init_ops_cli(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _url() -> str:
    return str(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _keys() -> str:
    return str(current_app.config["AIDTRAIL_KEYS_DIR"])


def _print_digests(digests: dict[str, Any]) -> None:
    for table, d in sorted(digests.items()):
        click.echo(f"  {table:<32} {d['rows']:>9} rows  {d['sha256'][:16]}")


@click.command(
    "backup",
    help="Write an encrypted backup of the database and its evidence files to FILE.\n\n"
    "Every evidence file the database names must be present and match its recorded "
    "SHA-256, else the backup fails unless --allow-missing-evidence. " + KEYS_NOTE,
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--allow-missing-evidence",
    is_flag=True,
    help="Leave out missing or altered evidence files (named in the output).",
)
def backup_command(file: Path, allow_missing_evidence: bool) -> None:
    from coordination.ledger.keys import verifier_key

    header = {
        "created": ops.now(),
        "data_keys": data_key_fingerprints(_keys()),
        "ledger_key": verifier_key(),
    }
    db.session.close()
    try:
        files = ops.Files(evidence_dir(current_app), allow_missing_evidence)
        manifest = ops.make_backup(_url(), file, backup_key(_keys()), header, files)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {file} (revision {manifest['revision']}); table digests:")
    _print_digests(manifest["digests"])
    part = manifest["evidence"]
    click.echo(
        f"evidence files: {len(part['files'])} included "
        f"({sum(f['size'] for f in part['files'])} bytes), each matching its SHA-256"
    )
    if part["left_out"]:
        click.echo(f"WARNING: {len(part['left_out'])} evidence files were LEFT OUT:", err=True)
        for line in part["left_out"]:
            click.echo("  " + line, err=True)
    click.echo("Remember: " + KEYS_NOTE)


@click.command(
    "restore",
    help="Restore the database and its evidence files from an encrypted backup FILE, then "
    "verify the ledger.\n\nRefuses a database that holds data, or an evidence file that "
    "differs from the backup's, unless --force (and then asks first). " + KEYS_NOTE,
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace a database that already holds data, and differing evidence files.",
)
@click.option("--yes", is_flag=True, help="With --force: do not ask for confirmation.")
def restore_command(file: Path, force: bool, yes: bool) -> None:
    try:
        _restore(file, force, yes)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


def _restore(file: Path, force: bool, yes: bool) -> None:
    from coordination.ledger.keys import verifier_key

    url = _url()
    backend = ops.backend_of(url)
    with ops.scratch() as tmp:
        plain, blob = tmp / "restore.bin", tmp / "evidence.bin"
        header, manifest = ops.open_backup(file, backup_key(_keys()), plain, blob)
        if header.get("backend") != backend:
            raise BackupError(
                f"this is a {header.get('backend')} backup; DATABASE_URL is {backend}"
            )
        missing = set(header.get("data_keys", [])) - set(data_key_fingerprints(_keys()))
        if missing:
            raise BackupError(
                "AIDTRAIL_KEYS_DIR lacks the data key this backup's personal fields are "
                "encrypted with (data.keys); restore the keys directory saved with it first"
            )
        if header.get("ledger_key") != verifier_key():
            raise BackupError(
                "AIDTRAIL_KEYS_DIR holds a different ledger signing key from the one that "
                "signed this backup's checkpoints; restore the keys directory saved with it"
            )
        if backend == "sqlite":
            found, _ = ops._sqlite_digests(plain)
            if found != manifest["digests"]:
                raise BackupError("the database inside the backup does not match its digests")
        evidence.check_blob(blob, manifest)
        directory = evidence_dir(current_app)
        db.session.close()
        with db.engine.connect() as conn:
            occupied = has_data(conn)
        db.engine.dispose()
        if occupied and not force:
            raise BackupError(
                "the database already holds data; restore refuses to overwrite it "
                "(use --force to replace it)"
            )
        todo = evidence.plan(directory, manifest, force)
        if (occupied or todo.replace) and not yes:
            click.confirm(
                "Replace ALL data in the current database"
                + (f" and {len(todo.replace)} evidence files" if todo.replace else "")
                + " with this backup?",
                abort=True,
            )
        # Files first: a row must never name a file that is not there yet. Should the
        # database restore fail, the files it would have named are removed again.
        created = evidence.install(blob, manifest, todo)
        try:
            if backend == "sqlite":
                ops.restore_sqlite(url, plain)
            else:
                ops.restore_postgres(url, plain)
        except BaseException:
            evidence.remove(created)
            raise
    restored = ops.current_digests(url)
    if restored != manifest["digests"]:
        differ = sorted(
            t
            for t in restored.keys() | manifest["digests"].keys()
            if restored.get(t) != manifest["digests"].get(t)
        )
        raise BackupError("restored tables differ from the backup: " + ", ".join(differ))
    click.echo(
        f"restored {file} (made {header.get('created')}, revision "
        f"{manifest['revision']}); table digests match the backup:"
    )
    _print_digests(restored)
    _report_evidence(url, directory, manifest, todo)
    _verify_ledger()


def _report_evidence(
    url: str, directory: Path, manifest: dict[str, Any], todo: evidence.Plan
) -> None:
    if "evidence" not in manifest:
        click.echo("this backup was made before backups held evidence files: none restored")
    else:
        click.echo(
            f"evidence files in {directory}: {len(todo.write)} written "
            f"({len(todo.replace)} replaced), {len(todo.same)} already identical"
        )
    absent = evidence.missing_after(directory, ops.current_evidence(url))
    if absent:
        click.echo(f"WARNING: {len(absent)} restored evidence rows lack their file:", err=True)
        for line in absent:
            click.echo("  " + line, err=True)


def _verify_ledger() -> None:
    from coordination.ledger.audit import LedgerInvalid, verify_ledger
    from coordination.ledger.cli import read_snapshot
    from coordination.ledger.keys import ledger_signer

    with read_snapshot():
        try:
            summary = verify_ledger(db.session, ledger_signer().verifier)
        except LedgerInvalid as exc:
            raise BackupError(f"restored, but the ledger does not verify: {exc}") from None
    click.echo(f"ledger OK: {summary.size} entries, {summary.checkpoints} checkpoints verified")
