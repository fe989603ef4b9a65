"""Offline verification of ledger exports, including every kind of tampering we can think of."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from coordination.ledger import export_format, merkle, note
from coordination.ledger.canonical import canonical_json
from coordination.ledger.verify import VerifyResult, verify_export

NAME = "aidtrail.test/log"
N = 30
LEDGER_DIR = Path(__file__).resolve().parents[2] / "coordination" / "ledger"


def _body(i: int, tag: str = "") -> str:
    return canonical_json({"kind": "handover", "seq": i, "qty": i * 7 % 50, "note": "носки" + tag})


def build_export(
    directory: Path, bodies: Sequence[str], signer: note.Signer, sizes: Sequence[int]
) -> Path:
    """Sign a checkpoint at each size, from roots computed here independently of verify.py."""
    leaves = [merkle.leaf_hash(b.encode()) for b in bodies]
    checkpoints = [
        (n, note.sign_checkpoint(signer, n, merkle.root_hash(leaves[:n]))) for n in sizes
    ]
    export_format.write_export(directory, bodies, checkpoints, signer.verifier_key)
    return directory


@pytest.fixture(scope="module")
def signer() -> note.Signer:
    return note.Signer.from_key(note.generate_signer(NAME)[0])


@pytest.fixture(params=[1, 3], ids=["one-process", "three-processes"])
def workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    # Force the multi-process path on tiny files so chunk boundaries are exercised too.
    monkeypatch.setattr(export_format, "PARALLEL_MIN_BYTES", 0)
    value: int = request.param
    return value


def _every_size(tmp_path: Path, signer: note.Signer) -> Path:
    return build_export(tmp_path / "export", [_body(i) for i in range(N)], signer, range(1, N + 1))


def _lines(export: Path, name: str = export_format.ENTRIES_FILE) -> list[str]:
    return (export / name).read_text(encoding="utf-8").splitlines(keepends=True)


def _write(export: Path, lines: list[str], name: str = export_format.ENTRIES_FILE) -> None:
    (export / name).write_text("".join(lines), encoding="utf-8")


def _failed_at(result: VerifyResult, index: int) -> None:
    assert not result.ok, result.message
    assert result.first_bad_index == index, result.message


def test_clean_export_verifies(tmp_path: Path, signer: note.Signer, workers: int) -> None:
    result = verify_export(_every_size(tmp_path, signer), workers=workers)
    assert result == VerifyResult(True, None, result.message, N, N)
    sparse = build_export(tmp_path / "sparse", [_body(i) for i in range(N)], signer, [0, 7, 8, N])
    assert verify_export(sparse, workers=workers).ok


def test_empty_export_verifies(tmp_path: Path, signer: note.Signer) -> None:
    assert verify_export(build_export(tmp_path, [], signer, [])).ok
    assert verify_export(build_export(tmp_path, [], signer, [0])).ok


@pytest.mark.parametrize("k", [0, 10, 17, N - 1])
def test_edited_body_is_caught(tmp_path: Path, signer: note.Signer, workers: int, k: int) -> None:
    export = _every_size(tmp_path, signer)
    lines = _lines(export)
    edited = _body(k).replace(f'"seq":{k}', f'"seq":{k + 1000}')  # still canonical
    lines[k] = export_format.entry_line(k, edited)
    _write(export, lines)
    result = verify_export(export, workers=workers)
    _failed_at(result, k)
    assert "root" in result.message


NON_CANONICAL: dict[str, Callable[[int], str]] = {
    "whitespace": lambda k: _body(k).replace(":", ": ", 1),
    "unsorted keys": lambda k: '{"seq":1,"kind":"x"}',
    "escaped non-ASCII": lambda k: _body(k).replace("н", "\\u043d"),
    "not JSON": lambda k: "{oops",
    "lone surrogate": lambda k: '"\ud800"',
}


@pytest.mark.parametrize("kind", NON_CANONICAL)
def test_non_canonical_body_is_caught(
    tmp_path: Path, signer: note.Signer, workers: int, kind: str
) -> None:
    export = _every_size(tmp_path, signer)
    lines = _lines(export)
    # ensure_ascii keeps a lone surrogate writable: it travels as a \ud800 escape.
    lines[17] = json.dumps({"index": 17, "body": NON_CANONICAL[kind](17)}) + "\n"
    _write(export, lines)
    result = verify_export(export, workers=workers)
    _failed_at(result, 17)
    assert ("UTF-8" if kind == "lone surrogate" else "canonical") in result.message


def test_raw_byte_edit_in_entries_file_is_caught(tmp_path: Path, signer: note.Signer) -> None:
    export = _every_size(tmp_path, signer)
    raw = bytearray((export / export_format.ENTRIES_FILE).read_bytes())
    start = sum(len(line.encode()) for line in _lines(export)[:12])
    raw[start + 40] ^= 0x01
    (export / export_format.ENTRIES_FILE).write_bytes(bytes(raw))
    _failed_at(verify_export(export), 12)


@pytest.mark.parametrize("k", [0, 10, 20, N - 1])
def test_deleted_entry_is_caught(tmp_path: Path, signer: note.Signer, workers: int, k: int) -> None:
    export = _every_size(tmp_path, signer)
    lines = _lines(export)
    del lines[k]
    _write(export, lines)
    result = verify_export(export, workers=workers)
    _failed_at(result, k)
    if k < N - 1:
        assert f"expected index {k}, found {k + 1}" in result.message
    else:
        assert f"the export has {N - 1} entries" in result.message


@pytest.mark.parametrize("keep_indices", [False, True], ids=["lines", "bodies"])
def test_reordered_entries_are_caught(
    tmp_path: Path, signer: note.Signer, workers: int, keep_indices: bool
) -> None:
    export = _every_size(tmp_path, signer)
    lines = _lines(export)
    k = 9
    if keep_indices:  # swap the bodies but renumber, so the indices still look right
        lines[k], lines[k + 1] = (
            export_format.entry_line(k, _body(k + 1)),
            export_format.entry_line(k + 1, _body(k)),
        )
    else:
        lines[k], lines[k + 1] = lines[k + 1], lines[k]
    _write(export, lines)
    _failed_at(verify_export(export, workers=workers), k)


@pytest.mark.parametrize("renumber", [False, True])
def test_inserted_entry_is_caught(
    tmp_path: Path, signer: note.Signer, workers: int, renumber: bool
) -> None:
    export = _every_size(tmp_path, signer)
    bodies = [_body(i) for i in range(N)]
    k = 11
    bodies.insert(k, _body(k, " (forged)"))
    lines = [export_format.entry_line(i, b) for i, b in enumerate(bodies)]
    if not renumber:  # the forged line reuses index k; every later line keeps its index
        lines = [export_format.entry_line(i if i <= k else i - 1, b) for i, b in enumerate(bodies)]
    _write(export, lines)
    _failed_at(verify_export(export, workers=workers), k)


def _sparse(tmp_path: Path, signer: note.Signer) -> Path:
    return build_export(tmp_path / "export", [_body(i) for i in range(N)], signer, [5, 10, 20, N])


def _resign(text: str, old: str, new: str, signer: note.Signer) -> str:
    """The checkpoint body with one line changed, validly signed by the log's own key."""
    return note.sign_note(text.split("\n\n")[0].replace(old, new, 1) + "\n", signer)


