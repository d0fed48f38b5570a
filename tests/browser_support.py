"""Helpers for the real-browser tests and the browser benchmark: start JupyterLab and Voila on
loopback with a token and a private set of Jupyter folders, drive Debian's Chromium through
Playwright, and read what the page shows.

Nothing here writes into the tracked notebooks: the servers serve a temporary copy, and
JupyterLab runs with autosave off (settings in a temporary user-settings folder). Every wait
has a timeout, so a hang becomes a failure that says what it was waiting for.

Used by tests/test_browser.py, tests/test_voila_hang.py and bench/bench_browser.py.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures_nb"
SCREENSHOTS = REPO / ".test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# The app notebooks, in course order. Tests skip the ones not written yet.
APP_NOTEBOOKS = [
    "01_hip_anatomy.ipynb",
    "02_trigger_points_and_referral.ipynb",
    "03_spoke_pattern.ipynb",
    "04_rolling_to_the_front_corner.ipynb",
    "05_ball_and_surface.ipynb",
    "06_dose_aftercare_red_flags.ipynb",
    "07_making_handouts.ipynb",
]
STUDENT_APP = "student_app.ipynb"

# Console errors we accept: offline requests for web fonts / CDN files (Voila links Font
# Awesome from a CDN; see PITFALLS.md). They have no visible effect. Anything else fails.
HARMLESS_URL_PARTS = (
    "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com",
    "cdn.jsdelivr.net", "unpkg.com", "font-awesome", "fontawesome",
)
HARMLESS_TEXT_PARTS = ("ERR_NAME_NOT_RESOLVED", "ERR_INTERNET_DISCONNECTED")

# Text that means a widget did not render.
NOT_RENDERED = ("Loading widget", "Error displaying widget", "model not found",
                "Failed to load model class")
ERROR_MIME = ("application/vnd.jupyter.stderr", "application/vnd.jupyter.error")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_env(run_dir: Path) -> dict[str, str]:
    """The environment for a server: its own Jupyter, IPython, matplotlib and temp folders."""
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "jupyter-config"), ("JUPYTER_DATA_DIR", "jupyter-data"),
                     ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("IPYTHONDIR", "ipython"),
                     ("MPLCONFIGDIR", "mpl"), ("TMPDIR", "tmp")]:
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(run_dir / sub)
    env.pop("MPLBACKEND", None)        # the kernels choose their backend (%matplotlib widget)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def copy_notebooks(dest: Path, names: list[str] | None = None) -> list[str]:
    """Copy the course notebooks (and the stand-in) into ``dest``; return the names copied."""
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for src in sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(FIXTURES.glob("*.ipynb")):
        if names is None or src.name in names:
            shutil.copy2(src, dest / src.name)
            copied.append(src.name)
    return copied


LAB_SETTINGS = {
    # No news/update toast covering the page, no notifications at all.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
    # Never write into the notebook files.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # Widget messages on the kernel's main shell, not on a subshell thread: with ipykernel 7,
    # JupyterLab's default ("perCommTarget") runs widget callbacks on a second thread beside the
    # main one, and ipywidgets/matplotlib state is not thread-safe (seen here: a blit inside
    # another callback's savefig; widget updates applied out of order, so the kernel's figure
    # and the buttons disagreed). Upstream: jupyterlab#19719, ipympl#603. `hipball lab` should
    # ship the same setting.
    "@jupyterlab/apputils-extension/kernels-settings.jupyterlab-settings": {"commsOverSubshells": "disabled"},
    # Render every cell (no virtual scrolling), so outputs below the fold exist in the DOM.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def write_lab_settings(settings_dir: Path) -> Path:
    for rel, values in LAB_SETTINGS.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=1))
    return settings_dir


@dataclass
class Server:
    """One Jupyter server process (JupyterLab or Voila) in its own process group."""

    kind: str
    root: Path
    port: int
    token: str
    log_path: Path
    proc: subprocess.Popen | None = None
    started_s: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, **query: str) -> str:
        q = {"token": self.token, **query}
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}" + "&".join(
            k if v == "" else f"{k}={v}" for k, v in q.items())

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        t0 = time.monotonic()
        last = ""
        while time.monotonic() - t0 < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=5) as r:
                    if r.status == 200:
                        self.started_s = time.monotonic() - t0
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.2)
        raise TimeoutError(f"{self.kind} not ready after {timeout:.0f} s ({last}):\n{self.log_tail()}")

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + "/" + path.lstrip("/"), data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return json.loads(raw) if raw else None

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM the process group (server and its kernels), SIGKILL what is left."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            return
        try:
            os.killpg(pgid, signal.SIGKILL)   # kernels left behind by a stuck shutdown
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def _as_root() -> list[str]:
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def start_lab(root: Path, run_dir: Path, *, timeout: float = 90) -> Server:
    """JupyterLab on 127.0.0.1 serving ``root``, with a token, autosave off, no toasts, and
    ``window.jupyterapp`` exposed so tests can run commands (run all, close all)."""
    settings = write_lab_settings(run_dir / "lab-user-settings")
    (run_dir / "lab-workspaces").mkdir(parents=True, exist_ok=True)
    server = Server("jupyterlab", root, free_port(), secrets.token_hex(16), run_dir / "jupyterlab.log")
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={server.port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={server.token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.user_settings_dir={settings}",
           f"--LabApp.workspaces_dir={run_dir / 'lab-workspaces'}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           *_as_root()]
    return _launch(server, cmd, run_dir, "api/status", timeout)


def _launch(server: Server, cmd: list[str], run_dir: Path, ready_path: str, timeout: float) -> Server:
    """Start ``cmd`` in its own process group with the run's private folders, logging to the
    server's log, and wait until ``ready_path`` answers; stop it if it never does."""
    server.proc = subprocess.Popen(cmd, cwd=server.root, env=private_env(run_dir), start_new_session=True,
                                   stdout=open(server.log_path, "wb"), stderr=subprocess.STDOUT)
    try:
        server.wait_ready(ready_path, timeout)
    except Exception:
        server.stop()
        raise
    return server


