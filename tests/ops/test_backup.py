"""Backup and restore round trips on both backends, and refusals of wrong keys and tampering."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from coordination.db import db
from coordination.demo import DEFAULT_PASSWORD
from coordination.ops.backup import current_digests
from coordination.ops.sealed import MAGIC
from tests.ops.support import cli, other_app


def test_round_trip_into_a_fresh_database(
    demo_backup: tuple[Path, dict[str, object]], fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    file, before = demo_backup
    assert MAGIC in file.read_bytes()[:64]
    assert b"demo-family" not in file.read_bytes()  # sealed, not merely compressed
    url = fresh_url()
    target = other_app(tmp_path, url)
    result = cli(target, "restore", str(file))
    assert result.exit_code == 0, result.output
    assert "ledger OK" in result.output
    assert current_digests(url) == before
    verify = cli(target, "ledger", "verify")
    assert verify.exit_code == 0, verify.output
    with target.app_context():
        client = target.test_client()
        page = client.get("/ledger")
        assert page.status_code == 200
        login = client.post("/login", data={"username": "demo-admin", "password": DEFAULT_PASSWORD})
        assert login.status_code == 302  # the restored account and its password hash work
        stock = client.get("/stock/")
        assert stock.status_code == 200
        assert "Тёплые руки".encode() in stock.data  # a restored group's lots are listed
        db.engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(
    demo_backup: tuple[Path, dict[str, object]], app: Flask
) -> None:
    file, before = demo_backup
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code != 0 and "refuses to overwrite" in refused.output
    declined = runner.invoke(args=["restore", "--force", str(file)], input="n\n")
    assert declined.exit_code != 0
    done = runner.invoke(args=["restore", "--force", str(file)], input="y\n")
    assert done.exit_code == 0, done.output
    assert current_digests(app.config["SQLALCHEMY_DATABASE_URI"]) == before


def test_wrong_backup_key_is_refused(
    demo_backup: tuple[Path, dict[str, object]], fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    file, _ = demo_backup
    keys = tmp_path / "other-keys"
    shutil.copytree(tmp_path / "keys", keys)
    (keys / "backup.key").unlink()  # a new instance key is generated: not the one used
    url = fresh_url()
    result = cli(other_app(tmp_path, url, keys), "restore", str(file))
    assert result.exit_code != 0
    assert "different backup key" in result.output
    assert current_digests(url) == {}


def test_missing_data_key_is_refused(
    demo_backup: tuple[Path, dict[str, object]], fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    file, _ = demo_backup
    keys = tmp_path / "other-keys"
    shutil.copytree(tmp_path / "keys", keys)
    (keys / "data.keys").unlink()
    url = fresh_url()
    result = cli(other_app(tmp_path, url, keys), "restore", str(file))
    assert result.exit_code != 0 and "data.keys" in result.output
    assert current_digests(url) == {}


@pytest.mark.parametrize("where", ["header", "middle", "end", "truncated"])
def test_tampered_backup_is_refused(
    demo_backup: tuple[Path, dict[str, object]],
    fresh_url: Callable[[], str],
    tmp_path: Path,
    where: str,
) -> None:
    file, _ = demo_backup
    data = bytearray(file.read_bytes())
    if where == "truncated":
        data = data[: len(data) - 40]
    else:
        at = {
            "header": data.index(b'"created"') + 14,
            "middle": len(data) // 2,
            "end": len(data) - 5,
        }[where]
        data[at] ^= 0x01
    bad = tmp_path / "bad.backup"
    bad.write_bytes(bytes(data))
    url = fresh_url()
    result = cli(other_app(tmp_path, url), "restore", str(bad))
    assert result.exit_code != 0
    assert "altered" in result.output or "truncated" in result.output or "damaged" in result.output
    assert current_digests(url) == {}
