"""Benchmark: a class opening the student app at once, on this machine.

    python bench/bench_class.py [--students 1 10 30] [--configs before after] [--modes http browser]
                                [--browser-max 10] [--timeout 180]

For each configuration and class size N it starts a loopback Voila serving
notebooks/student_app.ipynb (private folders, a temporary copy), waits until the server is ready
(with a kernel pool: until the pool is full, as a server started before the class arrives), then
N students arrive at the same moment. Two measures:

  http     N page requests at once, each read to its end: Voila has given the student a kernel
           and run the app in it (the server's whole share of the work). Time from the common
           start to each page complete.
  browser  N pages in Debian's Chromium (one context per student, as N devices), to the first
           drawn figure (an ipympl canvas with pixels that are not background), with the stages
           (server answered, page loaded, widgets shown). The browser runs on the same 2 cores as
           the server, so this is an upper bound for a class on its own devices; classes larger
           than --browser-max are measured with http only.

Meanwhile it samples the memory (RSS) of the Voila server and its kernels. A page without the
app (or a figure) within --timeout, or with an error, counts as failed; kernel errors ("Address
already in use", "died") are counted from the server log.

Configurations (the same voila_config/voila.py, changed on Voila's command line):
  before  kernels started on request, over TCP, 4 s for a cell's outputs (Voila's defaults:
          what the app did before)
  after   hipball's configuration: a pool of pre-heated kernels (HIPBALL_VOILA_POOL, default
          4) that have already run the app, kernels over Unix sockets (no port race), 60 s for
          a cell's outputs under load
  class   "after" with a pool as large as the class (HIPBALL_VOILA_POOL=N): the server started
          a few minutes before the class has every student's kernel ready (--configs class)

Prints per mode, configuration and N: pages ok, time (median, p95, max), peak memory and memory
per kernel, and the after/before ratios; writes bench/results/class.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import browser_support as bs  # noqa: E402

GOAL_ONE_S = 3.0
GOAL_CLASS_S = 60.0
CONFIGS = {
    "before": ["--VoilaConfiguration.preheat_kernel=False", "--KernelManager.transport=tcp",
               "--VoilaExecutor.iopub_timeout=4"],
    "after": [],
    "class": [],   # "after" with HIPBALL_VOILA_POOL = the class size (the set-up for a class)
}

# A figure is drawn when an ipympl canvas (or the image fallback) has non-background pixels.
FIGURE_DRAWN = """() => {
    if (document.querySelector('.hipball-error') && document.querySelector('.hipball-error').innerText.trim())
        return 'error';
    for (const c of document.querySelectorAll('.jupyter-matplotlib-figure canvas')) {
        if (!c.width || !c.height || c.offsetParent === null) continue;
        let d;
        try { d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; } catch (e) { continue; }
        const step = 4 * 97;
        for (let i = 0; i < d.length; i += step) {
            if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) return 'figure';
        }
    }
    for (const img of document.querySelectorAll('img.widget-image, .widget-image img, img'))
        if (img.closest('.jp-OutputArea-output') && img.naturalWidth > 0) return 'figure';
    return false;
}"""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


class Memory(threading.Thread):
    """Samples the RSS of the server and its kernels every 0.5 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.peak_mb = 0.0
        self.kernels_mb: list[float] = []
        self.stop = threading.Event()

    def sample(self) -> tuple[float, list[float]]:
        total, kernels = 0.0, []
        procs = [self.proc]
        try:
            procs += self.proc.children(recursive=True)
        except Exception:
            pass
        for p in procs:
            try:
                mb = p.memory_info().rss / 2**20
                total += mb
                if "ipykernel" in " ".join(p.cmdline()):
                    kernels.append(mb)
            except Exception:
                continue
        return total, kernels

    def run(self) -> None:
        while not self.stop.is_set():
            total, kernels = self.sample()
            if total > self.peak_mb:
                self.peak_mb = total
            self.kernels_mb = kernels
            time.sleep(0.5)


def kernel_count(pid: int) -> int:
    import psutil

    try:
        return sum("ipykernel" in " ".join(p.cmdline()) for p in psutil.Process(pid).children(recursive=True))
    except Exception:
        return 0


def wait_pool(server: bs.Server, want: int, timeout_s: float = 300) -> float:
    """Until the pool's kernels have started (Voila's log says "filled") and have run the app:
    the server and its kernels then fall quiet (under 10 % of a CPU for 3 s)."""
    import psutil

    t0 = time.monotonic()
    while want and "Kernel pool of student_app.ipynb is filled" not in server.log_path.read_text(errors="replace"):
        if time.monotonic() - t0 > timeout_s:
            raise TimeoutError(f"the kernel pool did not fill in {timeout_s:.0f} s:\n{server.log_tail()}")
        time.sleep(0.5)
    quiet = 0
    while want and quiet < 3 and time.monotonic() - t0 < timeout_s:
        procs = [psutil.Process(server.proc.pid)] + psutil.Process(server.proc.pid).children(recursive=True)
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        time.sleep(1.0)
        busy = 0.0
        for p in procs:
            try:
                busy += p.cpu_percent(None)
            except psutil.Error:
                pass
        quiet = quiet + 1 if busy < 10 else 0
    return time.monotonic() - t0


