"""The instance's checkpoint-signing key, kept in AIDTRAIL_KEYS_DIR and never in the database.

A copied database alone can then neither forge a checkpoint nor re-sign a rewritten log.
The key's name is the checkpoint origin line (LEDGER_ORIGIN), so verifiers can tell which
log a checkpoint belongs to.
"""

from __future__ import annotations

from flask import Flask, current_app

from coordination.config import ConfigError
from coordination.keys import keys_dir, load_or_create
from coordination.ledger.note import Signer, generate_signer

EXTENSION = "aidtrail.ledger_signer"
SIGNER_FILE = "ledger-signer.key"


def init_ledger_keys(app: Flask) -> None:
    """Load the signer key, creating it (mode 0600, directory 0700) on first run."""
    origin = app.config["LEDGER_ORIGIN"]
    path = keys_dir(app.config["AIDTRAIL_KEYS_DIR"]) / SIGNER_FILE
    signer = Signer.from_key(load_or_create(path, lambda: generate_signer(origin)[0]))
    if signer.name != origin:
        # Signing with a key named for another log would publish checkpoints that no
        # verifier of this log accepts; refuse to start rather than do that silently.
        raise ConfigError(
            f"{path} holds the key for {signer.name!r} but LEDGER_ORIGIN is {origin!r}"
        )
    app.extensions[EXTENSION] = signer


def ledger_signer(app: Flask | None = None) -> Signer:
    target = app or current_app
    signer: Signer | None = target.extensions.get(EXTENSION)
    if signer is None:
        init_ledger_keys(target)
        signer = target.extensions[EXTENSION]
    return signer


def verifier_key(app: Flask | None = None) -> str:
    return ledger_signer(app).verifier_key
