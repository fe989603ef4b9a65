"""Without AIDTRAIL_WITNESS_POLICY the ledger behaves exactly as before witnessing."""

from __future__ import annotations

from coordination.ledger.keys import ledger_signer
from tests.ledger.ledger_support import fill, run_cli


def test_without_a_policy_nothing_changes(client, session, app):
    fill(session, 2)
    served = client.get("/ledger/checkpoint")
    assert "AidTrail-Witness-Quorum" not in served.headers
    assert served.text.count("\u2014 ") == 1
    assert served.text.startswith(ledger_signer(app).name + "\n2\n")
    assert client.get("/ledger/witnesses?format=json").get_json()["policy"] is False
    assert "нет политики свидетелей" in client.get("/ledger/witnesses").text  # ru default
    result = run_cli(app, "ledger", "cosign")
    assert result.exit_code == 1 and "AIDTRAIL_WITNESS_POLICY" in result.output