async def one_student(browser, url: str, t_start: float, timeout_s: float) -> dict:
    ctx = await browser.new_context(viewport={"width": 1366, "height": 768})
    page = await ctx.new_page()
    out = {"ok": False, "s": None, "why": ""}
    try:
        await page.goto(url, timeout=timeout_s * 1000, wait_until="commit")
        out["html_s"] = time.monotonic() - t_start      # the server answered (first bytes)
        await page.wait_for_load_state("load", timeout=timeout_s * 1000)
        out["load_s"] = time.monotonic() - t_start      # the page and its scripts loaded
        left = max(1.0, timeout_s - (time.monotonic() - t_start))
        await page.locator(".jupyter-matplotlib-figure, .widget-tab").first.wait_for(timeout=left * 1000)
        out["widgets_s"] = time.monotonic() - t_start   # the app's widgets are on screen
        left = max(1.0, timeout_s - (time.monotonic() - t_start))
        handle = await page.wait_for_function(FIGURE_DRAWN, timeout=left * 1000, polling=200)
        state = await handle.json_value()
        out["s"] = time.monotonic() - t_start
        out["ok"] = state == "figure"
        out["why"] = "" if out["ok"] else "app error box"
    except Exception as exc:
        out["why"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return {"ctx": ctx, **out}


async def run_class(url: str, n: int, timeout_s: float) -> tuple[list[dict], float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=bs.CHROMIUM, args=bs.CHROMIUM_ARGS, headless=True)
        try:
            t_start = time.monotonic()
            results = await asyncio.gather(*[one_student(browser, url, t_start, timeout_s) for _ in range(n)])
            wall = time.monotonic() - t_start
            for r in results:
                await r.pop("ctx").close()
        finally:
            await browser.close()
    return results, wall


VIEW = re.compile(r"application/vnd\.jupyter\.widget-view\+json")
ERROR_SIGNS = ("There was an error when executing cell", "application/vnd.jupyter.stderr", "hipball-error'>")


def run_class_http(url: str, n: int, timeout_s: float) -> tuple[list[dict], float]:
    """N students' page requests at once, without a browser: each page read to its end, i.e.
    Voila has started (or taken from the pool) the student's kernel and run the app in it. What
    is left for the student's own device is loading the page's scripts and drawing."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    t_start = time.monotonic()

    def one(_):
        try:
            with urllib.request.urlopen(url, timeout=timeout_s) as r:
                html = r.read().decode("utf-8", "replace")
        except Exception as exc:
            return {"ok": False, "s": None, "why": f"{type(exc).__name__}: {exc}"}
        bad = [e for e in ERROR_SIGNS if e in html]
        view, complete = bool(VIEW.search(html)), html.rstrip().endswith("</html>")
        ok = view and complete and not bad
        why = "" if ok else f"page without the app ({len(html)} bytes, widget view {view}, complete {complete}, {bad})"
        if not ok:
            keep = Path(tempfile.gettempdir()) / f"bench-class-failed-{os.getpid()}-{_}.html"
            keep.write_text(html)
            why += f" kept in {keep}"
        return {"ok": ok, "s": time.monotonic() - t_start, "why": why}

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(one, range(n)))
    return results, time.monotonic() - t_start


def measure(config: str, n: int, timeout_s: float, work: Path, mode: str = "browser") -> dict:
    run = Path(tempfile.mkdtemp(prefix=f"{config}-{n}-", dir=work))
    root = run / "notebooks"
    bs.copy_notebooks(root, [bs.STUDENT_APP])
    t0 = time.monotonic()
    saved = os.environ.get("HIPBALL_VOILA_POOL")
    if config == "class":
        os.environ["HIPBALL_VOILA_POOL"] = str(n)
    try:
        server = bs.start_voila(root, run / "voila", extra_args=CONFIGS[config])
    finally:
        if config == "class":
            os.environ.pop("HIPBALL_VOILA_POOL") if saved is None else os.environ.update(HIPBALL_VOILA_POOL=saved)
    try:
        pool = n if config == "class" else 0 if config == "before" else int(os.environ.get("HIPBALL_VOILA_POOL", "4"))
        fill_s = wait_pool(server, pool)
        ready_s = time.monotonic() - t0
        time.sleep(2)  # let the pool's last kernel settle
        idle_mb, _ = Memory(server.proc.pid).sample()
        mem = Memory(server.proc.pid)
        mem.start()
        url = server.url(f"voila/render/{bs.STUDENT_APP}")
        if mode == "http":
            results, wall = run_class_http(url, n, timeout_s)
        else:
            results, wall = asyncio.run(run_class(url, n, timeout_s))
        time.sleep(1)
        mem.stop.set()
        mem.join()
        end_mb, kernels_mb = mem.sample()
        log = server.log_path.read_text(errors="replace")
        if any(not r["ok"] for r in results):  # keep the server's log for the diagnosis
            keep = Path(tempfile.gettempdir()) / f"bench-class-{config}-{mode}-{n}-{os.getpid()}.log"
            keep.write_text(log)
            print(f"  some pages failed: the Voila log is kept in {keep}", flush=True)
        died = len(re.findall(r"Address already in use|Kernel died|KernelDied|died unexpectedly", log))
    finally:
        server.stop()
    times = [r["s"] for r in results if r["ok"]]
    stages = {k: statistics.median([r[k] for r in results if r.get(k) is not None] or [float("nan")])
              for k in ("html_s", "load_s", "widgets_s")}
    return {
        "config": config, "mode": mode, "students": n, "ok": len(times), "failed": [r["why"] for r in results if not r["ok"]],
        "median_s": statistics.median(times) if times else None, "p95_s": percentile(times, 0.95) if times else None,
        "max_s": max(times) if times else None, "wall_s": wall, "server_ready_s": ready_s, "pool_fill_s": fill_s,
        "pool": pool, "idle_mb": idle_mb, "peak_mb": mem.peak_mb, "end_mb": end_mb,
        "kernel_mb_median": statistics.median(kernels_mb) if kernels_mb else None, "kernels_end": len(kernels_mb),
        "kernel_errors_in_log": died, "median_stages_s": stages,
    }


def fmt(x, unit="", nd=1) -> str:
    return "-" if x is None else f"{x:.{nd}f}{unit}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, nargs="+", default=[1, 10, 30])
    ap.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=["before", "after"])
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds a page may take to show a figure")
    ap.add_argument("--modes", nargs="+", choices=["http", "browser"], default=["http", "browser"],
                    help="http: the server's side only (page complete, app built in its kernel); browser: "
                         "Chromium on this machine too, to the first drawn figure")
    ap.add_argument("--browser-max", type=int, default=10,
                    help="largest class opened in Chromium (more pages than cores measure the browser)")
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "class.json"), help="where the JSON goes")
    args = ap.parse_args(argv)
    if not Path(bs.CHROMIUM).exists():
        print(f"{bs.CHROMIUM} is missing", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-class-", ignore_cleanup_errors=True) as work:
        for mode, n in [(m, n) for m in args.modes for n in args.students]:
            if mode == "browser" and n > args.browser_max:
                continue
            for config in args.configs:
                r = measure(config, n, args.timeout, Path(work), mode)
                rows.append(r)
                what, when = ("figures", "first figure") if mode == "browser" else ("pages with the app", "app built")
                print(f"{mode:7s} {config:6s} N={n:2d}: {r['ok']}/{n} {what}; {when} median {fmt(r['median_s'], ' s')}, "
                      f"p95 {fmt(r['p95_s'], ' s')}, max {fmt(r['max_s'], ' s')}; memory peak {r['peak_mb']:.0f} MB "
                      f"(idle server {r['idle_mb']:.0f} MB, {fmt(r['kernel_mb_median'], ' MB', 0)} per kernel, "
                      f"{r['kernels_end']} kernels); kernel errors in log: {r['kernel_errors_in_log']}"
                      + (f"; failed: {r['failed'][:3]}" if r["failed"] else ""), flush=True)
                st = r["median_stages_s"]
                if mode == "browser":
                    print(f"         medians: server answered {st['html_s']:.1f} s, page loaded {st['load_s']:.1f} s, "
                          f"widgets shown {st['widgets_s']:.1f} s, figure drawn {fmt(r['median_s'], ' s')}",
                          flush=True)
    print("\nsummary (http: the app built in the student's kernel; browser: the first figure drawn in "
          f"Chromium on this machine; goal: 1 student within {GOAL_ONE_S:g} s, 30 within {GOAL_CLASS_S:g} s)")
    print(f"{'mode':7} {'N':>3} {'config':7} {'ok':>6} {'median':>8} {'p95':>8} {'max':>8} {'peak MB':>8} "
          f"{'MB/kernel':>9}")
    for r in rows:
        print(f"{r['mode']:7} {r['students']:>3} {r['config']:7} {r['ok']:>3}/{r['students']:<2} {fmt(r['median_s'], ' s'):>8} "
              f"{fmt(r['p95_s'], ' s'):>8} {fmt(r['max_s'], ' s'):>8} {r['peak_mb']:>8.0f} "
              f"{fmt(r['kernel_mb_median'], '', 0):>9}")
    by = {(r["mode"], r["config"], r["students"]): r for r in rows}
    for mode, n in dict.fromkeys((r["mode"], r["students"]) for r in rows):
        b = by.get((mode, "before", n))
        for name in ("after", "class"):
            a = by.get((mode, name, n))
            if a and b and a["median_s"] and b["median_s"]:
                print(f"{mode} N={n}: {name}/before median {a['median_s'] / b['median_s']:.2f}, "
                      f"p95 {a['p95_s'] / b['p95_s']:.2f}, peak memory {a['peak_mb'] / b['peak_mb']:.2f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
