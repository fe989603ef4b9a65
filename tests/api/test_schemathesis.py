"""The API keeps the word of its OpenAPI document: schemathesis against a live server.

A real WSGI server (werkzeug's, in a thread) serves the demo world; schemathesis reads
/api/v1/openapi.json and sends generated requests as the demo coordinator, checking two
things for every answer: no server error, and the answer matches the published schema.
Path ids are bound to real demo objects, so answers about deliveries, needs and lots are
checked too, not only 404s. Bounded: a fixed seed, a few examples per operation and a time
budget, on each database the `app` fixture runs on.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess  # nosec B404  (runs the schemathesis CLI this suite pins)
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, text
from werkzeug.serving import BaseWSGIServer, make_server

from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.demo import build_demo

# Path parameter -> the table whose first row it names (the coordinator's region holds
# the demo's objects; an id it may not see answers 404, which is checked as well).
ID_TABLES = {
    "batch_id": "production_batch",
    "category_id": "category",
    "delivery_id": "delivery",
    "dispute_id": "dispute",
    "donation_id": "money_donation",
    "evidence_id": "evidence",
    "handover_id": "handover",
    "in_kind_id": "in_kind_donation",
    "item_id": "item",
    "job_id": "import_job",
    "line_id": "delivery_line",
    "location_id": "location",
    "lot_id": "lot",
    "need_id": "need",
    "party_id": "party",
    "purchase_id": "purchase",
    "region_id": "region",
    "user_id": "user_account",
}
EXAMPLES = 2  # per operation and phase: ~90 operations give several hundred requests
TIME_BUDGET = 80  # seconds per backend


@pytest.fixture
def server(app: Flask, session) -> Iterator[str]:
    build_demo(session, None)
    session.commit()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _parameters(session) -> dict[str, int]:
    found = {}
    for name, table in ID_TABLES.items():
        # Table names come from the constant above, never from input.
        first = session.execute(text(f"SELECT min(id) FROM {table}")).scalar()  # noqa: S608  # nosec B608
        if first is not None:
            found[f"path.{name}"] = int(first)
    return found


def _failures(output: str) -> str:
    """The CLI's FAILURES section (what broke and how to reproduce it), for the message."""
    start = output.find("FAILURES")
    end = output.find("SUMMARY", start)
    return output[start:end][:8000] if start >= 0 else output[-4000:]


def _summary(output: str) -> tuple[int, int]:
    """(cases generated, cases passed) from the CLI's summary line."""
    match = re.search(r"(\d+) generated, (\d+) passed", output)
    assert match, output[-3000:]
    return int(match.group(1)), int(match.group(2))


def test_api_answers_match_its_schema_without_server_errors(app, session, server, tmp_path):
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert cli, "schemathesis (requirements-dev.txt) is not installed in this environment"
    coordinator = session.scalars(select(User).where(User.username == "demo-coordinator")).one()
    _row, token = accounts.create_token(session, coordinator, coordinator, "schemathesis")
    params = _parameters(session)
    session.commit()
    assert "path.delivery_id" in params and "path.need_id" in params
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[parameters]\n" + "".join(f'"{k}" = {v}\n' for k, v in params.items()),
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    run = subprocess.run(  # nosec B603
        [
            cli,
            "--config-file",
            str(config),
            "run",
            f"{server}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            str(EXAMPLES),
            "--max-time",
            str(TIME_BUDGET),
            "--seed",
            "17",
            "--workers",
            "1",
            "--no-shrink",
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=TIME_BUDGET + 60,
        cwd=tmp_path,
        check=False,
    )
    output = run.stdout + run.stderr
    generated, passed = _summary(output)
    print(f"schemathesis: {generated} cases generated, {passed} passed")  # the CI log's figure
    assert generated >= 200, output[-3000:]  # a real run, not an empty one
    assert run.returncode == 0, _failures(output)
    assert passed == generated
    assert json.loads(report.read_text(encoding="utf-8"))  # the report was written
