"""``hipball app`` and ``hipball lab``: the course in a browser.

    hipball app     the code-free student app (Voila, notebooks/student_app.ipynb)
    hipball lab     JupyterLab on the course notebooks

Both bind to 127.0.0.1 only, pick a free port unless ``--port`` is given, protect the server
with a token and print the URL to open (with the token in it).

The token never appears in a command line (``ps`` shows command lines to every local user):
the server gets it through its environment (``JUPYTER_TOKEN``, read by jupyter_server's
identity provider; Voila with ``--Voila.auto_token=True``). hipball takes it from
``HIPBALL_TOKEN`` when set, else makes a random one; ``--token`` works too but is visible in
``ps`` (hipball says so). An empty token turns authentication off: only with ``--no-auth``.

The server runs in its own process group; whatever ends hipball (Ctrl+C, SIGTERM, SIGHUP, an
error) stops the server too: SIGTERM to its group, SIGKILL after 15 s.

Where the notebooks come from (``course_notebooks``): ``--notebooks DIR`` if given; otherwise
the ``notebooks/`` folder of the hipball checkout this module runs from (the usual
``pip install -e .`` set-up, and Binder/JupyterHub images built from the repository);
otherwise ``./notebooks`` in the current folder. A wheel does not ship the course notebooks
(it ships the handout notebook only): clone the repository, or pass ``--notebooks``.

Voila runs with ``voila_config/voila.py`` (``--Voila.config_file_paths``): it loads the
short-slice polling guard against the nbclient lost-wake-up hang (``hipball._jupyter``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

STUDENT_APP = "student_app.ipynb"
LAB_START_PAGE = "00_index.ipynb"
HOST = "127.0.0.1"
# JupyterLab settings defaults for the course (overrides.json: no news pop-up over the apps)
LAB_SETTINGS_DIR = Path(__file__).resolve().parents[1] / "lab_settings"
TOKEN_ENV = "HIPBALL_TOKEN"
STOP_TIMEOUT_S = 15


# ----------------------------------------------------------------------------- helpers

def course_notebooks(given: str | None = None) -> Path:
    """The folder that holds the course notebooks (see the module docstring): the one place
    that knows the repository's layout."""
    if given:
        path = Path(given).expanduser().resolve()
        if not path.is_dir():
            raise ValueError(f"--notebooks: {path} is not a folder")
        return path
    checkout = Path(__file__).resolve().parents[3] / "notebooks"
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


def choose_token(args: argparse.Namespace) -> str:
    """The access token: --no-auth -> "" (no authentication); else --token, $HIPBALL_TOKEN or
    a random one. An empty token without --no-auth is refused."""
    given = args.token if args.token is not None else os.environ.get(TOKEN_ENV)
    if args.no_auth:
        if given:
            raise ValueError("--no-auth: cannot be combined with a token (--token or $HIPBALL_TOKEN)")
        return ""
    if given is None:
        return secrets.token_hex(16)
    if not given.strip():
        where = "--token" if args.token is not None else f"${TOKEN_ENV}"
        raise ValueError(f"{where}: an empty token turns authentication off, so anyone on this computer "
                         "could use the server; give a token, or say --no-auth if that is really meant")
    if args.token is not None:
        print(f"hipball: note: a token given with --token is visible to other users of this computer "
              f"(ps); set {TOKEN_ENV} instead", file=sys.stderr)
    return given


def server_env(token: str) -> dict[str, str]:
    """The server's environment: the token in JUPYTER_TOKEN (never in its command line)."""
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE", TOKEN_ENV)}
    if token:
        env["JUPYTER_TOKEN"] = token
    return env


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


class _Stop(Exception):
    """A signal asked hipball to stop."""


