#!/usr/bin/env python3
"""Atlas and plate timings, measured in one run on this machine.

    python bench/bench_atlas.py

Prints: atlas load time (JSON parse + object, cold, in a fresh process), time to draw each plate
(median of 5 in this process, Agg, including canvas.draw), and the import cost of hipball
measured against `import matplotlib.pyplot` in fresh processes of the same run (median of 7).
Targets (issue 2): load < 20 ms, plate < 250 ms, hipball adds < 150 ms to matplotlib's import.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def fresh(code: str, n: int = 7) -> float:
    """Median wall time (ms) of running ``code`` in a fresh interpreter, minus an empty one."""
    def run(c):
        t = []
        for _ in range(n):
            out = subprocess.run([sys.executable, "-c", c], capture_output=True, text=True, check=True)
            t.append(float(out.stdout.strip()))
        return statistics.median(t)

    wrap = "import time; t=time.perf_counter(); {}; print((time.perf_counter()-t)*1000)"
    return run(wrap.format(code))


def main() -> None:
    mpl = fresh("import matplotlib.pyplot")
    both = fresh("import matplotlib.pyplot; import hipball")
    hip_only = fresh("import hipball")
    load = fresh("import numpy; from hipball.atlas import load_atlas; t0=time.perf_counter(); load_atlas(); t=t0")
    print(f"import matplotlib.pyplot          {mpl:7.1f} ms")
    print(f"import matplotlib.pyplot+hipball  {both:7.1f} ms  (hipball adds {both - mpl:+.1f} ms; target < 150)")
    print(f"import hipball alone              {hip_only:7.1f} ms")
    print(f"load_atlas() cold                 {load:7.1f} ms  (target < 20)")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hipball import draw_hip, load_atlas, theme

    load_atlas()
    worst = 0.0
    for view in ("posterior", "lateral", "anterolateral"):
        for depth in ("superficial", "deep"):
            times = []
            for _ in range(5):
                with theme("screen"):
                    fig = plt.figure(figsize=(9, 8))
                    ax = fig.add_axes((0, 0.03, 1, 0.92))
                    t = time.perf_counter()
                    draw_hip(view, "right", layers=("skin", "bones", depth), ax=ax)
                    fig.canvas.draw()
                    times.append((time.perf_counter() - t) * 1000)
                    plt.close(fig)
            med = statistics.median(times)
            worst = max(worst, med)
            print(f"plate {view:13s} {depth:11s}    {med:7.1f} ms")
    print(f"slowest plate                     {worst:7.1f} ms  (target < 250)")


if __name__ == "__main__":
    main()
