"""Helpers for the backup tests: a second app on another database, and its CLI."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from flask import Flask

from coordination import create_app
from coordination.db import db
from tests.conftest import base_config


def other_app(
    tmp_path: Path, url: str, keys: Path | None = None, evidence: Path | None = None
) -> Flask:
    cfg = base_config(tmp_path, url)
    if keys is not None:
        cfg["AIDTRAIL_KEYS_DIR"] = str(keys)
    if evidence is not None:
        cfg["AIDTRAIL_EVIDENCE_DIR"] = str(evidence)
    return create_app(cfg)


def cli(app: Flask, *args: str, input: str | None = None) -> Result:
    # The test's own app context is active; Flask's CLI would reuse it instead of this app's.
    with app.app_context():
        try:
            return app.test_cli_runner().invoke(args=list(args), input=input)
        finally:
            db.session.remove()
            db.engine.dispose()
