"""`hipball app`, `hipball lab` (lib/hipball/cli/serve.py), `hipball doctor` (cli/doctor.py)
and the command-line package itself."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from hipball import _jupyter, cli
from hipball.cli import doctor, serve

REPO = Path(__file__).resolve().parents[1]
URL_RE = re.compile(r"http://127\.0\.0\.1:(\d+)/\S*")


def hipball(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hipball.cli", *args], capture_output=True, text=True,
                          timeout=kw.pop("timeout", 120), **kw)


# ----------------------------------------------------------------------------- CLI surface

def test_app_help_names_the_options():
    proc = hipball("app", "--help")
    assert proc.returncode == 0, proc.stderr
    for word in ("--port", "--no-browser", "--notebooks", "--token", "127.0.0.1"):
        assert word in proc.stdout
    assert "Voila" in hipball("--help").stdout


def test_lab_and_doctor_are_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["lab", "--help"])
    assert exc.value.code == 0
    assert "--no-browser" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["doctor", "--help"])
    assert "--kernel" in capsys.readouterr().out


def test_port_in_use_is_a_user_error(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert cli.main(["app", "--no-browser", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"{port} is already in use" in err and err.count("\n") == 1


def test_notebooks_folder_resolution(tmp_path):
    assert serve.course_notebooks(None) == REPO / "notebooks"
    with pytest.raises(ValueError, match="not a folder"):
        serve.course_notebooks(str(tmp_path / "nope"))
    assert serve.course_notebooks(str(tmp_path)) == tmp_path


@pytest.mark.slow  # imports Voila in a new Python (seconds)
def test_voila_config_loads_the_polling_guard():
    """Voila reads lib/hipball/voila_config/voila.py: after loading it, get_msg polls in slices."""
    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            f"cfg = PyFileConfigLoader('voila.py', path={str(_jupyter.VOILA_CONFIG_DIR)!r}).load_config()\n"
            "from jupyter_client.channels import AsyncZMQSocketChannel as C\n"
            "print(hasattr(C.get_msg, '__wrapped__'), cfg.VoilaConfiguration.show_tracebacks)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False"]


# ----------------------------------------------------------------------------- doctor

@pytest.mark.slow
def test_doctor_passes_on_this_machine():
    proc = hipball("doctor")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"ipywidgets / @jupyter-widgets/jupyterlab-manager\s+8\.\S+\s+5\.\S+\s+ok", out), out
    assert re.search(r"ipympl / jupyter-matplotlib\s+\S+ \(wants \^\S+\)\s+\S+\s+ok", out), out
    assert "All good" in out


@pytest.mark.slow
def test_doctor_reports_a_stale_front_end(tmp_path):
    """An old jupyter-matplotlib earlier in the labextensions path (as JupyterLab loads it)."""
    stale = tmp_path / "labextensions" / "jupyter-matplotlib"
    stale.mkdir(parents=True)
    (stale / "package.json").write_text(json.dumps({"name": "jupyter-matplotlib", "version": "0.11.3"}))
    import ipympl

    proc = hipball("doctor", env={**os.environ, "JUPYTER_PATH": str(tmp_path)})
    assert proc.returncode == 1, proc.stdout
    assert re.search(r"ipympl / jupyter-matplotlib\s+.*0\.11\.3\s+MISMATCH", proc.stdout), proc.stdout
    assert f"pip install 'ipympl=={ipympl.__version__}'" in proc.stdout
    assert "hides" in proc.stdout          # the good copy it shadows is named


def test_doctor_diagnoses_missing_and_old_pieces():
    kernel = {"python": "/k/python", "ipywidgets": "8.1.5", "ipympl": "0.10.0", "ipympl_js_semver": "^0.12"}
    rows, fixes = doctor.diagnose(kernel, {}, "4.2.0")
    assert [r[3] for r in rows] == ["ok", "PROBLEM", "PROBLEM"]
    assert any("jupyterlab_widgets>=3,<4" in f for f in fixes)
    assert any("ipympl==0.10.0" in f for f in fixes)

    front = {"@jupyter-widgets/jupyterlab-manager": {"version": "3.1.0", "path": "/old", "shadowed": []},
             "jupyter-matplotlib": {"version": "0.12.1", "path": "/x", "shadowed": []}}
    rows, fixes = doctor.diagnose(kernel, front, "3.6.0")
    assert [r[3] for r in rows] == ["PROBLEM", "MISMATCH", "ok"]
    assert any("jupyterlab>=4.2" in f for f in fixes)
    assert any("jupyterlab_widgets>=3,<4" in f and "3.1.0" in f for f in fixes)

    rows, fixes = doctor.diagnose({**kernel, "ipympl": None, "ipympl_js_semver": None}, front, "4.6.0")
    assert rows[2][3] == "PROBLEM" and any("kernel's environment" in f for f in fixes)


@pytest.mark.parametrize("version, semver, ok", [
    ("0.12.0", "^0.12", True), ("0.12.7", "^0.12", True), ("0.11.9", "^0.12", False),
    ("0.13.0", "^0.12", False), ("0.11.2", "^0.11.0", True), ("1.4.0", "^1.2", True),
    ("2.0.0", "^1.2", False), ("0.0.3", "^0.0.3", True), ("0.0.4", "^0.0.3", False),
])
def test_caret_ranges(version, semver, ok):
    assert doctor.caret_match(version, semver) is ok


# ----------------------------------------------------------------------------- servers

def _start(*args: str) -> tuple[subprocess.Popen, str, list[str]]:
    """Start `hipball <args>` and read its output until the launch URL is printed."""
    proc = subprocess.Popen([sys.executable, "-m", "hipball.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    found: queue.Queue = queue.Queue()

    def read() -> None:  # a thread: readline on a pipe would block the timeout
        for line in proc.stdout:
            lines.append(line.rstrip())
            m = URL_RE.search(line)
            if m and line.startswith("    http"):  # hipball's own line, not the server's log
                found.put(m.group(0))

    threading.Thread(target=read, daemon=True).start()
    try:
        return proc, found.get(timeout=90), lines
    except queue.Empty:
        pass
    _stop(proc)
    pytest.fail("no launch URL printed within 90 s:\n" + "\n".join(lines[-30:]))


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.mark.slow
def test_app_prints_a_url_that_serves_the_student_app():
    port = serve.pick_port(None)
    proc, url, lines = _start("app", "--no-browser", "--port", str(port))
    try:
        assert url.startswith(f"http://127.0.0.1:{port}/?token=")
        with urllib.request.urlopen(url, timeout=90) as r:
            page = r.read().decode("utf-8", "replace")
        assert r.status == 200
        assert "application/vnd.jupyter.widget-view+json" in page
        assert "There was an error" not in page
        kernel = re.search(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"', page).group(1)
        token = url.split("token=")[1]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/voila/api/shutdown/{kernel}", data=b"",
                                     method="POST", headers={"Authorization": f"token {token}"})
        urllib.request.urlopen(req, timeout=30).close()
        # without the token: the login page, no app and no kernel
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
            assert "/login" in r.url and "widget-view" not in r.read().decode("utf-8", "replace")
    finally:
        _stop(proc)


@pytest.mark.slow
def test_lab_prints_a_url_with_its_token():
    proc, url, lines = _start("lab", "--no-browser")
    try:
        assert re.match(r"http://127\.0\.0\.1:\d+/lab(/tree/\S+)?\?token=[0-9a-f]{32}$", url), url
        port, token = URL_RE.search(url).group(1), url.split("token=")[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=30) as r:
            assert r.status == 200
    finally:
        _stop(proc)


# ----------------------------------------------------------------------------- issue 12.5

def test_an_empty_token_is_refused_unless_no_auth(capsys, monkeypatch):
    monkeypatch.delenv("HIPBALL_TOKEN", raising=False)
    proc = hipball("app", "--no-browser", "--token", "", timeout=30)
    assert proc.returncode == 2 and "--no-auth" in proc.stderr and proc.stderr.count("\n") == 1
    monkeypatch.setenv("HIPBALL_TOKEN", " ")
    assert cli.main(["lab", "--no-browser"]) == 2
    assert "$HIPBALL_TOKEN: an empty token" in capsys.readouterr().err
    args = cli.build_parser().parse_args(["lab", "--no-auth"])
    monkeypatch.delenv("HIPBALL_TOKEN")
    assert serve.choose_token(args) == ""
    assert "--IdentityProvider.token=" in serve.lab_command(REPO, 1, "")
    assert "--Voila.auto_token=True" not in serve.voila_command(REPO / "x.ipynb", 1, "")


def _tree(pid: int):
    import psutil

    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


@pytest.mark.slow
@pytest.mark.parametrize("command", ["app", "lab"])
def test_token_stays_out_of_every_command_line_and_sigterm_stops_the_server(command, monkeypatch):
    import time

    import psutil

    monkeypatch.setenv("HIPBALL_TOKEN", "s3cret-token-for-this-test")
    proc, url, lines = _start(command, "--no-browser")
    try:
        assert url.endswith("?token=s3cret-token-for-this-test")
        port = int(URL_RE.search(url).group(1))
        tree = _tree(proc.pid)
        assert len(tree) >= 2
        for p in tree:
            assert "s3cret" not in " ".join(p.cmdline()), p.cmdline()
        # the server asks for the token: without it no API, with it the API answers
        api = f"http://127.0.0.1:{port}/api/status" if command == "lab" else f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(api + "?token=s3cret-token-for-this-test", timeout=30) as r:
            assert r.status == 200
        if command == "lab":
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(api, timeout=30)
        os.kill(proc.pid, signal.SIGTERM)          # hipball only, not its process group
        proc.wait(timeout=30)
        t0 = time.monotonic()
        while any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in tree[1:]) \
                and time.monotonic() - t0 < 20:
            time.sleep(0.2)
        alive = [p.pid for p in tree[1:] if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert alive == [], f"still running after SIGTERM to hipball: {alive}"
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        _stop(proc)


def test_cli_is_one_package_with_one_module_per_command():
    import importlib

    for name, (module, _) in cli.COMMANDS.items():
        assert module.startswith("hipball.cli."), name
        mod = importlib.import_module(module)
        assert callable(mod.configure) and callable(mod.run)
    assert {m for m, _ in cli.COMMANDS.values()} == {f"hipball.cli.{m}" for m in
                                                     ("lookup", "figures", "handouts", "serve", "doctor")}
    for gone in ("hipball.launch", "hipball.referral_cli", "hipball.handouts.command",
                 "hipball.handouts.jupyter_patch"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(gone)


def test_lookup_limit_must_be_positive(capsys):
    assert cli.main(["lookup", "lateral_thigh", "--limit", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--limit: -1 is not allowed (1 or more rows)" in err
    assert cli.main(["lookup", "lateral_thigh", "--limit", "1"]) == 0