# name: (edit of the size-20 checkpoint note, what the verifier must say)
CHECKPOINT_EDITS: dict[str, tuple[Callable[[str, note.Signer], str], str]] = {
    "changed root": (lambda t, s: t.replace(t.split("\n")[2], "A" * 43 + "="), "does not verify"),
    "dropped signature": (lambda t, s: t.split("\u2014")[0], "no signature"),
    "foreign origin": (lambda t, s: _resign(t, NAME, "other.test/log", s), "origin"),
    "other size": (lambda t, s: _resign(t, "\n20\n", "\n21\n", s), "signs size 21"),
}


@pytest.mark.parametrize("edit", CHECKPOINT_EDITS)
def test_edited_checkpoint_is_caught(tmp_path: Path, signer: note.Signer, edit: str) -> None:
    export = _sparse(tmp_path, signer)
    change, expected = CHECKPOINT_EDITS[edit]
    lines = _lines(export, export_format.CHECKPOINTS_FILE)
    lines[2] = export_format.checkpoint_line(20, change(json.loads(lines[2])["note"], signer))
    _write(export, lines, export_format.CHECKPOINTS_FILE)
    result = verify_export(export)
    _failed_at(result, 10)
    assert expected in result.message


def test_checkpoints_out_of_order_are_caught(tmp_path: Path, signer: note.Signer) -> None:
    export = _sparse(tmp_path, signer)
    lines = _lines(export, export_format.CHECKPOINTS_FILE)
    lines[1], lines[2] = lines[2], lines[1]  # sizes 5, 20, 10, 30
    _write(export, lines, export_format.CHECKPOINTS_FILE)
    result = verify_export(export)
    _failed_at(result, 20)  # entries below 20 are proven by the size-20 checkpoint
    assert "size must be" in result.message


