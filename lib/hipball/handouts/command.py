"""``hipball handouts``: printable handouts for a client or a whole class.

    hipball handouts --demo                       # the embedded sample class (fictional people)
    hipball handouts --roster class.csv --out handouts_out --paper a4

Writes, inside --out only: one PDF per client, class-packet.pdf, the executed notebook of each
client (for audit), summary.txt and summary.json, every one of them mode 0600 (a new --out
folder is made 0700). Exit status 1 when any row failed, 2 for a mistake that stops the whole
run (a bad option, a roster that cannot be read or has no client rows).
Client data stays on this computer, in --out (default ./handouts_out, ignored by git).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

DEFAULT_OUT = "handouts_out"


def _opt(name: str) -> str:
    return "--" + name.replace("_", "-")


def configure(parser: argparse.ArgumentParser) -> None:
    # keep this cheap: hipball --help imports every command module
    from hipball.handouts import params

    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--roster", metavar="FILE", help="CSV (UTF-8) or YAML file, one row per client, "
                     "columns named as the notebook's parameters")
    src.add_argument("--demo", action="store_true", help="render the embedded sample class (fictional people)")
    parser.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                        help=f"output folder (default {DEFAULT_OUT}/, ignored by git); nothing is written outside it")
    parser.add_argument("--force", action="store_true", help="overwrite handouts that already exist")
    parser.add_argument("--anonymize", action="store_true",
                        help="no client name anywhere: files named by roster row (client-002.pdf), no name on "
                             "the handout (a blank line to write it on), in the notebooks or in the summary")
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
    from hipball.handouts import batch, roster

    if args.jobs < 1:
        raise ValueError(f"--jobs: {args.jobs} is not allowed (1 or more)")
    if args.timeout <= 0:
        raise ValueError(f"--timeout: {args.timeout:g} is not allowed (more than 0 seconds)")
    t0 = time.perf_counter()
    defaults = cli_defaults(args)
    source = roster.demo_path() if args.demo else Path(args.roster)
    table = roster.read_roster(source)
    if all(r.empty for r in table.rows):
        raise ValueError(f"the roster {source.name!r} has no client rows (only a header, or only empty rows)")
    checked = roster.check_rows(table, defaults, anonymize=args.anonymize)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out: {str(out)!r} is a file, not a folder")
    if not out.exists():
        out.mkdir(parents=True, mode=0o700)  # client data: the owner only
    out = out.resolve()
    from hipball.handouts import paths

    paths.clean_partials(out)  # leftovers of an interrupted run
    jobs, outcomes, packet = batch.plan(checked, out, anonymize=args.anonymize, force=args.force)
    notebook = Path(args.notebook) if args.notebook else None
    progress = not args.no_progress
    if args.jobs > 1 and len(jobs) > 1:
        outcomes += _parallel(jobs, out, notebook, args.timeout, args.jobs, progress)
    else:
        outcomes += batch.run_jobs(jobs, out, notebook=notebook, timeout=args.timeout, progress=progress)
    packet_note = _packet(out, packet, rebuild=any(o.status == "rendered" for o in outcomes) or args.force)
    text = batch.summary_text(outcomes, anonymize=args.anonymize, packet=packet_note,
                              seconds=time.perf_counter() - t0, warnings=table.warnings)
    batch.write_summary(out, outcomes, text, anonymize=args.anonymize)
    print(text, end="")
    print(f"Wrote to {out}/ (client data: keep this folder private; it is ignored by git).")
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _packet(out: Path, pdfs: list[Path], *, rebuild: bool) -> str:
    from hipball.handouts import batch, page

    target = out / batch.PACKET
    present = [p for p in pdfs if p.exists()]
    if not present:
        return ""
    if target.exists() and not rebuild:
        return f"{target.name} (unchanged)"
    pages = page.build_packet(present, target)
    n = len(present)
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