def start_voila(root: Path, run_dir: Path, *, timeout: float = 60, extra_args: list[str] = ()) -> Server:
    """Voila on 127.0.0.1 serving the folder ``root`` (pages at /voila/render/<notebook>),
    with a token and hipball's Voila configuration (lib/hipball/voila_config/voila.py)."""
    from hipball._jupyter import VOILA_CONFIG_DIR

    server = Server("voila", root, free_port(), secrets.token_hex(16), run_dir / "voila.log")
    cmd = [sys.executable, "-m", "voila", str(root), "--no-browser",
           "--Voila.ip=127.0.0.1", f"--port={server.port}", f"--token={server.token}",
           f"--Voila.config_file_paths={VOILA_CONFIG_DIR}", *extra_args]
    return _launch(server, cmd, run_dir, "", timeout)


def shutdown_all_kernels(server: Server) -> int:
    """Delete every session and kernel of a JupyterLab server (kernels outlive the page)."""
    n = 0
    for s in server.request("GET", "api/sessions") or []:
        server.request("DELETE", f"api/sessions/{s['id']}", timeout=20)
        n += 1
    for k in server.request("GET", "api/kernels") or []:
        server.request("DELETE", f"api/kernels/{k['id']}", timeout=20)
        n += 1
    return n


# ----------------------------------------------------------------------------- browser

def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class ConsoleLog:
    """Collects console errors and page errors; ``problems()`` drops the harmless ones."""

    def __init__(self, page):
        self.entries: list[str] = []
        self.harmless: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.entries.append(f"pageerror: {exc}"))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "") if isinstance(msg.location, dict) else ""
        text = f"{msg.text} [{url}]"
        if any(p in text for p in HARMLESS_URL_PARTS) or any(p in msg.text for p in HARMLESS_TEXT_PARTS):
            self.harmless.append(text)
        else:
            self.entries.append(text)

    def problems(self) -> list[str]:
        return list(self.entries)


def wait_lab_notebook_idle(page, timeout_ms: float = 60_000) -> None:
    """Wait until the current notebook panel has a ready kernel that is idle."""
    page.wait_for_function(
        """() => {
            const app = window.jupyterapp; if (!app) return false;
            const w = app.shell.currentWidget;
            if (!w || !w.sessionContext || !w.sessionContext.session) return false;
            const k = w.sessionContext.session.kernel;
            return !!k && k.status === 'idle' && w.sessionContext.isReady;
        }""", timeout=timeout_ms)


def lab_run_all(page, timeout_ms: float = 120_000) -> None:
    """Run all cells of the open notebook and wait until every code cell has finished."""
    wait_lab_notebook_idle(page, timeout_ms)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp.shell.currentWidget;
            const cells = w.content.widgets.filter(c => c.model.type === 'code'
                                                    && c.model.sharedModel.getSource().trim());
            const k = w.sessionContext.session && w.sessionContext.session.kernel;
            return cells.length > 0 && cells.every(c => c.model.executionCount !== null
                        && c.promptNode && !c.promptNode.textContent.includes('*'))
                   && k && k.status === 'idle';
        }""", timeout=timeout_ms)


def output_problems(page, scope: str) -> list[str]:
    """Error outputs and unrendered widgets under ``scope`` (a CSS selector)."""
    found = page.evaluate(
        """([scope, mimes, bad]) => {
            const out = [];
            for (const el of document.querySelectorAll(scope)) {
                const mime = el.getAttribute('data-mime-type') || '';
                if (mimes.includes(mime)) out.push(mime + ': ' + el.innerText.slice(0, 400));
                const text = el.innerText || '';
                for (const b of bad) if (text.includes(b)) out.push('unrendered: ' + text.slice(0, 200));
            }
            for (const el of document.querySelectorAll('.hipball-error, .jp-RenderedText[data-mime-type*=stderr]')) {
                if (el.innerText.trim()) out.push('app error: ' + el.innerText.slice(0, 400));
            }
            return out;
        }""", [scope, list(ERROR_MIME), list(NOT_RENDERED)])
    return found


def canvas_signature(page, root_selector: str = "body") -> list[str]:
    """A cheap fingerprint of every ipympl canvas under ``root_selector`` (its data URL)."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel + ' .jupyter-matplotlib-canvas-div canvas'))
                 .filter(c => c.width > 0 && c.height > 0 && c.offsetParent !== null)
                 .map(c => { try { return c.toDataURL(); } catch (e) { return 'tainted'; } })""",
        root_selector)


def image_difference(png_a: bytes, png_b: bytes) -> float:
    """Fraction of pixels that differ between two PNG screenshots (1.0 when sizes differ)."""
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png_a)).convert("RGB"), dtype=np.int16)
    b = np.asarray(Image.open(io.BytesIO(png_b)).convert("RGB"), dtype=np.int16)
    if a.shape != b.shape:
        return 1.0
    return float((np.abs(a - b).sum(axis=2) > 30).mean())


def html_texts(page, root_selector: str) -> list[str]:
    return page.evaluate(
        "(sel) => Array.from(document.querySelectorAll(sel + ' .widget-html, ' + sel + ' .widget-htmlmath'))"
        ".map(e => e.innerText)", root_selector)
