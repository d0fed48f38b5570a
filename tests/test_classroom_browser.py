"""The Handout tab in Chromium (issue 10, section 2): a student downloads the handout and a class
packet in the Voila app, an instructor downloads and saves it from notebook 07 in JupyterLab.
No code is typed anywhere: clicks and the form only.

Servers as in tests/test_browser.py (loopback, token, private folders, a temporary copy of
notebooks/); each flow asserts that a real download happened (Playwright's download event), that
the file is the PDF of what the form says (pages, name, text) and that the console stayed clean.
Screenshots: .test-artifacts/screenshots/classroom-*.png.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

import browser_support as bs
from hipball.handouts.page import PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
pypdf = pytest.importorskip("pypdf")

SHOTS = bs.SCREENSHOTS.parent / "screenshots-classroom"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("classroom-browser")


@pytest.fixture(scope="module")
def served(run_dir) -> Path:
    root = run_dir / "notebooks"
    bs.copy_notebooks(root, ["student_app.ipynb", "07_making_handouts.ipynb"])
    return root


@pytest.fixture(scope="module")
def browser():
    if not Path(bs.CHROMIUM).exists():
        pytest.fail(f"{bs.CHROMIUM} is missing (tools/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = bs.launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    context.set_default_timeout(60_000)
    pg = context.new_page()
    pg.console_log = bs.ConsoleLog(pg)
    pg.outside = []  # requests that leave the machine (a CDN): none, offline classrooms
    pg.on("request", lambda r: pg.outside.append(r.url)
          if r.url.split(":", 1)[0] in ("http", "https") and not r.url.startswith("http://127.0.0.1:") else None)
    pg.on("requestfailed", lambda r: pg.outside.append(f"failed: {r.url}"))
    yield pg
    context.close()


def _download(page, link_text: str, tmp: Path) -> tuple[str, bytes]:
    link = page.locator("a.hipball-download", has_text=link_text).first
    link.wait_for(state="visible", timeout=90_000)
    with page.expect_download(timeout=30_000) as info:
        link.click()
    d = info.value
    assert d.failure() is None, d.failure()
    target = tmp / d.suggested_filename
    d.save_as(target)
    return d.suggested_filename, target.read_bytes()


def _pdf_text(data: bytes) -> list[str]:
    assert data[:5] == b"%PDF-"
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_student_downloads_handout_and_class_packet_in_voila(served, run_dir, page, tmp_path):
    server = bs.start_voila(served, run_dir / "voila")
    try:
        page.goto(server.url("voila/render/student_app.ipynb"), timeout=120_000)
        page.get_by_role("tab", name="Handout").click()
        name, pdf = _download(page, "Download PDF", tmp_path)
        assert name == "class-handout.pdf"
        texts = _pdf_text(pdf)
        assert len(texts) == PAGES[False] and "class handout" in texts[0]
        # page 1 first; "All pages" puts every page on show, not a thumbnail
        page.get_by_role("button", name="All pages").click()
        imgs = page.locator(".widget-image")
        imgs.nth(PAGES[False] - 1).wait_for(timeout=30_000)
        assert imgs.count() >= PAGES[False]
        assert all(imgs.nth(i).evaluate("e => e.naturalWidth") >= 800 for i in range(PAGES[False]))
        # the client's name, typed: the link follows the form
        box = page.get_by_placeholder("empty: a class handout")
        box.fill("Ann Example")
        box.press("Enter")
        page.locator("a.hipball-download[download='ann-example.pdf']").wait_for(timeout=30_000)
        name, pdf = _download(page, "Download PDF", tmp_path)
        assert name == "ann-example.pdf" and "Ann Example" in _pdf_text(pdf)[0]
        # a class typed in the box: the bad row is reported, the others make the packet
        roster = page.locator("textarea[placeholder^='client,side']")
        roster.fill("client,side\nBo Example,left\nCy Example,up\nDi Example,both\n")
        roster.blur()
        page.get_by_role("button", name="Make the class packet").click()
        name, packet = _download(page, "Download the class packet", tmp_path)
        texts = _pdf_text(packet)
        assert name == "class_packet.pdf" and len(texts) == 2 * PAGES[False]
        assert "Bo Example" in texts[0] and "Di Example" in texts[PAGES[False]]
        report = page.locator(".widget-html", has_text="handouts made").first.inner_text()
        assert "Row 3 (Cy Example): Side: 'up' is not one of: left, right, both" in report
        page.screenshot(path=str(SHOTS / "classroom-voila-handout.png"), full_page=True)
        errors = page.console_log.problems() + page.console_log.harmless
        assert not errors, "console errors:\n" + "\n".join(errors)
        assert not page.outside, "requests off this machine or failed:\n" + "\n".join(page.outside)
    finally:
        server.stop()


def test_instructor_downloads_and_saves_from_notebook_07_in_jupyterlab(served, run_dir, page, tmp_path):
    server = bs.start_lab(served, run_dir / "lab")
    try:
        page.goto(server.url("lab/tree/07_making_handouts.ipynb", reset=""), timeout=120_000)
        bs.lab_run_all(page)
        name, pdf = _download(page, "Download PDF", tmp_path)
        assert name == "sample-client.pdf"
        texts = _pdf_text(pdf)
        assert len(texts) == PAGES[False] and "Sample Client" in texts[0] and "left hip" in texts[0]
        page.get_by_role("button", name="Save in handouts_out/").click()
        page.locator(".widget-html", has_text="Saved: handouts_out/sample-client.pdf").wait_for(timeout=30_000)
        listing = server.request("GET", "api/contents/handouts_out")
        names = {f["name"] for f in listing["content"]}
        assert "sample-client.pdf" in names  # the file browser lists what the contents API lists
        assert (served / "handouts_out" / "sample-client.pdf").read_bytes() == pdf
        page.screenshot(path=str(SHOTS / "classroom-lab-07.png"))
        errors = page.console_log.problems()
        assert not errors, "console errors:\n" + "\n".join(errors)
    finally:
        try:
            bs.shutdown_all_kernels(server)
        finally:
            server.stop()


def _kernels(server) -> list[int]:
    """The server's live kernels. A culled kernel can linger a moment as a zombie (exited, not yet
    reaped by the server): it is not running, and its command line can no longer be read."""
    import psutil

    out = []
    for p in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline()):
                out.append(p.pid)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):  # ended while we looked
            continue
    return sorted(out)


def _wait_kernels(server, n: int, timeout_s: float) -> list[int]:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        pids = _kernels(server)
        if len(pids) == n:
            return pids
        time.sleep(0.5)
    raise AssertionError(f"expected {n} kernels within {timeout_s:.0f} s, have {len(_kernels(server))}:\n"
                         + server.log_tail())


def test_kernel_of_a_closed_page_is_culled_and_an_open_one_is_not(served, run_dir, browser, monkeypatch):
    """The app's own configuration (voila_config/voila.py) with short timeouts: idle 4 s, checked
    every second. The page is closed without its unload handler (a killed browser, a closed lid),
    so only the culler can end its kernel. One pre-heated kernel waits in the pool throughout."""
    pytest.importorskip("psutil")
    monkeypatch.setenv("HIPBALL_VOILA_POOL", "1")
    server = bs.start_voila(served, run_dir / "voila-cull", extra_args=[
        "--MappingKernelManager.cull_idle_timeout=4", "--MappingKernelManager.cull_interval=1"])
    try:
        pool = _wait_kernels(server, 1, 90)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(server.url("voila/render/student_app.ipynb"), timeout=120_000)
        page.locator(".jupyter-matplotlib-figure canvas, .widget-image").first.wait_for(timeout=90_000)
        pids = _wait_kernels(server, 2, 90)  # the page's kernel and the pool's replacement
        time.sleep(8)                         # twice the idle timeout, the page still open
        assert _kernels(server) == pids, "the kernel of an open page was culled"
        page.close(run_before_unload=False)
        context.close()
        left = _wait_kernels(server, 1, 30)
        # the page ran in the pre-heated kernel; its replacement in the pool is left alone
        assert set(left) == set(pids) - set(pool), "the wrong kernel was culled"
        assert "Culling 'idle' kernel" in server.log_path.read_text(errors="replace")
    finally:
        server.stop()


def test_hipball_lab_turns_off_the_news_toast(served, run_dir):
    """`hipball lab` starts JupyterLab with the course's settings defaults: the "Jupyter news"
    question (a toast over the apps) and the update check are off. The toast is shown exactly
    when fetchNews is "none", so the settings JupyterLab serves to the page decide it."""
    import json
    import os
    import secrets
    import signal
    import subprocess
    import sys
    import urllib.request

    home = run_dir / "hipball-lab"
    port, token = bs.free_port(), secrets.token_hex(16)
    server = bs.Server("jupyterlab", served, port, token, home / "lab.log")
    home.mkdir(parents=True, exist_ok=True)
    server.proc = subprocess.Popen(
        [sys.executable, "-m", "hipball.cli", "lab", "--no-browser", f"--port={port}", f"--token={token}",
         f"--notebooks={served}"], cwd=served, env=bs.private_env(home), start_new_session=True,
        stdout=open(server.log_path, "wb"), stderr=subprocess.STDOUT)
    try:
        server.wait_ready("api/status", timeout=90)
        req = urllib.request.Request(
            f"{server.base}/lab/api/settings/@jupyterlab/apputils-extension:notification",
            headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=20) as r:
            settings = json.loads(r.read())
        # overrides become the schema's defaults (JupyterLab's own default for fetchNews is "none")
        props = settings["schema"]["properties"]
        assert props["fetchNews"]["default"] == "false", props["fetchNews"]
        assert props["checkForUpdates"]["default"] is False
        assert settings.get("composite", {}).get("fetchNews", "false") == "false"
        # widget messages on the kernel's main thread (apps/base.py; jupyterlab#19719)
        req = urllib.request.Request(
            f"{server.base}/lab/api/settings/@jupyterlab/apputils-extension:kernels-settings",
            headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(req, timeout=20) as r:
            kernels = json.loads(r.read())
        assert kernels["schema"]["properties"]["commsOverSubshells"]["default"] == "disabled"
    finally:
        try:
            os.killpg(os.getpgid(server.proc.pid), signal.SIGTERM)
            server.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            server.stop()


BASE = "/user/student-1/"  # how JupyterHub serves a user's server (docs/deploy.md)
FIGURE_DRAWN = """() => Array.from(document.querySelectorAll('.jupyter-matplotlib-figure canvas')).some(c => {
    if (!c.width || !c.height || c.offsetParent === null) return false;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4 * 97) if (d[i + 3] > 0 && d[i] < 235) return true;
    return false; })"""


@pytest.mark.parametrize("mode", ["voila", "jupyter-server"])
def test_student_app_works_under_a_base_path(served, run_dir, browser, mode):
    """The student app under a URL prefix, as behind JupyterHub or BinderHub: standalone Voila
    with hipball's configuration (``hipball app``'s set-up), and Voila as an extension of a
    Jupyter server (what jupyterhub-singleuser runs) with voila_config/jupyter_server_config.json.
    The page, its scripts, its kernel's websocket and the first figure all work under the prefix."""
    import secrets
    import sys

    from hipball._jupyter import VOILA_CONFIG_DIR

    home = run_dir / f"base-{mode}"
    home.mkdir(parents=True, exist_ok=True)
    server = bs.Server(mode, served, bs.free_port(), secrets.token_hex(16), home / "server.log")
    if mode == "voila":
        cmd = [sys.executable, "-m", "voila", str(served), "--no-browser", "--Voila.ip=127.0.0.1",
               f"--port={server.port}", f"--token={server.token}", f"--Voila.base_url={BASE}",
               f"--Voila.config_file_paths={VOILA_CONFIG_DIR}"]
    else:
        cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={server.port}", f"--IdentityProvider.token={server.token}",
               f"--ServerApp.base_url={BASE}", f"--ServerApp.root_dir={served}",
               f"--config={VOILA_CONFIG_DIR / 'jupyter_server_config.json'}", *bs._as_root()]
    bs._launch(server, cmd, home, BASE.lstrip("/") + ("" if mode == "voila" else "api/status"), 90)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        log = bs.ConsoleLog(page)
        page.goto(server.url(BASE.lstrip("/") + "voila/render/student_app.ipynb"), timeout=120_000)
        page.wait_for_function(FIGURE_DRAWN, timeout=120_000, polling=250)
        assert not log.problems(), "console errors:\n" + "\n".join(log.problems())
        if mode == "jupyter-server":  # the culling settings reached the server's kernel manager
            assert "Culling kernels with idle durations > 300 seconds at 60 second intervals" in \
                server.log_path.read_text(errors="replace")
    finally:
        context.close()
        server.stop()


