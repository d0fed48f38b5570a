"""Benchmark: a 30-client class through `hipball handouts` (one kernel for the class) against a
plain loop of the `papermill` command line, one client per call (a kernel each), in the same run.

    python bench/bench_handouts.py [--clients 30] [--keep DIR]

Both render the same roster from notebooks/handout.ipynb into a temporary folder. Prints the
wall time of each, the time per handout and the ratio; writes bench/results/handouts.json
(bench/results/ is ignored by git). The issue asks for a ratio of at least 10.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "handout.ipynb"
BIN = Path(sys.executable).parent
FIRST = ["Ava", "Ben", "Chloe", "Dev", "Ema", "Finn", "Gus", "Hana", "Ivo", "Jun"]
LAST = ["Ng", "Ortiz", "Park"]
TRPS = ["", "gluteus_minimus.anterior", "piriformis.lateral;gluteus_medius.middle"]


def roster(n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        rows.append({
            "client": f"{FIRST[i % 10]} {LAST[i // 10 % 3]} {i:02d}",   # fictional
            "side": ("left", "right", "both")[i % 3],
            "trigger_points": TRPS[i % 3],
            "ball": ("tennis", "racquetball", "lacrosse")[i % 3],
            "surface": ("bed", "carpet", "hardwood")[i % 3],
            "paper": ("letter", "a4")[i % 2],
            "large_print": "yes" if i % 10 == 9 else "no",
            "notes": "Keep it short and gentle.",
        })
    return rows


def papermill_args(row: dict[str, str], pdf: Path) -> list[str]:
    args = []
    for k, v in row.items():
        if k == "trigger_points":
            args += ["-y", f"trigger_points: {json.dumps([t for t in v.split(';') if t])}"]
        elif k == "large_print":
            args += ["-y", f"large_print: {'true' if v == 'yes' else 'false'}"]
        else:
            args += ["-p", k, v]
    return args + ["-p", "output_pdf", str(pdf)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=30)
    ap.add_argument("--keep", metavar="DIR", help="keep the outputs here")
    a = ap.parse_args()
    tmp = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="hipball-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    rows = roster(a.clients)
    with open(tmp / "class.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    env = dict(os.environ, MPLBACKEND="Agg")

    out_batch = tmp / "batch"
    t0 = time.perf_counter()
    r = subprocess.run([str(BIN / "hipball"), "handouts", "--roster", str(tmp / "class.csv"), "--out",
                        str(out_batch), "--no-progress", "--force"], env=env, capture_output=True, text=True,
                       timeout=1800)
    t_batch = time.perf_counter() - t0
    if r.returncode != 0:
        print(r.stdout, r.stderr, file=sys.stderr)
        return 1
    n_batch = len([p for p in out_batch.glob("*.pdf") if p.name != "class_packet.pdf"])

    out_loop = tmp / "loop"
    out_loop.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    for i, row in enumerate(rows):
        subprocess.run([str(BIN / "papermill"), str(NOTEBOOK), str(out_loop / f"{i:02d}.ipynb"),
                        "--execution-timeout", "120", "--no-progress-bar", *papermill_args(row, out_loop / f"{i:02d}.pdf")],
                       env=env, capture_output=True, check=True, timeout=300)
    t_loop = time.perf_counter() - t0
    n_loop = len(list(out_loop.glob("*.pdf")))

    ratio = t_loop / t_batch
    result = {
        "clients": a.clients, "batch_s": round(t_batch, 2), "loop_s": round(t_loop, 2),
        "batch_per_handout_s": round(t_batch / n_batch, 3), "loop_per_handout_s": round(t_loop / n_loop, 3),
        "ratio": round(ratio, 1), "batch_pdfs": n_batch, "loop_pdfs": n_loop,
        "python": sys.version.split()[0], "cpus": os.cpu_count(),
    }
    print(f"hipball handouts : {t_batch:6.1f} s for {n_batch} handouts ({t_batch / n_batch:.3f} s each, "
          "one kernel, process start included)")
    print(f"papermill loop   : {t_loop:6.1f} s for {n_loop} handouts ({t_loop / n_loop:.3f} s each, a kernel each)")
    print(f"ratio            : {ratio:.1f}x faster (target: at least 10x)")
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "handouts.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    if not a.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ratio >= 10 else 2


if __name__ == "__main__":
    sys.exit(main())
