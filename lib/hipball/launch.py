"""Start the course in a browser, and check that it can work there.

    hipball app     the code-free student app (Voila, notebooks/student_app.ipynb)
    hipball lab     JupyterLab on the course notebooks
    hipball doctor  do the kernel's ipywidgets/ipympl match the JupyterLab front end?

``app`` and ``lab`` bind to 127.0.0.1 only, pick a free port unless ``--port`` is given,
protect the server with a token and print the URL to open (with the token in it).

Where the notebooks come from: ``--notebooks DIR`` if given; otherwise the ``notebooks/``
folder of the hipball checkout this module runs from (the usual ``pip install -e .`` set-up,
and Binder/JupyterHub images built from the repository); otherwise ``./notebooks`` in the
current folder. A plain ``pip install hipball`` does not ship the notebooks: clone the
repository, or pass ``--notebooks``.

Voila runs with ``voila_config/voila.py`` (``--Voila.config_file_paths``): it loads the
short-slice polling guard against the nbclient lost-wake-up hang (PITFALLS.md, nbclient
issue 312). The apps write into no Output widget, so the hang should not happen at all;
the guard is cheap insurance for a classroom server that must not freeze.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

VOILA_CONFIG_DIR = Path(__file__).resolve().parent / "voila_config"
LAB_SETTINGS_DIR = Path(__file__).resolve().parent / "lab_settings"  # overrides.json: no news toast
STUDENT_APP = "student_app.ipynb"
LAB_START_PAGE = "00_index.ipynb"
HOST = "127.0.0.1"


# ----------------------------------------------------------------------------- helpers

def notebooks_dir(given: str | None) -> Path:
    """The folder that holds the course notebooks (see the module docstring)."""
    if given:
        path = Path(given).expanduser().resolve()
        if not path.is_dir():
            raise ValueError(f"--notebooks: {path} is not a folder")
        return path
    checkout = Path(__file__).resolve().parents[2] / "notebooks"
    for candidate in (checkout, Path.cwd() / "notebooks"):
        if (candidate / STUDENT_APP).is_file():
            return candidate
    raise ValueError("cannot find the course notebooks (notebooks/student_app.ipynb): run from "
                     "a hipball checkout or pass --notebooks DIR")


def pick_port(port: int | None) -> int:
    """``port`` if it is free on 127.0.0.1, else a ValueError; a free port when None."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port or 0))
        except OSError:
            raise ValueError(f"--port: {port} is already in use on {HOST}; choose another "
                             "or leave --port out to get a free one") from None
        return s.getsockname()[1]


def _as_root() -> list[str]:
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def _wait_listening(port: int, proc: subprocess.Popen, timeout: float) -> bool:
    """True once something accepts connections on the port (no request: a Voila page
    request would start a kernel)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _serve(cmd: list[str], *, port: int, url: str, what: str, open_browser: bool,
           cwd: Path, timeout: float = 60) -> int:
    """Run a server in the foreground; print the URL once it listens; Ctrl+C stops it."""
    proc = subprocess.Popen(cmd, cwd=cwd)
    try:
        if not _wait_listening(port, proc, timeout):
            if proc.poll() is None:
                proc.terminate()
            print(f"hipball: {what} did not start (see the messages above)", file=sys.stderr)
            return proc.wait(timeout=15) or 1
        print(f"\n  {what} is running. Open this address in your browser:\n\n    {url}\n\n"
              f"  Stop it with Ctrl+C.\n", flush=True)
        if open_browser:
            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None,
                        help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--no-browser", action="store_true",
                        help="only print the address; do not open a browser")
    parser.add_argument("--notebooks", metavar="DIR", default=None,
                        help="folder with the course notebooks (default: the checkout's notebooks/)")
    parser.add_argument("--token", default=None,
                        help="access token in the URL (default: a new random one)")


# ----------------------------------------------------------------------------- app

def voila_command(notebook: Path, port: int, token: str) -> list[str]:
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser",
            f"--Voila.ip={HOST}", f"--port={port}", f"--token={token}",
            f"--Voila.config_file_paths={VOILA_CONFIG_DIR}"]


def run_app(args: argparse.Namespace) -> int:
    folder = notebooks_dir(args.notebooks)
    port = pick_port(args.port)
    token = secrets.token_hex(16) if args.token is None else args.token
    url = f"http://{HOST}:{port}/" + (f"?token={token}" if token else "")
    return _serve(voila_command(folder / STUDENT_APP, port, token), port=port, url=url,
                  what="The hipball student app", open_browser=not args.no_browser, cwd=folder)


# ----------------------------------------------------------------------------- lab

def lab_command(folder: Path, port: int, token: str) -> list[str]:
    return [sys.executable, "-m", "jupyterlab", "--no-browser",
            f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={folder}", f"--IdentityProvider.token={token}",
            f"--LabApp.app_settings_dir={LAB_SETTINGS_DIR}", *_as_root()]


def run_lab(args: argparse.Namespace) -> int:
    folder = notebooks_dir(args.notebooks)
    port = pick_port(args.port)
    token = secrets.token_hex(16) if args.token is None else args.token
    start = f"lab/tree/{LAB_START_PAGE}" if (folder / LAB_START_PAGE).is_file() else "lab"
    url = f"http://{HOST}:{port}/{start}" + (f"?token={token}" if token else "")
    return _serve(lab_command(folder, port, token), port=port, url=url,
                  what="JupyterLab with the hipball course", open_browser=not args.no_browser,
                  cwd=folder)


# ----------------------------------------------------------------------------- doctor

# What the kernel asks the browser for, and what must be installed where JupyterLab runs.
_KERNEL_PROBE = r"""
import json, importlib.metadata as md, importlib.util, re
out = {"python": __import__("sys").executable}
for name in ("ipywidgets", "jupyterlab_widgets", "ipympl", "matplotlib", "ipykernel"):
    try:
        out[name] = md.version(name)
    except md.PackageNotFoundError:
        out[name] = None
