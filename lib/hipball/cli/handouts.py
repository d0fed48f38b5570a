"""``hipball handouts``: printable handouts for a client or a whole class.

    hipball handouts --demo                       # the embedded sample class (fictional people)
    hipball handouts --roster class.csv --out handouts_out --paper a4
    hipball handouts --client "Ann Lee" --side left --notes "Start on the bed."   # one client

Writes, inside --out only: one PDF per client, class_packet.pdf (exactly the handouts of this
roster), the executed notebook of each client (for audit, with the fingerprint of what its
handout was made from), summary.txt and summary.json, every one of them mode 0600; --out is
made 0700 (an existing one that others can read is tightened, and the summary says so). One
run at a time per --out (a lock; a second run stops with a message). Exit status 1 when any
row failed, 2 for a mistake that stops the whole run (a bad option, a roster that cannot be
read or has no client rows, --out busy).
Client data stays on this computer, in --out (default ./handouts_out, ignored by git).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

DEFAULT_OUT = "handouts_out"


def _opt(name: str) -> str:
    return "--" + name.replace("_", "-")


def configure(parser: argparse.ArgumentParser, command: str = "handouts") -> None:
    # keep this cheap: hipball --help imports every command module
    from hipball.handouts import params

    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--roster", metavar="FILE", help="CSV (UTF-8) or YAML file, one row per client, "
                     "columns named as the notebook's parameters")
    src.add_argument("--client", metavar="NAME", help="one client, no roster: the name as printed; the other "
                     "columns come from the options below ('' for a generic handout)")
    src.add_argument("--demo", action="store_true", help="render the embedded sample class (fictional people)")
    parser.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                        help=f"output folder (default {DEFAULT_OUT}/, ignored by git); nothing is written outside it")
    parser.add_argument("--force", action="store_true",
                        help="render every handout again (a changed row is rendered again anyway)")
    parser.add_argument("--anonymize", action="store_true",
                        help="no client name and no notes anywhere: files named by roster row (client_row002.pdf), "
                             "blank lines on the handout to write them by hand, nothing in the notebooks, the "
                             "summary or the PDF's metadata (therapist, clinic and logo still print)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="kernels working in parallel (default 1; one kernel already serves the whole class)")
    parser.add_argument("--timeout", type=float, default=120, metavar="S",
                        help="seconds one notebook cell may take before that client fails (default 120)")
    parser.add_argument("--notebook", metavar="PATH", help=argparse.SUPPRESS)  # tests: a custom handout notebook
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    g = parser.add_argument_group("defaults for columns the roster does not have (else the notebook's)")
    for p in params.schema():
        if not p.roster or p.name == "client":
            continue
        if p.type == "bool":
            g.add_argument(_opt(p.name), dest=p.name, action=argparse.BooleanOptionalAction, default=None, help=p.help)
        else:
            g.add_argument(_opt(p.name), dest=p.name, default=None, metavar=p.name.upper(), help=p.help)


def cli_defaults(args) -> dict:
    from hipball.handouts import params

    given = {p.name: getattr(args, p.name) for p in params.schema()
             if p.roster and p.name != "client" and getattr(args, p.name, None) is not None}
    checked = params.validate(given, base_dir=Path.cwd(), unknown="ignore")
    bad = [e for e in checked.errors if e.column in given]
    if bad:
        raise ValueError("; ".join(f"{_opt(e.column)}: {e.message.split(': ', 1)[-1]}" for e in bad))
    return {k: checked.values[k] for k in given}


def run(args) -> int:
    from hipball.handouts import glyphs, paths, roster

    if args.jobs < 1:
        raise ValueError(f"--jobs: {args.jobs} is not allowed (1 or more)")
    if args.timeout <= 0:
        raise ValueError(f"--timeout: {args.timeout:g} is not allowed (more than 0 seconds)")
    glyphs.extra_dirs()  # a HIPBALL_FONT_DIR that does not exist: say so before anything runs
    t0 = time.perf_counter()
    defaults = cli_defaults(args)
    if args.client is not None:
        table, source_name = roster.single(args.client), "--client"
    else:
        source = roster.demo_path() if args.demo else Path(args.roster)
        table, source_name = roster.read_roster(source), source.name
    if all(r.empty for r in table.rows):
        raise ValueError(f"the roster {source_name!r} has no client rows (only a header, or only empty rows)")
    checked = roster.check_rows(table, defaults, anonymize=args.anonymize)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: {str(out)!r} is a file, not a folder")
    if not out.exists():
        out.mkdir(parents=True, mode=0o700)  # client data: the owner only
    out = out.resolve()
    warnings = list(table.warnings) + paths.make_private(out)
    with paths.locked(out), _terminate_as_interrupt():
        paths.clean_partials(out)  # leftovers of an interrupted run
        try:
            text, outcomes = _render(args, checked, out, warnings, t0)
        finally:  # every exit path: Ctrl+C, SIGTERM, an error (a hard kill: the next run)
            paths.clean_partials(out)
    print(text, end="")
    print(f"Wrote to {out}/ (client data: keep this folder private; it is ignored by git).")
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _render(args, checked, out: Path, warnings: list[str], t0: float):
    from hipball.handouts import batch

    nb_source = batch.notebook_source(Path(args.notebook) if args.notebook else None)
    jobs, outcomes, packet, more = batch.plan(checked, out, anonymize=args.anonymize, force=args.force,
                                              notebook_source=nb_source)
    warnings = warnings + more
    notebook = Path(args.notebook) if args.notebook else None
    progress = not args.no_progress
    if args.jobs > 1 and len(jobs) > 1:
        outcomes += _parallel(jobs, out, notebook, args.timeout, args.jobs, progress)
    else:
        outcomes += batch.run_jobs(jobs, out, notebook=notebook, timeout=args.timeout, progress=progress)
    done = {o.file for o in outcomes if o.status in ("rendered", "skipped") and o.file}
    packet = [p for p in packet if p.name in done]   # exactly this roster's current handouts
    packet_note = _packet(out, packet)
    text = batch.summary_text(outcomes, anonymize=args.anonymize, packet=packet_note,
                              seconds=time.perf_counter() - t0, warnings=warnings,
                              strays=batch.strays(out, packet))
    batch.write_summary(out, outcomes, text, anonymize=args.anonymize)
    return text, outcomes


class _terminate_as_interrupt:
    """SIGTERM (a closed terminal, `kill`, a CI timeout) unwinds like Ctrl+C, so the kernel is
    shut down and partial files are removed on that exit path too."""

    def __enter__(self):
        import signal
        import threading

        self._old = None
        if threading.current_thread() is threading.main_thread():
            def _raise(signum, frame):
                raise KeyboardInterrupt
            self._old = signal.signal(signal.SIGTERM, _raise)
        return self

    def __exit__(self, *exc):
        import signal

        if self._old is not None:
            signal.signal(signal.SIGTERM, self._old)
        return False


def _packet(out: Path, pdfs: list[Path]) -> str:
    """Build the packet from exactly ``pdfs`` (always: a removed client must leave it); no
    handout, no packet."""
    from hipball.handouts import batch, page

    target = out / batch.PACKET
    if not pdfs:
        if target.exists() or target.is_symlink():
            target.unlink()
        return ""
    pages = page.build_packet(pdfs, target)
    n = len(pdfs)
    return f"{target.name} ({n} handout{'s' if n != 1 else ''}, {pages} page{'s' if pages != 1 else ''})"


def _worker(chunk, out, notebook, timeout):
    from hipball.handouts import batch

    return batch.run_jobs(chunk, out, notebook=notebook, timeout=timeout, progress=False)


def _parallel(jobs, out, notebook, timeout, n, progress):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm.auto import tqdm

    n = min(n, len(jobs))
    chunks = [jobs[i::n] for i in range(n)]
    results = []
    with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn")) as pool, \
            tqdm(total=len(jobs), unit="handout", desc="handouts", disable=not progress) as bar:
        futures = [pool.submit(_worker, c, out, notebook, timeout) for c in chunks]
        for f in as_completed(futures):
            got = f.result()
            results += got
            bar.update(len(got))
    return results