def _stop_group(proc: subprocess.Popen) -> int:
    """Stop the server and everything in its process group: SIGTERM (the server shuts its
    kernels down), SIGKILL after STOP_TIMEOUT_S."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        return proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return proc.wait(timeout=5)


def _serve(cmd: list[str], *, env: dict[str, str], port: int, url: str, what: str, open_browser: bool,
           cwd: Path, timeout: float = 60) -> int:
    """Run a server in the foreground; print the URL once it listens; Ctrl+C, SIGTERM or
    SIGHUP stop it (and hipball)."""
    def _raise(signum, frame):
        raise _Stop(signum)

    old = {s: signal.signal(s, _raise) for s in (signal.SIGTERM, signal.SIGHUP)}
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True)
    try:
        if not _wait_listening(port, proc, timeout):
            print(f"hipball: {what} did not start (see the messages above)", file=sys.stderr)
            return _stop_group(proc) or 1
        print(f"\n  {what} is running. Open this address in your browser:\n\n    {url}\n\n"
              f"  Stop it with Ctrl+C.\n", flush=True)
        if open_browser:
            webbrowser.open(url)
        return proc.wait()
    except (KeyboardInterrupt, _Stop):
        return 0
    finally:
        _stop_group(proc)
        for s, h in old.items():
            signal.signal(s, h)


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None,
                        help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--no-browser", action="store_true",
                        help="only print the address; do not open a browser")
    parser.add_argument("--notebooks", metavar="DIR", default=None,
                        help="folder with the course notebooks (default: the checkout's notebooks/)")
    parser.add_argument("--token", default=None,
                        help=f"access token in the URL (default: ${TOKEN_ENV}, else a new random one); "
                             "visible to other users in ps: prefer the environment variable")
    parser.add_argument("--no-auth", action="store_true",
                        help="no token at all: anyone on this computer can use the server")


def _url(port: int, path: str, token: str) -> str:
    return f"http://{HOST}:{port}/{path}" + (f"?token={token}" if token else "")


# ----------------------------------------------------------------------------- app

def voila_command(notebook: Path, port: int, token: str) -> list[str]:
    """Voila's command line: no token in it (``auto_token`` makes Voila read JUPYTER_TOKEN)."""
    from hipball._jupyter import VOILA_CONFIG_DIR

    auth = ["--Voila.auto_token=True"] if token else []
    return [sys.executable, "-m", "voila", str(notebook), "--no-browser",
            f"--Voila.ip={HOST}", f"--port={port}", *auth,
            f"--Voila.config_file_paths={VOILA_CONFIG_DIR}"]


def run_app(args: argparse.Namespace) -> int:
    folder = course_notebooks(args.notebooks)
    token = choose_token(args)
    port = pick_port(args.port)
    return _serve(voila_command(folder / STUDENT_APP, port, token), env=server_env(token), port=port,
                  url=_url(port, "", token), what="The hipball student app",
                  open_browser=not args.no_browser, cwd=folder)


# ----------------------------------------------------------------------------- lab

def lab_command(folder: Path, port: int, token: str) -> list[str]:
    """JupyterLab's command line: the token comes from JUPYTER_TOKEN; an empty one (only
    with --no-auth) is said explicitly."""
    auth = [] if token else ["--IdentityProvider.token="]
    return [sys.executable, "-m", "jupyterlab", "--no-browser",
            f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={folder}", f"--LabApp.app_settings_dir={LAB_SETTINGS_DIR}",
            *auth, *_as_root()]


def run_lab(args: argparse.Namespace) -> int:
    folder = course_notebooks(args.notebooks)
    token = choose_token(args)
    port = pick_port(args.port)
    start = f"lab/tree/{LAB_START_PAGE}" if (folder / LAB_START_PAGE).is_file() else "lab"
    return _serve(lab_command(folder, port, token), env=server_env(token), port=port,
                  url=_url(port, start, token), what="JupyterLab with the hipball course",
                  open_browser=not args.no_browser, cwd=folder)


# ----------------------------------------------------------------------------- cli

def configure(parser: argparse.ArgumentParser, command: str) -> None:
    if command not in ("app", "lab"):
        raise ValueError(f"hipball.cli.serve serves 'app' and 'lab', not {command!r}")
    _server_options(parser)


def run(args: argparse.Namespace) -> int:
    return {"app": run_app, "lab": run_lab}[args.command](args)