spec = importlib.util.find_spec("ipympl")
if spec and spec.submodule_search_locations:
    src = open(spec.submodule_search_locations[0] + "/_version.py").read()
    m = re.search(r"js_semver\s*=\s*['\"]([^'\"]+)", src)
    out["ipympl_js_semver"] = m.group(1) if m else None
print(json.dumps(out))
"""

# ipywidgets major -> (the jupyterlab-manager major it needs, the pip requirement providing it)
_WIDGETS_FRONT_END = {8: (5, "jupyterlab_widgets>=3,<4"), 7: (3, "jupyterlab_widgets>=1.1,<2")}


def _version_tuple(text: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text or "").split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
        if not piece.isdigit():
            break
    return tuple(parts)


def caret_match(version: str, semver: str) -> bool:
    """npm's ``^X.Y.Z`` for the forms ipympl uses (``^0.12``, ``^0.11.0``, ``^1.2``)."""
    want = _version_tuple(semver.lstrip("^~="))
    have = _version_tuple(version)
    if not want or not have:
        return False
    have = have + (0,) * (3 - len(have))
    want_full = want + (0,) * (3 - len(want))
    if have < want_full:
        return False
    if want[0] > 0:
        return have[0] == want[0]
    if len(want) > 1 and want[1] > 0:
        return have[:2] == want[:2]
    return have[:3] == want_full[:3] if len(want) >= 3 else have[:2] == want_full[:2]


