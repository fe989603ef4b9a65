"""/ledger/witnesses (public): who witnesses this log, and what each last cosigned."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import gettext as _

from coordination.db import db
from coordination.ledger.witnesses.quorum import newest_witnessed, overview
from coordination.ledger.witnesses.settings import witness_policy

bp = Blueprint("witnesses", __name__)


def _state() -> dict[str, Any]:
    policy = witness_policy()
    if policy is None:
        return {"policy": False, "quorum": None, "witnessed_size": None, "witnesses": []}
    witnessed = newest_witnessed(db.session, policy)
    return {
        "policy": True,
        "quorum": policy.describe_quorum(),
        "witnessed_size": witnessed.checkpoint.size if witnessed else None,
        "cosigners": witnessed.cosigners if witnessed else [],
        "witnesses": overview(db.session, policy),
    }


@bp.get("/ledger/witnesses")
def witnesses() -> Response | str:
    state = _state()
    if request.args.get("format") == "json":
        return jsonify(state)
    return render_template("ledger/witnesses.html", title=_("Witnesses of the ledger"), s=state)
