"""Access policy of bulk imports: importers (volunteers, coordinators, admins) reach the
pages; a job is seen by its owner and admins only (anyone else: 404) and confirmed by its
owner only (an admin: 403). The outsider job is another group's volunteer's; the own job
is the role volunteer's. Neither has a stored file, so a confirm answers "upload again"."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.access_helpers import REDIRECT, STAFF, api_only, only

IMPORTERS = ("volunteer", *STAFF)
OWN = {"job_id": "own_job_id"}


def _page(ok: Any = 200, admin: Any = 200) -> dict[str, Any]:
    return {
        "expect": only(*IMPORTERS, ok=ok) | {"volunteer": 404, "coordinator": 404, "admin": admin},
        "why": "another user's import",
        "also": [
            {
                "fill": OWN,
                "expect": only(*IMPORTERS, ok=ok) | {"coordinator": 404, "admin": admin},
                "why": "the volunteer's own import",
            }
        ],
    }


def _api(ok: Any = 200, admin: Any = 200) -> dict[str, Any]:
    return {
        "expect": api_only(*IMPORTERS, ok=ok)
        | {"volunteer": 404, "coordinator": 404, "admin": admin},
        "why": "another user's import",
        "also": [
            {
                "fill": OWN,
                "expect": api_only(*IMPORTERS, ok=ok) | {"coordinator": 404, "admin": admin},
                "why": "the volunteer's own import",
            }
        ],
    }


POLICY: dict[str, dict[str, Any]] = {
    "imports.jobs": {"expect": only(*IMPORTERS)},
    "imports.new_import": {"expect": only(*IMPORTERS)},
    "imports.template": {"expect": only(*IMPORTERS)},
    "imports.view_job": _page(),
    "imports.job_status": _page(),
    "imports.problem_report": _page(),
    "imports.confirm": _page(ok=REDIRECT, admin=403),
    "api.imports_upload": {
        "expect": api_only(*IMPORTERS, ok=400),
        "why": "no file and no kind sent",
    },
    "api.imports_get_import": _api(),
    "api.imports_import_problems": _api(),
    "api.imports_confirm_import": _api(ok=409, admin=403),
}


def extend_world(session: Session, users: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    from coordination.imports.models import ImportJob, ImportKind

    jobs = [
        ImportJob(kind=ImportKind.BATCHES, owner_id=owner.id, total_rows=1, good_rows=1)
        for owner in (base["outsider"], users["volunteer"])
    ]
    session.add_all(jobs)
    session.flush()
    return {
        "job_id": jobs[0].id,
        "own_job_id": jobs[1].id,
        "import_kind": "batches",
        "file_format": "csv",
    }
