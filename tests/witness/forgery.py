"""The operator's rewrite: a different entry at an old index, the tree rebuilt and re-signed."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import text

from coordination.db import db
from coordination.ledger import merkle
from coordination.ledger.canonical import canonical_json
from coordination.ledger.checkpoints import sign_checkpoint
from coordination.ledger.keys import ledger_signer
from tests.ledger.ledger_support import forger


def rewrite_history(app: Flask, index: int) -> str:
    """Change entry `index`, recompute every stored subtree, drop the checkpoints (and their
    cosignatures) that covered it, and sign the rewritten tree with the log's own key.
    Returns the forged entry's body."""
    with forger(app) as conn:
        body = conn.execute(text("SELECT body FROM ledger_entry WHERE idx = :i"), {"i": index})
        data = json.loads(body.scalar_one())
        data["forged"] = True
        forged = canonical_json(data)
        leaf = merkle.leaf_hash(forged.encode("utf-8"))
        conn.execute(
            text("UPDATE ledger_entry SET body = :b, leaf_hash = :h WHERE idx = :i"),
            {"b": forged, "h": leaf, "i": index},
        )
        leaves = [
            bytes(h)
            for h in conn.execute(text("SELECT leaf_hash FROM ledger_entry ORDER BY idx")).scalars()
        ]
        nodes = conn.execute(text("SELECT level, position FROM ledger_node")).all()
        update = text("UPDATE ledger_node SET hash = :h WHERE level = :l AND position = :p")
        for level, position in nodes:
            span = leaves[position << level : (position + 1) << level]
            conn.execute(update, {"h": merkle.root_hash(span), "l": level, "p": position})
        conn.execute(text("DELETE FROM witness_cosignature WHERE size > :i"), {"i": index})
        conn.execute(text("DELETE FROM ledger_checkpoint WHERE size > :i"), {"i": index})
    sign_checkpoint(db.session, ledger_signer(app))
    db.session.commit()
    return forged
