"""Every migration runs down and up again on a database the demo populated, losing nothing.

Starting at head, each step is downgraded then upgraded again: tables that survive the
downgrade keep every row (and the very bytes when their columns did not change), and the
upgrade gives them back intact. Then the walk continues one step lower, down to the first
migration, and finally all the way up again with the ledger verifying.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from coordination import create_app
from coordination.db import db
from coordination.demo import build_demo
from coordination.ops.digests import table_digests
from tests.conftest import ROOT, base_config


def digests(only: dict[str, list[str]] | None = None) -> dict[str, dict[str, Any]]:
    db.session.remove()
    with db.engine.connect() as conn:
        out = table_digests(conn, only)
    out.pop("alembic_version", None)
    return out


def kept(lower: dict[str, Any]) -> dict[str, list[str]]:
    return {t: d["columns"] for t, d in lower.items()}


def same_where_surviving(before: dict[str, Any], after: dict[str, Any], step: str) -> None:
    """Tables in both keep every row; compared over the columns both have, byte for byte.

    A downgrade that drops a column loses that column's values by its nature; every other
    value must survive.
    """
    for table, now in after.items():
        if table not in before:
            continue  # created by this step: nothing to keep
        was = before[table]
        assert now["rows"] == was["rows"], f"{step}: {table} lost rows"
        if now["columns"] == was["columns"]:
            assert now["sha256"] == was["sha256"], f"{step}: {table} changed"


def test_each_step_down_and_up_keeps_the_demo_data(
    backend: str, fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    app = create_app(base_config(tmp_path, fresh_url()))
    script = ScriptDirectory(str(ROOT / "migrations"))
    steps = list(script.walk_revisions())  # head first
    with app.app_context():
        upgrade()
        build_demo(db.session)
        db.session.commit()
        start = digests()
        assert sum(t["rows"] for t in start.values()) > 100
        for rev in steps:
            down = rev.down_revision or "base"
            assert isinstance(down, str)  # a linear history
            here = digests()
            downgrade(revision=down)
            lower = digests()
            same_where_surviving(here, lower, f"{rev.revision} down")
            upgrade(revision=rev.revision)
            same_where_surviving(lower, digests(kept(lower)), f"{rev.revision} up")
            downgrade(revision=down)  # continue one step lower
        assert digests().keys() <= {"ledger_head"} or not digests()
        upgrade()
        db.engine.dispose()


def test_down_to_the_supply_chain_and_back_keeps_everything(
    backend: str, fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    """Head down to 0005 (the supply-chain schema) and back: every row survives, every value
    in a column both ends have comes back byte for byte, and the ledger verifies."""
    app = create_app(base_config(tmp_path, fresh_url()))
    script = ScriptDirectory(str(ROOT / "migrations"))
    head = script.get_current_head()
    with app.app_context():
        upgrade()
        build_demo(db.session)
        db.session.commit()
        start = digests()
        downgrade(revision="0005")
        lower = digests()
        same_where_surviving(start, lower, "head -> 0005")
        upgrade(revision=head)
        same_where_surviving(lower, digests(kept(lower)), "0005 -> head")
        result = app.test_cli_runner().invoke(args=["ledger", "verify"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()


def test_earmark_salts_survive_a_downgrade_so_ledger_commitments_still_open(
    backend: str, fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    import json

    from sqlalchemy import inspect, text

    from coordination.ledger.privacy import opens
    from coordination.money.amounts import earmark_key

    app = create_app(base_config(tmp_path, fresh_url()))
    tables = ("money_donation", "purchase", "batch_funding")

    def salts() -> dict[tuple[str, int], bytes]:
        with db.engine.connect() as conn:
            return {
                (t, r.id): bytes(r.earmark_salt)
                for t in tables
                for r in conn.execute(
                    text(f"SELECT id, earmark_salt FROM {t} WHERE earmark_salt IS NOT NULL")  # noqa: S608
                )
            }

    with app.app_context():
        upgrade()
        build_demo(db.session)
        db.session.commit()
        before = salts()
        assert len(before) >= 3  # the demo's earmarked donations, purchase and funding
        downgrade(revision="0013")
        with db.engine.connect() as conn:
            parked = conn.execute(text("SELECT count(*) FROM earmark_salt_kept")).scalar_one()
        assert parked == len(before)
        upgrade()
        assert salts() == before
        with db.engine.connect() as conn:
            assert "earmark_salt_kept" not in inspect(conn).get_table_names()
            bodies = conn.execute(text("SELECT body FROM ledger_entry WHERE kind = 'origin.money'"))
            donations = {
                r.public_id: (r.id, r.earmark)
                for r in conn.execute(text("SELECT id, public_id, earmark FROM money_donation"))
            }
            opened = 0
            for (body,) in bodies:
                data = json.loads(body)["data"]
                if data.get("earmark_commitment"):
                    row_id, earmark = donations[data["donation"]]
                    salt = before[("money_donation", row_id)]
                    assert opens(data["earmark_commitment"], earmark_key(earmark) or "", salt)
                    opened += 1
        assert opened >= 1
        db.engine.dispose()