def kernel_versions(kernel: str) -> dict:
    """Versions seen by the Python of the kernel spec ``kernel`` (run in a subprocess)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(kernel)
    except NoSuchKernel:
        raise ValueError(f"--kernel: no kernel spec named {kernel!r} "
                         "(see `jupyter kernelspec list`)") from None
    exe = spec.argv[0]
    if exe in ("python", "python3", "{python}") or spec.argv[:1] == []:
        exe = sys.executable              # jupyter_client does the same for the native kernel
    proc = subprocess.run([exe, "-c", _KERNEL_PROBE], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        return {"python": exe, "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(proc.stdout)


def front_end_extensions() -> dict[str, dict]:
    """The lab extensions JupyterLab (and Voila) would load: the first copy of each name in
    the labextensions path wins, exactly as jupyterlab_server does."""
    from jupyter_core.paths import jupyter_path

    found: dict[str, dict] = {}
    for folder in jupyter_path("labextensions"):
        base = Path(folder)
        for pkg in sorted(base.glob("[!@]*/package.json")) + sorted(base.glob("@*/*/package.json")):
            try:
                data = json.loads(pkg.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            entry = found.setdefault(data.get("name", pkg.parent.name),
                                     {"version": data.get("version"), "path": str(pkg.parent),
                                      "shadowed": []})
            if entry["path"] != str(pkg.parent):
                entry["shadowed"].append(f"{data.get('version')} in {pkg.parent}")
    return found


def diagnose(kernel: dict, front: dict[str, dict], lab_version: str | None) -> tuple[list[list[str]], list[str]]:
    """Rows of the table and the fixes. Pure: tests feed it made-up situations."""
    rows: list[list[str]] = []
    fixes: list[str] = []
    where_lab = "in the environment that runs JupyterLab/Voila"
    where_kernel = f"in the kernel's environment ({kernel.get('python', '?')})"

    lab_major = _version_tuple(lab_version)[:1]
    ok = bool(lab_major) and lab_major[0] >= 4
    rows.append(["JupyterLab", "-", lab_version or "missing", "ok" if ok else "PROBLEM"])
    if not ok:
        fixes.append(f"pip install 'jupyterlab>=4.2'   # {where_lab}")

    if "error" in kernel:
        rows.append(["kernel", kernel.get("python", "?"), "-", "PROBLEM"])
        fixes.append(f"the kernel's Python does not run: {' '.join(kernel['error'])}")
        return rows, fixes

    # ipywidgets <-> @jupyter-widgets/jupyterlab-manager
    ipyw = kernel.get("ipywidgets")
    manager = front.get("@jupyter-widgets/jupyterlab-manager")
    man_v = manager["version"] if manager else None
    status = "ok"
    if ipyw is None:
        status = "PROBLEM"
        fixes.append(f"pip install 'ipywidgets>=8.1'   # {where_kernel}")
    elif manager is None:
        status = "PROBLEM"
        need = _WIDGETS_FRONT_END.get(_version_tuple(ipyw)[0], (None, "jupyterlab_widgets"))[1]
        fixes.append(f"pip install '{need}'   # {where_lab}: the widget manager is missing "
                     "(widgets show as text or 'Loading widget...')")
    else:
        major = _version_tuple(ipyw)[0]
        want = _WIDGETS_FRONT_END.get(major)
        if want is None or _version_tuple(man_v)[:1] != (want[0],):
            status = "MISMATCH"
            fixes.append(f"pip install '{want[1] if want else 'ipywidgets>=8.1'}'   # {where_lab}; "
                         f"ipywidgets {ipyw} needs @jupyter-widgets/jupyterlab-manager "
                         f"{want[0] if want else '5'}.x, found {man_v} in {manager['path']}")
    rows.append(["ipywidgets / @jupyter-widgets/jupyterlab-manager", ipyw or "missing",
                 man_v or "missing", status])

    # ipympl <-> jupyter-matplotlib
    ipympl = kernel.get("ipympl")
    semver = kernel.get("ipympl_js_semver")
    mpl_ext = front.get("jupyter-matplotlib")
    mpl_v = mpl_ext["version"] if mpl_ext else None
    status = "ok"
    if ipympl is None:
        status = "PROBLEM"
        fixes.append(f"pip install 'ipympl>=0.9.4'   # {where_kernel} (and where JupyterLab runs)")
    elif mpl_ext is None:
        status = "PROBLEM"
        fixes.append(f"pip install 'ipympl=={ipympl}'   # {where_lab}: the jupyter-matplotlib "
                     "front end is missing (figures show as text 'Canvas(...)')")
    elif semver and not caret_match(mpl_v, semver):
        status = "MISMATCH"
        fixes.append(f"pip install 'ipympl=={ipympl}'   # {where_lab}; the kernel's ipympl {ipympl} "
                     f"needs jupyter-matplotlib {semver}, found {mpl_v} in {mpl_ext['path']}")
    kernel_side = f"{ipympl} (wants {semver})" if ipympl and semver else (ipympl or "missing")
    rows.append(["ipympl / jupyter-matplotlib", kernel_side, mpl_v or "missing", status])

    for name, ext in ((n, front.get(n)) for n in ("@jupyter-widgets/jupyterlab-manager",
                                                  "jupyter-matplotlib")):
        if ext and ext["shadowed"]:
            fixes.append(f"note: {name} {ext['version']} in {ext['path']} hides "
                         + "; ".join(ext["shadowed"]) + " (remove the copy you do not want)")
    return rows, fixes


def format_table(rows: list[list[str]]) -> str:
    header = ["component (kernel / front end)", "kernel side", "front end", "status"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def run_doctor(args: argparse.Namespace) -> int:
    try:
        import jupyterlab
        lab_version = jupyterlab.__version__
    except ImportError:
        lab_version = None
    kernel = kernel_versions(args.kernel)
    rows, fixes = diagnose(kernel, front_end_extensions(), lab_version)
    print(f"kernel {args.kernel!r}: {kernel.get('python', '?')}")
    print(f"front end: JupyterLab {lab_version or 'missing'} ({sys.executable})\n")
    print(format_table(rows))
    problems = [r for r in rows if r[3] != "ok"]
    if fixes:
        print("\nTo fix:" if problems else "\nNotes:")
        for fix in fixes:
            print(f"  {fix}")
    if problems:
        print("\nThen restart JupyterLab/Voila and reload the page.")
        return 1
    print("\nAll good: widgets and interactive figures can render in JupyterLab and Voila.")
    return 0


# ----------------------------------------------------------------------------- cli glue
# One module serves three COMMANDS entries in cli.py: ``configure`` reads which one from the
# sub-parser's name ("hipball app"), ``run`` from ``args.command``.

def _configure_app(parser: argparse.ArgumentParser) -> None:
    _server_options(parser)


def _configure_lab(parser: argparse.ArgumentParser) -> None:
    _server_options(parser)


def _configure_doctor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kernel", default="python3",
                        help="kernel spec to check (default: python3, the one the notebooks use)")


_COMMANDS = {"app": (_configure_app, run_app), "lab": (_configure_lab, run_lab),
             "doctor": (_configure_doctor, run_doctor)}


def configure(parser: argparse.ArgumentParser) -> None:
    name = parser.prog.split()[-1]
    if name not in _COMMANDS:
        raise ValueError(f"hipball.launch serves {sorted(_COMMANDS)}, not {name!r}")
    _COMMANDS[name][0](parser)


def run(args: argparse.Namespace) -> int:
    return _COMMANDS[args.command][1](args)