def test_a_class_arriving_while_the_pool_warms_up_gets_the_app_on_every_page(served, run_dir, monkeypatch):
    """Requests arriving while the pool's kernels are still running the app (Voila then hands
    out the warming kernels and finishes their pages): every page must hold the app."""
    import re
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("HIPBALL_VOILA_POOL", "3")
    server = bs.start_voila(served, run_dir / "voila-pool")
    try:
        url = server.url("voila/render/student_app.ipynb")
        t0 = time.monotonic()  # the pool's kernels have started and are running the app
        while "Kernel pool of student_app.ipynb is filled" not in server.log_path.read_text(errors="replace"):
            assert time.monotonic() - t0 < 120, server.log_tail()
            time.sleep(0.2)

        def page(_):
            with urllib.request.urlopen(url, timeout=240) as r:
                return r.read().decode("utf-8", "replace")

        with ThreadPoolExecutor(6) as pool:
            pages = list(pool.map(page, range(6)))
        log = server.log_path.read_text(errors="replace")
        without = [i for i, html in enumerate(pages)
                   if not re.search(r"application/vnd\.jupyter\.widget-view\+json", html)]
        assert not without, f"pages {without} of 6 came back without the app:\n{server.log_tail()}"
        assert "Kernel pool of student_app.ipynb is filled with 3" in log  # the pool was in play
    finally:
        server.stop()
