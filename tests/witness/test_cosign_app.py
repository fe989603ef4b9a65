"""AidTrail asks its witnesses (three real processes) and serves what they cosigned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from coordination.ledger.policy import check_checkpoint, parse_policy
from coordination.ledger.witnesses.models import WitnessContact
from tests.conftest import base_config
from tests.ledger.ledger_support import fill, run_cli

from .app_witnesses import app_witnesses


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    return base_config(tmp_path, database_url, AIDTRAIL_WITNESS_POLICY=str(tmp_path / "policy.txt"))


def policy(app):
    return parse_policy(Path(app.config["AIDTRAIL_WITNESS_POLICY"]).read_text())


def test_cosign_reaches_the_quorum_and_the_checkpoint_carries_it(app, session, client, tmp_path):
    with app_witnesses(app, tmp_path / "w"):
        fill(session, 5)
        result = run_cli(app, "ledger", "cosign")
        assert result.exit_code == 0, result.output
        assert result.output.count(": cosigned (size 5)") == 3
        assert "checkpoint 5 meets the quorum (2 of W1, W2, W3): W1, W2, W3" in result.output
        served = client.get("/ledger/checkpoint")
        assert served.headers["AidTrail-Witness-Quorum"] == "met"
        checkpoint, names = check_checkpoint(served.text, policy(app))
        assert (checkpoint.size, names) == (5, ["W1", "W2", "W3"])

        fill(session, 4, start=5)  # the witnesses now need a consistency proof from 5
        result = run_cli(app, "ledger", "cosign")
        assert result.output.count(": cosigned (size 9)") == 3, result.output
        state = client.get("/ledger/witnesses?format=json").get_json()
        assert state["witnessed_size"] == 9
        assert [w["last_cosigned_size"] for w in state["witnesses"]] == [9, 9, 9]
        assert all(w["last_cosigned_at"].endswith("Z") for w in state["witnesses"])
        page = client.get("/ledger/witnesses")
        assert (
            page.status_code == 200
            and "W2" in page.text
            and state["witnesses"][1]["key"] in page.text
        )

        again = run_cli(app, "ledger", "cosign")  # nothing new: nobody is asked again
        assert again.output.count(": already (cosigned size 9 before)") == 3


def test_a_witness_we_lost_track_of_says_its_size_and_we_retry_once(app, session, tmp_path):
    with app_witnesses(app, tmp_path / "w"):
        fill(session, 3)
        assert run_cli(app, "ledger", "cosign").exit_code == 0
        session.execute(delete(WitnessContact))  # forget what each witness holds
        session.commit()
        fill(session, 2, start=3)
        result = run_cli(app, "ledger", "cosign")
        # Each answers 409 "3" to "old 0"; the retry from 3 with a proof is cosigned.
        assert result.output.count(": cosigned (size 5)") == 3, result.output


def test_a_witness_that_is_down_is_reported_and_two_still_make_the_quorum(
    app, session, client, tmp_path
):
    with app_witnesses(app, tmp_path / "w") as procs:
        procs[2].process.terminate()
        procs[2].process.wait(timeout=10)
        fill(session, 4)
        result = run_cli(app, "ledger", "cosign", "--timeout", "3")
        assert result.exit_code == 0, result.output
        assert "witness W3: unreachable" in result.output
        assert "meets the quorum (2 of W1, W2, W3): W1, W2" in result.output
        state = client.get("/ledger/witnesses?format=json").get_json()
        assert state["witnesses"][2]["last_cosigned_size"] is None
        assert state["witnesses"][2]["last_error"].startswith("unreachable")


def test_quorum_of_three_not_met_serves_the_latest_marked_not_met(app, session, client, tmp_path):
    with app_witnesses(app, tmp_path / "w", quorum=3) as procs:
        procs[0].process.terminate()
        procs[0].process.wait(timeout=10)
        fill(session, 2)
        result = run_cli(app, "ledger", "cosign", "--timeout", "3")
        assert result.exit_code == 1
        assert "checkpoint 2 cannot reach the quorum (3 of W1, W2, W3)" in result.output
        served = client.get("/ledger/checkpoint")
        assert served.headers["AidTrail-Witness-Quorum"] == "not-met"
        assert served.text.count("\u2014 ") == 3  # the log's signature and two cosignatures
        with pytest.raises(ValueError, match="cosigned by W2, W3; the policy needs 3 of"):
            check_checkpoint(served.text, policy(app))
