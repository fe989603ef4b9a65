"""Run every bench/bench_*.py, collect their BENCH-JSON lines, print one table, save JSON.

`make bench` calls this. Each script runs in its own process (a fresh interpreter, as an
operator would run it) with the output shown as it comes; scripts that print no BENCH-JSON
line are listed as "no data" with their output kept in the JSON. The JSON goes to
bench/out/results.json (and a timestamped copy) so two runs can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess  # nosec B404 # runs our own bench scripts, fixed argv
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.protocol import PREFIX  # noqa: E402

OUT = HERE / "out"


def run(script: Path) -> dict[str, Any]:
    print(f"== {script.relative_to(ROOT)}", flush=True)
    start = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(  # nosec B603 # this interpreter and a bench file
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    results: list[dict[str, Any]] | None = None
    for text in proc.stdout:
        if text.startswith(PREFIX):
            results = (results or []) + json.loads(text[len(PREFIX) :])["results"]
            continue
        lines.append(text)
        print("   " + text, end="", flush=True)
    code = proc.wait()
    return {
        "script": script.name,
        "exit_code": code,
        "seconds": round(time.perf_counter() - start, 1),
        "results": results,
        "output": "".join(lines) if results is None or code else None,
    }


def number(value: Any) -> str:
    if value is None:
        return "-"
    value = float(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table(runs: list[dict[str, Any]]) -> str:
    head = ("benchmark", "figure", "value", "unit", "target", "ceiling", "ratio", "ok")
    rows: list[tuple[str, ...]] = []
    for r in runs:
        name = r["script"].removesuffix(".py")
        if r["results"] is None:
            rows.append(
                (
                    name,
                    "no data" + (f" (exit {r['exit_code']})" if r["exit_code"] else ""),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
            )
            continue
        if r["exit_code"]:
            rows.append((name, f"FAILED (exit {r['exit_code']})", "", "", "", "", "", ""))
        for f in r["results"]:
            ok = {True: "yes", False: "NO", None: ""}[f.get("meets_target")]
            sign = ">=" if f.get("better") == "higher" else "<="
            target = "" if f.get("target") is None else f"{sign} {number(f['target'])}"
            ratio = "" if f.get("ratio") is None else f"{f['ratio']:.0%}"
            rows.append(
                (
                    name,
                    f["name"],
                    number(f["value"]),
                    f["unit"],
                    target,
                    number(f.get("ceiling")) if f.get("ceiling") else "",
                    ratio,
                    ok,
                )
            )
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'>' if i in (2, 4, 5, 6) else '<'}{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*row) for row in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="substrings of bench file names to run")
    args = parser.parse_args(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if any(o in s.name for o in args.only)]
    runs = [run(s) for s in scripts]
    print("\n" + table(runs))
    OUT.mkdir(exist_ok=True)
    stamp = datetime.now(UTC)
    doc = {
        "when": stamp.isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "runs": runs,
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    (OUT / "results.json").write_text(text)
    (OUT / f"results-{stamp:%Y%m%dT%H%M%SZ}.json").write_text(text)
    print(f"\nwritten: {(OUT / 'results.json').relative_to(ROOT)}")
    failed = [r["script"] for r in runs if r["exit_code"]]
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
