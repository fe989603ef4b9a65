"""`python -m coordination.ops.audit`: pip-audit over requirements.txt, strict.

Strict means a package the audit could not check is a failure, not a pass. When the
vulnerability data cannot be reached at all (no network, or an index that is not PyPI),
that is said plainly and the check does not fail the build: there is nothing to judge.
Reachability is probed with a release that has existed on PyPI for years.
"""

from __future__ import annotations

import subprocess  # nosec B404 # runs pip-audit from this venv, fixed argv
import sys
import urllib.error
import urllib.request
from pathlib import Path

PROBE = "https://pypi.org/pypi/flask/2.0.0/json"
ROOT = Path(__file__).resolve().parents[2]


def reachable() -> str | None:
    """None when PyPI's vulnerability data answers, else why not."""
    try:
        # A fixed https URL, never user input.
        with urllib.request.urlopen(PROBE, timeout=15) as resp:  # nosec B310
            resp.read(1)
        return None
    except urllib.error.HTTPError as exc:
        return f"{PROBE} answered {exc.code}; this index is not PyPI"
    except OSError as exc:
        return f"{PROBE} unreachable ({type(exc).__name__})"


def main() -> int:
    why = reachable()
    if why:
        print(f"pip-audit NOT RUN: vulnerability data cannot be reached: {why}")
        return 0
    cmd = [
        sys.executable,
        "-m",
        "pip_audit",
        "--strict",
        "--progress-spinner",
        "off",
        "--no-deps",
        "--disable-pip",
        "-r",
        str(ROOT / "requirements.txt"),
    ]
    # Every line of requirements.txt is pinned (==), so --no-deps audits exactly them.
    return subprocess.run(cmd, check=False).returncode  # noqa: S603 # nosec B603 # fixed argv


if __name__ == "__main__":
    raise SystemExit(main())
