"""The checkpoint signer key: created once, private on disk, bound to LEDGER_ORIGIN."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordination import create_app
from coordination.config import ConfigError
from coordination.ledger.keys import SIGNER_FILE, ledger_signer


def test_key_survives_restarts_and_is_shared_by_workers(app, app_config):
    first = ledger_signer(app).verifier_key
    again = create_app(app_config)  # another worker, or the next start
    assert ledger_signer(again).verifier_key == first
    stored = (Path(app_config["AIDTRAIL_KEYS_DIR"]) / SIGNER_FILE).read_text()
    assert stored.startswith("PRIVATE+KEY+" + app.config["LEDGER_ORIGIN"] + "+")


def test_a_key_for_another_origin_is_refused(app, app_config):
    with pytest.raises(ConfigError, match="LEDGER_ORIGIN"):
        create_app({**app_config, "LEDGER_ORIGIN": "elsewhere.example/ledger"})


def test_the_private_key_is_never_published(app, client):
    secret = (Path(app.config["AIDTRAIL_KEYS_DIR"]) / SIGNER_FILE).read_text().strip()
    # PRIVATE+KEY+<name>+<key id>+<base64 key>: the base64 may itself hold '+' (and end in
    # one, 1 run in 64), so the fields are counted from the left; names never hold '+'.
    seed = secret.split("+", 4)[4]
    assert len(seed) > 40, secret[:20]
    for url in ("/ledger", "/ledger/key", "/ledger/checkpoint", "/ledger/entries"):
        assert seed not in client.get(url).get_data(as_text=True)