def test_edit_between_sparse_checkpoints_names_the_entry(
    tmp_path: Path, signer: note.Signer
) -> None:
    export = _sparse(tmp_path, signer)
    lines = _lines(export)
    lines[13] = export_format.entry_line(13, _body(13, "!"))
    _write(export, lines)
    result = verify_export(export)
    _failed_at(result, 13)
    assert "entry 13 is not the one the signed root covers" in result.message
    # Without the stored leaf hashes, or with hashes rewritten to match the edit (their
    # tree no longer gives the signed root), only the interval can be named.
    leaves = (export / export_format.LEAVES_FILE).read_bytes()
    forged = merkle.leaf_hash(_body(13, "!").encode())
    (export / export_format.LEAVES_FILE).write_bytes(leaves[: 13 * 32] + forged + leaves[14 * 32 :])
    result = verify_export(export)
    _failed_at(result, 10)
    assert "[10, 20)" in result.message and "does not give the signed root" in result.message
    (export / export_format.LEAVES_FILE).unlink()
    result = verify_export(export)
    _failed_at(result, 10)
    assert "[10, 20)" in result.message


BIG = 195


def _one_checkpoint(tmp_path: Path, signer: note.Signer, sizes: Sequence[int]) -> Path:
    return build_export(tmp_path / "big", [_body(i) for i in range(BIG)], signer, sizes)


@pytest.mark.parametrize("sizes", [[BIG], [64, BIG], [96, 98, BIG], [1, 97, 150, BIG]])
def test_an_altered_entry_is_named_whatever_the_checkpoint_spacing(
    tmp_path: Path, signer: note.Signer, sizes: list[int]
) -> None:
    export = _one_checkpoint(tmp_path, signer, sizes)
    lines = _lines(export)
    lines[97] = export_format.entry_line(97, _body(97, " altered"))
    _write(export, lines)
    _failed_at(verify_export(export), 97)
    root, env = _isolated_copy(tmp_path, "")
    run = _run(["-m", "coordination.ledger.verify", str(export)], root, env)
    assert run.returncode == 1 and run.stdout.startswith("FAILED at index 97: "), run.stdout


@pytest.mark.parametrize("change", ["missing", "swapped"])
def test_a_missing_or_moved_entry_is_named_between_far_checkpoints(
    tmp_path: Path, signer: note.Signer, change: str
) -> None:
    export = _one_checkpoint(tmp_path, signer, [BIG])
    bodies = [_body(i) for i in range(BIG)]
    if change == "missing":
        del bodies[97]  # and every later entry renumbered, so the indices look right
    else:
        bodies[97], bodies[98] = bodies[98], bodies[97]
    _write(export, [export_format.entry_line(i, b) for i, b in enumerate(bodies)])
    _failed_at(verify_export(export), 97)


