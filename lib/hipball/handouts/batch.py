"""Render a class: every valid roster row through the handout notebook, in ONE kernel.

How one kernel serves the class: we start a Jupyter kernel once, then for each client call
``papermill.execute_notebook`` with that kernel's manager and client (``km=``, ``kc=`` go
through papermill's engine to nbclient, which then neither starts nor shuts a kernel). So
papermill still parameterises and records every run (an executed notebook per client, for
audit), but the kernel start (~0.5 s), the imports (matplotlib, typst, ~1.5 s) and the figure
cache (``figures``) are paid once for the class.

Every cell has a timeout. A stuck cell (timeout) or a crashed kernel fails that client with a
clear message; the kernel is then restarted and the batch goes on.

The kernel talks to us over IPC (Unix sockets in a private 0700 temporary folder), not TCP:
the client data never crosses a network socket, and ipykernel has no reason to print its
"Kernel is running over TCP without encryption" warning on every run. The kernel keeps no
IPython history (``--HistoryManager.enabled=False``): otherwise every client's parameters
would stay in ``~/.ipython/profile_default/history.sqlite`` after --out is deleted.

Nothing stale: every audit notebook records a fingerprint of what its handout was made from
(the parameters, the logo's bytes, the handout notebook and hipball's version) in its
metadata (``hipball.fingerprint``). A rerun renders a row again when its fingerprint changed,
and says which columns changed; an unchanged row is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hipball.handouts import paths
from hipball.handouts.roster import Checked

DEFAULT_TIMEOUT_S = 120
STARTUP_TIMEOUT_S = 60
NO_HISTORY = ["--HistoryManager.enabled=False"]   # no client parameters in ~/.ipython
PACKET = "class_packet.pdf"   # '_': no client's file name can be this (paths.slug)
SUMMARY_TXT = "summary.txt"
SUMMARY_JSON = "summary.json"


def notebook_path() -> Path:
    """The handout notebook shipped inside the package (notebooks/handout.ipynb in a checkout
    is a link to it)."""
    from importlib import resources

    return Path(str(resources.files("hipball.handouts") / "handout.ipynb"))


@dataclass
class Job:
    row: int
    name: str            # file stem
    client: str
    values: dict[str, Any]
    pdf: Path
    notebook: Path
    fingerprint: str = ""
    why: str = ""        # why it renders again ("" for a new handout)


@dataclass
class Outcome:
    row: int
    client: str
    status: str          # rendered | failed | skipped
    reason: str = ""
    file: str = ""
    seconds: float = 0.0
    errors: list[dict] = field(default_factory=list)


class WarmKernel:
    """One Jupyter kernel reused for many notebook runs."""

    def __init__(self, cwd: Path, kernel_name: str = "python3", startup_timeout: float = STARTUP_TIMEOUT_S,
                 transport: str = "ipc"):
        self.cwd, self.kernel_name, self.startup_timeout = Path(cwd), kernel_name, startup_timeout
        self.transport = transport if os.name == "posix" else "tcp"  # IPC needs Unix sockets
        self.km = self.kc = None
        self.starts = 0
        self._sockets: str | None = None

    def start(self) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
        if self.transport == "ipc":
            # inside --out like every other work file (cleaned by the next run after a kill),
            # unless that path is too long for a Unix socket name (about 100 bytes)
            near = str(self.cwd) if len(str(self.cwd)) <= 60 else None
            self._sockets = tempfile.mkdtemp(prefix=paths.WORK_PREFIX + "kernel-", dir=near)  # mode 0700
            self.km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                         ip=os.path.join(self._sockets, "kernel"),
                                         connection_file=os.path.join(self._sockets, "kernel.json"))
            try:
                run_sync(self.km.start_kernel)(cwd=str(self.cwd), env=env, extra_arguments=NO_HISTORY)
            except Exception:  # no Unix sockets here after all: the usual local TCP ports
                self.shutdown()
                self.transport = "tcp"
        if self.transport != "ipc":
            self.km = AsyncKernelManager(kernel_name=self.kernel_name)
            run_sync(self.km.start_kernel)(cwd=str(self.cwd), env=env, extra_arguments=NO_HISTORY)
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        except RuntimeError as exc:
            self.shutdown()
            raise RuntimeError(f"the Jupyter kernel did not start within {self.startup_timeout:g} s: {exc}") from None
        self.starts += 1

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
        if self.km is not None:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                pass
        self.km = self.kc = None
        if self._sockets is not None:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = None

    def restart(self) -> None:
        self.shutdown()
        self.start()


def _error_dict(e, anonymize: bool) -> dict[str, Any]:
    d = {"column": e.column, "value": _jsonable(e.value), "allowed": e.allowed, "message": e.public(anonymize)}
    if anonymize and e.private:
        del d["value"]
    return d


FINGERPRINTED = "hipball"   # the audit notebook's metadata key


def fingerprint(values: dict[str, Any], notebook_source: str = "") -> str:
    """What a handout was made from, as one hash: the parameters (not where the PDF goes),
    the logo file's bytes, the handout notebook and template, and hipball's version."""
    from importlib import resources

    from hipball import __version__

    h = hashlib.sha256()
    clean = {k: v for k, v in values.items() if k != "output_pdf"}
    h.update(json.dumps(clean, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    if values.get("logo"):
        try:
            with open(values["logo"], "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
        except OSError:
            pass
    h.update(notebook_source.encode("utf-8"))
    h.update(resources.files("hipball.handouts").joinpath("handout.typ").read_bytes())
    h.update(__version__.encode())
    return h.hexdigest()


def recorded(notebook: Path) -> dict[str, Any]:
    """What an audit notebook says its handout was made from: {"fingerprint", "parameters"};
    {} when there is none, it is a link (never followed) or cannot be read."""
    try:
        fd = os.open(notebook, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(5_000_000)
        meta = json.loads(data).get("metadata", {})
        return {"fingerprint": meta.get(FINGERPRINTED, {}).get("fingerprint", ""),
                "parameters": meta.get("papermill", {}).get("parameters", {}) or {}}
    except (OSError, ValueError, AttributeError):
        return {}


def _changes(old: dict[str, Any], new: dict[str, Any], anonymize: bool) -> str:
    """'side right -> left; notes changed' (private values never shown with anonymize)."""
    from hipball.handouts.params import PRIVATE_COLUMNS, short

    said = []
    for k, v in new.items():
        if k in ("output_pdf",) or old.get(k, None) == v:
            continue
        if k in PRIVATE_COLUMNS or anonymize:
            said.append(f"{k} changed")
        else:
            said.append(f"{k} {short(old.get(k), 30)} -> {short(v, 30)}")
    return "; ".join(said) or "made by another version of hipball or the handout template"


def _is_regular(path: Path) -> bool:
    """A real file (not a link, not a folder)."""
    import stat

    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def plan(checked: list[Checked], out_dir: Path, *, anonymize: bool = False, force: bool = False,
         notebook_source: str = "") -> tuple[list[Job], list[Outcome], list[Path], list[str]]:
    """Decide what to render: jobs for valid rows that are new, changed since they were
    rendered (fingerprint), incomplete (a PDF without its audit notebook) or forced; outcomes
    for bad, empty and unchanged rows; the PDFs of the class packet (exactly the current
    roster's valid rows, in roster order); and warnings.

    A link in --out is never followed: a PDF or notebook that is a symbolic link counts as
    missing and is replaced by the real file (and said so).

    With ``anonymize`` no client-supplied name (nor the notes, which may name the client)
    goes further than this function: files are named by row, outcomes carry no name,
    messages no private value, and the notebook is given an empty ``client`` and ``notes``."""
    jobs: list[Job] = []
    outcomes: list[Outcome] = []
    packet: list[Path] = []
    warnings: list[str] = []
    for c in checked:
        n = c.row.number
        client = c.values.get("client", "") if c.values else str(c.row.raw.get("client", ""))
        if anonymize:
            client = ""
        if c.row.empty:
            outcomes.append(Outcome(n, "", "skipped", "empty row"))
            continue
        if c.errors:
            outcomes.append(Outcome(n, client, "failed", "; ".join(e.public(anonymize) for e in c.errors),
                                    errors=[_error_dict(e, anonymize) for e in c.errors]))
            continue
        stem = paths.handout_stem(n, c.values["client"], anonymize)
        pdf = paths.inside(out_dir, stem + ".pdf")
        nb = paths.inside(out_dir, stem + ".ipynb")
        values = dict(c.values, output_pdf=str(pdf))
        if anonymize:
            values.update(client="", notes="", anonymize=True)
        packet.append(pdf)
        for p in (pdf, nb):
            if os.path.islink(p):
                warnings.append(f"{p.name} was a symbolic link (not followed): replaced by the real file")
        fp = fingerprint(values, notebook_source)
        before, pdf_ok = recorded(nb), _is_regular(pdf)
        if pdf_ok and before and before["fingerprint"] == fp and not force:
            outcomes.append(Outcome(n, client, "skipped", "unchanged since it was rendered (use --force to "
                                    "render it again)", pdf.name))
            continue
        if force and before:
            why = "--force"
        elif before and before["fingerprint"] != fp:
            why = _changes(before["parameters"], values, anonymize)
        elif before:
            why = "its PDF was missing"
        elif pdf_ok:
            why = "its audit notebook is missing or unreadable (an interrupted run?)"
        else:
            why = ""
        jobs.append(Job(n, stem, client, values, pdf, nb, fp, why))
    return jobs, outcomes, packet, warnings


def strays(out_dir: Path, packet: list[Path]) -> list[str]:
    """Handouts in --out that are not in this run's packet (a client removed from the roster,
    a renamed one, a row that failed this time): kept, out of the packet, named in the summary."""
    current = {p.name for p in packet} | {PACKET}
    return sorted(p.name for p in Path(out_dir).glob("*.pdf")
                  if p.name not in current and _is_regular(p) and _is_regular(p.with_suffix(".ipynb")))


def _jsonable(v: Any) -> Any:
    try:
        json.dumps(v)
        return v
    except TypeError:
        return repr(v)


_ENGINE = "hipball-warm-kernel"


def notebook_source(notebook: Path | None = None) -> str:
    return Path(notebook or notebook_path()).read_text(encoding="utf-8")


def _register_engine() -> None:
    """A papermill engine that runs the notebook in an already started kernel (its manager
    AND its client), so nbclient neither starts a kernel nor opens new channels per client."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kernel = kwargs["warm_kernel"]
            client = PapermillNotebookClient(
                nb_man, km=kernel.km, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = kernel.kc
            return client.execute()

    papermill_engines.register(_ENGINE, WarmKernelEngine)


def _papermill_parameters(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out["trigger_points"] = list(values["trigger_points"])
    return out


def run_jobs(jobs: list[Job], out_dir: Path, *, notebook: Path | None = None, timeout: float = DEFAULT_TIMEOUT_S,
             progress: bool = True) -> list[Outcome]:
    """Execute the handout notebook once per job in one warm kernel."""
    if not jobs:
        return []
    from hipball import _jupyter

    _jupyter.apply()
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError
    from tqdm.auto import tqdm

    _register_engine()
    source = nbformat.reads(notebook_source(notebook), as_version=4)
    kernel = WarmKernel(out_dir)
    try:
        kernel.start()
    except Exception as exc:  # no kernel: every job fails with the reason, nothing hangs
        reason = str(exc) if isinstance(exc, RuntimeError) else f"could not start a Jupyter kernel: {exc}"
        return [Outcome(j.row, j.client, "failed", reason) for j in jobs]
    outcomes: list[Outcome] = []
    bar = tqdm(total=len(jobs), unit="handout", desc="handouts", disable=not progress, file=sys.stderr,
               dynamic_ncols=True)
    try:
        for job in jobs:
            t0 = time.perf_counter()
            tmp_nb = out_dir / f".{job.name}.part.ipynb"
            try:
                paths.create_private(tmp_nb)  # papermill then writes into it: mode 0600, like the PDF
                nb = nbformat.from_dict(source)
                nb.metadata[FINGERPRINTED] = {"fingerprint": job.fingerprint}
                papermill.execute_notebook(
                    nb, str(tmp_nb), parameters=_papermill_parameters(job.values),
                    kernel_name=kernel.kernel_name, progress_bar=False, request_save_on_cell_execute=False,
                    log_output=False, execution_timeout=timeout, start_timeout=STARTUP_TIMEOUT_S,
                    engine_name=_ENGINE, warm_kernel=kernel,
                )
                if not _is_regular(job.pdf):
                    raise RuntimeError("the notebook ran but wrote no PDF")
                os.replace(tmp_nb, job.notebook)  # last: the fingerprint says the PDF is done
                stale = job.notebook.with_suffix(".failed.ipynb")
                if stale.exists():  # an earlier failure of this client, now fixed
                    stale.unlink()
                why = f"rendered again: {job.why}" if job.why else ""
                outcomes.append(Outcome(job.row, job.client, "rendered", why, job.pdf.name, time.perf_counter() - t0))
            except PapermillExecutionError as exc:
                reason = f"{exc.ename}: {exc.evalue}".strip()
                outcomes.append(_failed(job, reason, tmp_nb, t0))
            except (CellTimeoutError, TimeoutError) as exc:
                outcomes.append(_failed(job, f"no result within {timeout:g} s (stuck kernel?): the kernel was "
                                        f"restarted and the batch went on [{type(exc).__name__}]", tmp_nb, t0))
                kernel.restart()
            except DeadKernelError:
                outcomes.append(_failed(job, "the kernel died while rendering this handout (crash): it was "
                                        "restarted and the batch went on", tmp_nb, t0))
                kernel.restart()
            except RuntimeError as exc:
                outcomes.append(_failed(job, f"{type(exc).__name__}: {exc}", tmp_nb, t0))
                kernel.restart()
            bar.update(1)
    finally:
        bar.close()
        kernel.shutdown()
        for job in jobs:  # this worker's own partial notebooks only: with --jobs N, the others
            part = out_dir / f".{job.name}.part.ipynb"   # are still writing theirs
            if os.path.lexists(part):
                os.unlink(part)
    return outcomes


def _failed(job: Job, reason: str, tmp_nb: Path, t0: float) -> Outcome:
    if tmp_nb.exists():  # keep the executed notebook of a failure for audit
        os.chmod(tmp_nb, paths.PRIVATE_MODE)
        os.replace(tmp_nb, job.notebook.with_suffix(".failed.ipynb"))
    return Outcome(job.row, job.client, "failed", reason, "", time.perf_counter() - t0)


def summary_text(outcomes: list[Outcome], *, anonymize: bool = False, packet: str = "", seconds: float = 0.0,
                 warnings: list[str] | None = None, strays: list[str] | None = None) -> str:
    by = {s: [o for o in outcomes if o.status == s] for s in ("rendered", "failed", "skipped")}
    rendered = by["rendered"]
    lines = [f"hipball handouts: {len(rendered)} rendered, {len(by['failed'])} failed, {len(by['skipped'])} skipped"
             + (f" in {seconds:.1f} s" if seconds else "")]
    if rendered:
        per = sum(o.seconds for o in rendered) / len(rendered)
        lines.append(f"  {per:.2f} s per handout (after one kernel start for the class)")
    if packet:
        lines.append(f"  class packet: {packet}")
    for w in warnings or []:
        lines.append(f"  warning: {w}")
    if strays:
        lines.append(f"  older handouts not made from this roster or this run (kept, not in the packet): "
                     f"{', '.join(strays)}")
    for status in ("rendered", "failed", "skipped"):
        if not by[status]:
            continue
        lines.append(f"{status}:")
        for o in sorted(by[status], key=lambda o: o.row):
            who = "" if anonymize or not o.client else f" {o.client}"
            what = f" -> {o.file}" if o.file and status == "rendered" else ""
            lines.append(f"  row {o.row}{who}{what}{': ' + o.reason if o.reason and status != 'failed' else ''}")
            if status == "failed":
                if o.errors:
                    for e in o.errors:
                        value = f" (given {e['value']!r})" if "value" in e else ""
                        lines.append(f"      column {e['column']}{value}: {e['message']}")
                else:
                    lines.append(f"      {o.reason}")
    return "\n".join(lines) + "\n"


def write_summary(out_dir: Path, outcomes: list[Outcome], text: str, *, anonymize: bool = False) -> None:
    paths.atomic_write_text(out_dir / SUMMARY_TXT, text)
    rows = []
    for o in sorted(outcomes, key=lambda o: o.row):
        d = {"row": o.row, "status": o.status, "reason": o.reason, "file": o.file, "errors": o.errors}
        if not anonymize:
            d["client"] = o.client
        rows.append(d)
    paths.atomic_write_text(out_dir / SUMMARY_JSON, json.dumps({"rows": rows}, ensure_ascii=False, indent=1) + "\n")
