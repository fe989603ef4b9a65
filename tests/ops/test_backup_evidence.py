"""Evidence files travel with the backup: byte for byte on both backends, checked against
their recorded SHA-256 when sealed and when restored, never written outside the evidence
directory, never silently replacing a different file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from coordination.db import db
from coordination.deliveries.models import Evidence
from coordination.demo import DEFAULT_PASSWORD
from coordination.ops.backup import current_digests
from coordination.ops.sealed import FILES, SealedReader, SealedWriter, backup_key
from tests.ops.support import cli, other_app


def evidence_rows(app: Flask) -> list[tuple[int, str, str]]:
    with app.app_context():
        try:
            return [
                (e.id, e.stored_name, e.stored_sha256)
                for e in db.session.scalars(select(Evidence).order_by(Evidence.id))
            ]
        finally:
            db.session.remove()
            db.engine.dispose()


def source_dir(app: Flask) -> Path:
    return Path(app.config["AIDTRAIL_EVIDENCE_DIR"])


def test_round_trip_brings_the_evidence_files_byte_for_byte(
    demo: Flask,
    demo_backup: tuple[Path, dict[str, object]],
    fresh_url: Callable[[], str],
    tmp_path: Path,
) -> None:
    file, before = demo_backup
    rows = evidence_rows(demo)
    assert len(rows) >= 3  # the demo's photos and receipt scan
    originals = {name: (source_dir(demo) / name).read_bytes() for _, name, _ in rows}
    assert not any(data in file.read_bytes() for data in originals.values())  # sealed
    url, restored_dir = fresh_url(), tmp_path / "restored-evidence"
    target = other_app(tmp_path, url, evidence=restored_dir)
    result = cli(target, "restore", str(file))
    assert result.exit_code == 0, result.output
    assert f"{len(rows)} written" in result.output and "ledger OK" in result.output
    assert current_digests(url) == before
    assert sorted(p.name for p in restored_dir.iterdir()) == sorted(originals)
    for name, data in originals.items():
        assert (restored_dir / name).read_bytes() == data
        assert (restored_dir / name).stat().st_mode & 0o077 == 0
    with target.app_context():
        client = target.test_client()
        assert client.get(f"/evidence/{rows[0][0]}").status_code in (302, 401)
        login = client.post("/login", data={"username": "demo-admin", "password": DEFAULT_PASSWORD})
        assert login.status_code == 302
        for evidence_id, name, sha in rows:
            page = client.get(f"/evidence/{evidence_id}")
            assert page.status_code == 200, page.data[:200]
            assert page.data == originals[name]
            assert hashlib.sha256(page.data).hexdigest() == sha
        db.engine.dispose()


@pytest.mark.parametrize("damage", ["altered", "missing"])
def test_backup_refuses_an_altered_or_missing_evidence_file(
    demo: Flask, fresh_url: Callable[[], str], tmp_path: Path, damage: str
) -> None:
    _, name, _ = evidence_rows(demo)[1]
    path = source_dir(demo) / name
    if damage == "altered":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        path.unlink()
    file = tmp_path / "refused.backup"
    refused = cli(demo, "backup", str(file))
    assert refused.exit_code != 0
    assert damage in refused.output and name in refused.output
    assert "--allow-missing-evidence" in refused.output
    assert not file.exists() and not list(tmp_path.glob("*.partial"))

    allowed = cli(demo, "backup", "--allow-missing-evidence", str(file))
    assert allowed.exit_code == 0, allowed.output
    assert "LEFT OUT" in allowed.output and name in allowed.output
    url, restored_dir = fresh_url(), tmp_path / "restored-evidence"
    result = cli(other_app(tmp_path, url, evidence=restored_dir), "restore", str(file))
    assert result.exit_code == 0, result.output
    assert "lack their file" in result.output and name in result.output
    assert not (restored_dir / name).exists()  # the altered copy was never carried over


def test_restore_refuses_to_replace_a_different_evidence_file_unless_forced(
    demo: Flask,
    demo_backup: tuple[Path, dict[str, object]],
    fresh_url: Callable[[], str],
    tmp_path: Path,
) -> None:
    file, before = demo_backup
    _, name, _ = evidence_rows(demo)[0]
    restored_dir = tmp_path / "restored-evidence"
    restored_dir.mkdir()
    (restored_dir / name).write_bytes(b"another file under the same name")
    url = fresh_url()
    target = other_app(tmp_path, url, evidence=restored_dir)
    refused = cli(target, "restore", str(file))
    assert refused.exit_code != 0 and "refuses to overwrite" in refused.output
    assert name in refused.output
    assert current_digests(url) == {}  # the database was not touched either
    assert [p.name for p in restored_dir.iterdir()] == [name]
    assert (restored_dir / name).read_bytes() == b"another file under the same name"
    declined = cli(target, "restore", "--force", str(file), input="n\n")
    assert declined.exit_code != 0 and current_digests(url) == {}
    forced = cli(target, "restore", "--force", "--yes", str(file))
    assert forced.exit_code == 0, forced.output
    assert "1 replaced" in forced.output
    assert (restored_dir / name).read_bytes() == (source_dir(demo) / name).read_bytes()
    assert current_digests(url) == before


def reseal(file: Path, key: bytes, out: Path, edit: Callable[[dict[str, object]], bool]) -> None:
    """Rewrite a backup with an edited manifest, sealed with the right key (as a faulty or
    hostile tool holding the key could). `edit` returns whether to keep the files section."""
    with open(file, "rb") as fh:
        reader = SealedReader(fh, key)
        records = list(reader.records())
    assert reader.manifest is not None
    manifest = dict(reader.manifest)
    keep_files = edit(manifest)
    header = {k: v for k, v in reader.header.items() if k not in ("salt", "key_check")}
    with open(out, "wb") as fh:
        writer = SealedWriter(fh, key, header)
        for kind, data in records:
            if kind != FILES or keep_files:
                writer.write(data, kind)
        writer.close(manifest)


def test_restore_refuses_evidence_names_that_leave_the_directory(
    demo_backup: tuple[Path, dict[str, object]], fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    file, _ = demo_backup
    evil = tmp_path / "evil.backup"

    def escape(manifest: dict[str, object]) -> bool:
        files = json.loads(json.dumps(manifest["evidence"]))
        files["files"][0]["name"] = "../" + files["files"][0]["name"]
        manifest["evidence"] = files
        return True

    reseal(file, backup_key(str(tmp_path / "keys")), evil, escape)
    url, restored_dir = fresh_url(), tmp_path / "restored-evidence"
    result = cli(other_app(tmp_path, url, evidence=restored_dir), "restore", str(evil))
    assert result.exit_code != 0 and "refusing evidence file name" in result.output
    assert current_digests(url) == {}
    assert not restored_dir.exists() or not any(restored_dir.iterdir())
    assert not list(tmp_path.glob("*.jpg")) and not list(tmp_path.glob("*.png"))


def test_a_backup_without_evidence_files_still_restores(
    demo_backup: tuple[Path, dict[str, object]], fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    """Backups made before evidence files were included: no FILES records, no manifest part."""
    file, before = demo_backup
    old = tmp_path / "old.backup"

    def strip(manifest: dict[str, object]) -> bool:
        del manifest["evidence"]
        return False

    reseal(file, backup_key(str(tmp_path / "keys")), old, strip)
    url, restored_dir = fresh_url(), tmp_path / "restored-evidence"
    result = cli(other_app(tmp_path, url, evidence=restored_dir), "restore", str(old))
    assert result.exit_code == 0, result.output
    assert "made before backups held evidence files" in result.output
    assert "lack their file" in result.output  # the operator is told what is missing
    assert current_digests(url) == before
