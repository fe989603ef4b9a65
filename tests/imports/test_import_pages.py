"""The import pages and API: upload → dry run page → confirm; others' jobs are 404."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from coordination.imports.models import ImportJob, ImportStatus
from coordination.kernel.actors import Role
from coordination.production.models import ProductionBatch
from tests import factories as f
from tests.imports.support import counts, csv_bytes
from tests.stock.support import world

HEADER = ["group", "item", "size", "quantity", "made_on"]
ROWS = [
    HEADER,
    ["Kostroma circle", "WOOL-SOCKS-T", "42-44", 12, "2026-11-01"],
    ["Kostroma circle", '=HYPERLINK("http://x")', "", 3, "2026-11-01"],
]


def _english(client):
    # Messages are asserted in English; the default locale is Russian.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _upload(client, data: bytes, name: str = "log.csv", kind: str = "batches"):
    return client.post(
        "/imports/new",
        data={"kind": kind, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_check_and_confirm_in_the_browser(session, client) -> None:
    w = world(session)
    session.commit()
    f.login(_english(client), w.volunteer)
    before = counts(session)
    resp = _upload(client, csv_bytes(ROWS))
    assert resp.status_code == 302
    job = session.scalars(select(ImportJob)).one()
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "looks like a formula" in page and "&#39;=HYPERLINK" in page  # row 3, neutralised
    assert counts(session) == before
    report = client.get(f"/imports/{job.id}/problems.csv").get_data(as_text=True)
    [_head, row] = list(csv.reader(io.StringIO(report.lstrip("\ufeff")), delimiter=";"))
    assert row[:2] == ["3", "item"] and row[3] == '\'=HYPERLINK("http://x")'
    status = client.get(f"/imports/{job.id}/status.json").get_json()
    assert (status["status"], status["good_rows"], status["bad_rows"]) == ("checked", 1, 1)
    assert client.post(f"/imports/{job.id}/confirm").status_code == 302
    session.expire_all()
    assert session.get(ImportJob, job.id).status == ImportStatus.DONE
    assert session.scalars(select(ProductionBatch.quantity)).all() == [12]
    assert client.get(f"/imports/{job.id}/status.json").get_json()["done_rows"] == 1
    assert job.public_id in client.get("/imports/").get_data(as_text=True)


def test_bad_files_are_refused_on_the_form(session, client) -> None:
    w = world(session)
    session.commit()
    f.login(_english(client), w.volunteer)
    resp = _upload(client, b"%PDF-1.4 \x00\x01", "scan.pdf")
    assert resp.status_code == 400 and "CSV (UTF-8) or XLSX" in resp.get_data(as_text=True)
    resp = _upload(client, csv_bytes([["colour", "item"], ["red", "x"]]))
    assert resp.status_code == 400 and "Unknown column" in resp.get_data(as_text=True)
    resp = _upload(client, csv_bytes(ROWS), kind="money")
    assert resp.status_code == 400  # not a choice a volunteer has
    assert session.scalars(select(ImportJob)).all() == []


def test_someone_elses_job_is_not_found(session, client) -> None:
    w = world(session)
    session.commit()
    f.login(client, w.volunteer)
    job_id = int(_upload(client, csv_bytes(ROWS)).headers["Location"].rsplit("/", 1)[1])
    other = f.user(session, Role.VOLUNTEER, party_id=w.group.id)
    outsider = f.user(session, Role.COORDINATOR)
    for user in (other, outsider):
        c = client.application.test_client()
        f.login(c, user)
        for path in (
            f"/imports/{job_id}",
            f"/imports/{job_id}/status.json",
            f"/imports/{job_id}/problems.csv",
        ):
            assert c.get(path).status_code == 404, path
        assert c.post(f"/imports/{job_id}/confirm").status_code == 404
    admin = client.application.test_client()
    f.login(admin, w.admin)
    assert admin.get(f"/imports/{job_id}").status_code == 200


def test_templates_download_and_read_back_as_clean(session, client) -> None:
    w = world(session)
    session.commit()
    f.login(client, w.coordinator)
    for kind in ("batches", "in_kind", "money"):
        for fmt in ("csv", "xlsx"):
            resp = client.get(f"/imports/templates/{kind}.{fmt}")
            assert resp.status_code == 200 and resp.data
    assert client.get("/imports/templates/people.csv").status_code == 404


def test_api_upload_status_problems_confirm(session, client) -> None:
    w = world(session)
    session.commit()
    token = f.token(session, w.coordinator)
    auth = {"Authorization": f"Bearer {token}"}
    resp = client.post(
        "/api/v1/imports?kind=batches",
        headers=auth,
        data={"file": (io.BytesIO(csv_bytes(ROWS)), "log.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()
    assert (job["good_rows"], job["bad_rows"], job["status"]) == (1, 1, "checked")
    problems = client.get(f"/api/v1/imports/{job['id']}/problems", headers=auth).get_json()
    assert [(p["row"], p["column"]) for p in problems["items"]] == [(3, "item")]
    done = client.post(f"/api/v1/imports/{job['id']}/confirm", headers=auth)
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    again = client.post(f"/api/v1/imports/{job['id']}/confirm", headers=auth)
    assert again.status_code == 409
    bad = client.post(
        "/api/v1/imports?kind=batches", headers=auth, data={}, content_type="multipart/form-data"
    )
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    other = {"Authorization": f"Bearer {f.token(session, f.user(session, Role.ADMIN))}"}
    assert client.get(f"/api/v1/imports/{job['id']}", headers=other).status_code == 200
    vol = {"Authorization": f"Bearer {f.token(session, w.volunteer)}"}
    assert client.get(f"/api/v1/imports/{job['id']}", headers=vol).status_code == 404
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/imports/{job_id}/confirm" in paths and "/api/v1/imports" in paths
