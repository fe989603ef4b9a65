"""Canary coverage of bulk imports: names of members, private donors' names and payment
channels travel through a dry run and an import, and must reach no ledger entry."""

from __future__ import annotations

from typing import Any

from coordination.imports import runner, services, writing
from coordination.imports.models import ImportKind, ImportStatus
from tests import factories as f
from tests.imports.support import csv_bytes

CLASSIFIED: dict[Any, tuple[set[str], set[str]]] = {
    services: (
        {"check_upload", "record_check"},
        {
            "kinds_for",
            "require_importer",
            "parse_kind",
            "visible_job",
            "jobs_of",
            "problems_of",
            "problem_report",
            "status_view",
        },
    ),
    runner: ({"confirm_import"}, set()),
    writing: ({"write_rows"}, set()),
}
MEMBERS = "canary-volunteer-Zhukova, +7 902 444-18-66"


def _run(session: Any, admin: Any, kind: ImportKind, rows: list[list[Any]]) -> None:
    job = services.check_upload(
        session, admin, kind, "Канарейкина +7 901 555-73-19.csv", csv_bytes(rows)
    )
    session.commit()
    services.problem_report(session, job, lambda text, **kw: text % kw if kw else text)
    job = runner.confirm_import(session, admin, job)
    assert job.status == ImportStatus.DONE, job.failure


def exercise(session: Any, admin: Any, made: dict[str, Any]) -> None:
    group, donor = made["group"], made["donor"]
    place = f.location(
        session, party_id=group.id, region_id=group.region_id, name="Canary import workshop"
    )
    session.commit()
    _run(
        session,
        admin,
        ImportKind.BATCHES,
        [
            ["group", "item", "size", "quantity", "made_on", "members", "members_public"],
            [group.public_id, "WOOL-SOCKS", "", 5, "2026-11-01", MEMBERS, "yes"],
            [group.display_name, "Канарейкина 9015557319", "", 5, "2026-11-01", MEMBERS, "no"],
        ],
    )
    _run(
        session,
        admin,
        ImportKind.IN_KIND,
        [
            ["location", "donor", "item", "quantity", "received_on"],
            [place.public_id, donor.display_name, "WOOL-SOCKS", 4, "2026-11-02"],
            [place.public_id, "Канарейкина Аглая", "WOOL-SOCKS", 4, "2026-11-02"],
        ],
    )
    _run(
        session,
        admin,
        ImportKind.MONEY,
        [
            ["donor", "amount", "currency", "received_on", "channel", "earmark"],
            [
                donor.public_id,
                "5 000,00",
                "RUB",
                "2026-11-03",
                "card of Канарейкина +7 901 555-73-19",
                "medical kits",
            ],
            ["в/ч 99137", "1", "RUB", "2026-11-03", "", ""],
        ],
    )