def test_rewritten_log_signed_by_another_key_is_caught(tmp_path: Path, signer: note.Signer) -> None:
    impostor = note.Signer.from_key(note.generate_signer(NAME)[0])  # same name, new key
    bodies = [_body(i, " rewritten") for i in range(N)]
    replaced_key = build_export(tmp_path / "a", bodies, impostor, range(1, N + 1))
    assert verify_export(replaced_key).ok  # self-consistent, which is why --key matters
    result = verify_export(replaced_key, trusted_key=signer.verifier_key)
    _failed_at(result, 0)
    kept_key = build_export(tmp_path / "b", bodies, impostor, range(1, N + 1))
    (kept_key / export_format.VERIFIER_KEY_FILE).write_text(signer.verifier_key + "\n")
    result = verify_export(kept_key)
    _failed_at(result, 0)
    assert "trusted key" in result.message


def test_entries_beyond_the_last_checkpoint_are_unsigned(
    tmp_path: Path, signer: note.Signer
) -> None:
    export = build_export(tmp_path, [_body(i) for i in range(N)], signer, [10, 25])
    result = verify_export(export)
    _failed_at(result, 25)
    assert "not covered" in result.message


def test_checkpoint_beyond_the_entries_is_caught(tmp_path: Path, signer: note.Signer) -> None:
    export = _every_size(tmp_path, signer)
    _write(export, _lines(export)[:27])  # the last three entries removed
    _failed_at(verify_export(export), 27)


def test_missing_key_is_caught(tmp_path: Path, signer: note.Signer) -> None:
    export = _every_size(tmp_path, signer)
    (export / export_format.VERIFIER_KEY_FILE).unlink()
    _failed_at(verify_export(export), 0)
    assert verify_export(export, trusted_key=signer.verifier_key).ok


# --- the command line, where Flask is not even importable ------------------------------


def _isolated_copy(tmp_path: Path, parent_init: str) -> tuple[Path, dict[str, str]]:
    """A copy of coordination/ledger/ alone, and an environment in which importing Flask
    or SQLAlchemy fails loudly."""
    root = tmp_path / "isolated"
    shutil.copytree(
        LEDGER_DIR, root / "coordination" / "ledger", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "coordination" / "__init__.py").write_text(parent_init)
    blocker = tmp_path / "blocker"
    for module in ("flask", "sqlalchemy"):
        (blocker / module).mkdir(parents=True)
        (blocker / module / "__init__.py").write_text(
            f"raise ImportError('the offline verifier must not import {module}')\n"
        )
    env = {**os.environ, "PYTHONPATH": str(blocker), "PYTHONDONTWRITEBYTECODE": "1"}
    return root, env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_runs_without_flask(tmp_path: Path, signer: note.Signer) -> None:
    export = _every_size(tmp_path, signer)
    root, env = _isolated_copy(tmp_path, "")
    ok = _run(["-m", "coordination.ledger.verify", str(export)], root, env)
    assert (ok.returncode, ok.stderr) == (0, "")
    assert ok.stdout.startswith(f"OK: {N} entries and {N} checkpoints verified")

    wrong_key = note.generate_signer(NAME)[1]
    pinned = _run(["-m", "coordination.ledger.verify", str(export), "--key", wrong_key], root, env)
    assert pinned.returncode == 1 and pinned.stdout.startswith("FAILED at index 0:")

    lines = _lines(export)
    del lines[17]
    _write(export, lines)
    bad = _run(["-m", "coordination.ledger.verify", str(export)], root, env)
    assert bad.returncode == 1
    assert bad.stdout.startswith("FAILED at index 17: ")
    assert len(bad.stdout.splitlines()) == 1


def test_cli_by_path_skips_a_parent_package_that_needs_flask(
    tmp_path: Path, signer: note.Signer
) -> None:
    export = _every_size(tmp_path, signer)
    root, env = _isolated_copy(tmp_path, "import flask\n")  # like the real app factory
    script = root / "coordination" / "ledger" / "verify.py"
    result = _run([str(script), str(export)], tmp_path, env)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("OK: ")
