"""The witness policy named by AIDTRAIL_WITNESS_POLICY (a C2SP tlog-policy file)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from coordination.config import ConfigError
from coordination.ledger.policy import Policy, parse_policy

EXTENSION = "aidtrail.witness_policy"


def witness_policy(app: Flask | None = None) -> Policy | None:
    """The parsed policy, or None when the setting is unset (no witnessing).

    Re-read when the file changes, so an admin can add a witness without a restart. A
    policy that cannot be read is a configuration error, never silently "no witnesses".
    """
    target = app or current_app
    setting = target.config.get("AIDTRAIL_WITNESS_POLICY")
    if not setting:
        return None
    path = Path(setting)
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
        cached = target.extensions.get(EXTENSION)
        if cached is not None and cached[0] == stamp:
            policy: Policy = cached[1]
            return policy
        policy = parse_policy(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"AIDTRAIL_WITNESS_POLICY {path}: {exc}") from None
    target.extensions[EXTENSION] = (stamp, policy)
    return policy
