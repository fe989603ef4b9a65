"""A test-only WSGI entry point: AidTrail with a pause inside the write transaction.

gunicorn loads `tests.ops.pause_app:app`. When AIDTRAIL_TEST_PAUSE names a file that does
not exist yet, the first commit of a POST to AIDTRAIL_TEST_PAUSE_PATH flushes its rows,
writes its process id to that file and sleeps before committing, so a test can SIGKILL
the worker with a half-done transaction open. The app code itself has no such hook.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from coordination import create_app

app = create_app(json.loads(os.environ["AIDTRAIL_TEST_CONFIG"]))
_marker = os.environ.get("AIDTRAIL_TEST_PAUSE")
_path = os.environ.get("AIDTRAIL_TEST_PAUSE_PATH", "")


@event.listens_for(Session, "before_commit")
def _pause(session: Any) -> None:
    if not _marker or Path(_marker).exists() or not has_request_context():
        return
    if request.method != "POST" or not request.path.startswith(_path):
        return
    session.flush()  # every row of the request is now written, inside the open transaction
    Path(_marker).write_text(str(os.getpid()))
    time.sleep(60)
