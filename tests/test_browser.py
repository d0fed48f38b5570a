"""Real-browser tests: the course notebooks in JupyterLab and the student app in Voila, driven
through Debian's Chromium (headless, Playwright).

Servers: one JupyterLab and one Voila per module, on 127.0.0.1 free ports with random tokens,
private Jupyter/IPython/matplotlib/temp folders, serving a temporary copy of notebooks/ (the
tracked notebooks are never written: autosave is off too). Each notebook test opens a fresh
browser context with ``?reset``, runs all cells, and at the end deletes every session and
kernel through the REST API. Every wait has a timeout.

What a user would notice is asserted: widgets rendered (no "Loading widget", no error or
stderr output, no app error box), no JavaScript console error except the harmless offline
font/CDN requests, a slider key press changes the picture (screenshots compared), a click on
the referral chart changes the candidate list. Screenshots of the last run are kept in
.test-artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

import browser_support as bs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OUT = ".jp-OutputArea-output"
CANVAS = ".jupyter-matplotlib-canvas-div canvas"
FIGURE = ".jupyter-matplotlib-figure, .widget-image"

# What a student does in each notebook, and what must follow:
#   slider: ArrowRight on the first slider -> the picture changes
#   toggle: click another option of the first toggle-button row -> the picture changes
#   click:  click on the chart -> the candidate list (an HTML widget) changes
INTERACTIONS = {
    "01_hip_anatomy.ipynb": ("toggle",),
    "02_trigger_points_and_referral.ipynb": ("toggle", "click"),
    "03_spoke_pattern.ipynb": ("slider",),
    "04_rolling_to_the_front_corner.ipynb": ("slider",),
    "05_ball_and_surface.ipynb": ("slider",),
    "06_dose_aftercare_red_flags.ipynb": ("toggle",),
    "07_making_handouts.ipynb": ("toggle",),
    "standin.ipynb": ("slider", "click"),
}
# What the candidate list says once it ranks trigger points (the stand-in prints coordinates).
CANDIDATES_SIGN = {"lab-standin": "x="}
# The notebooks in notebooks/ (00_index has no app: it must only run cleanly) plus the stand-in
# that checks this machinery itself.
COURSE = sorted(p.name for p in bs.NOTEBOOKS.glob("0[0-9]_*.ipynb"))
LAB_NOTEBOOKS = COURSE + ["standin.ipynb"]


def _require_chromium() -> None:
    if not Path(bs.CHROMIUM).exists():
        pytest.fail(f"{bs.CHROMIUM} is missing: `apt-get install chromium` (tools/test.sh does it), "
                    "or deselect these tests with -m 'not browser'")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def served(run_dir) -> Path:
    root = run_dir / "notebooks"
    bs.copy_notebooks(root)
    return root


@pytest.fixture(scope="module")
def shots() -> Path:
    if bs.SCREENSHOTS.exists():
        shutil.rmtree(bs.SCREENSHOTS)
    bs.SCREENSHOTS.mkdir(parents=True)
    return bs.SCREENSHOTS


@pytest.fixture(scope="module")
def lab(served, run_dir):
    server = bs.start_lab(served, run_dir / "lab")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def voila(served, run_dir):
    server = bs.start_voila(served, run_dir / "voila")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = bs.launch_browser(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.console_log = bs.ConsoleLog(pg)
    yield pg
    context.close()


def _assert_clean(page, scope: str, what: str) -> None:
    problems = bs.output_problems(page, scope)
    assert not problems, f"{what}: error output or unrendered widget:\n" + "\n".join(problems)
    errors = page.console_log.problems()
    assert not errors, f"{what}: JavaScript console errors:\n" + "\n".join(errors)


def figure_signature(page, root: str) -> list[str]:
    """ipympl canvases (their pixels) and image widgets (their source) under ``root``."""
    return bs.canvas_signature(page, root) + page.evaluate(
        "(sel) => Array.from(document.querySelectorAll(sel + ' img.widget-image, ' + sel + ' .widget-image img'))"
        ".filter(e => e.offsetParent !== null).map(e => e.src.slice(-200) + e.src.length)", root)


def wait_figure_change(page, before: list[str], root: str, timeout_s: float = 10) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if figure_signature(page, root) != before:
            return True
        time.sleep(0.1)
    return False


def _press_slider(page, root: str) -> str:
    h = page.locator(f"{root} .widget-slider .noUi-handle").first
    assert h.count(), "no slider found"
    h.scroll_into_view_if_needed()
    v0 = h.get_attribute("aria-valuenow")
    h.focus()
    page.keyboard.press("ArrowRight")
    if h.get_attribute("aria-valuenow") == v0:      # already at its maximum
        page.keyboard.press("ArrowLeft")
    return f"slider {v0} -> {h.get_attribute('aria-valuenow')}"


def _click_toggle(page, root: str) -> str:
    row = page.locator(f"{root} .widget-toggle-buttons").first
    assert row.count(), "no toggle buttons found"
    buttons = row.locator("button")
    for i in range(buttons.count()):
        b = buttons.nth(i)
        if "mod-active" not in (b.get_attribute("class") or ""):
            b.scroll_into_view_if_needed()
            b.click()
            return f"toggle -> {b.inner_text()!r}"
    raise AssertionError("every toggle button is already active")


def _figure_changes(page, root: str, shots: Path, stem: str, kind: str) -> None:
    """Press a slider or click a toggle button: the picture must change (screenshots differ)."""
    fig = page.locator(f"{root} :is({FIGURE})").first
    fig.wait_for(state="visible", timeout=30_000)
    fig.scroll_into_view_if_needed()
    before_png = fig.screenshot(path=str(shots / f"{stem}-1-before-{kind}.png"))
    sig = figure_signature(page, root)
    did = _press_slider(page, root) if kind == "slider" else _click_toggle(page, root)
    assert wait_figure_change(page, sig, root, timeout_s=10), f"{stem}: {did} did not change the figure in 10 s"
    time.sleep(0.4)
    fig = page.locator(f"{root} :is({FIGURE})").first
    after_png = fig.screenshot(path=str(shots / f"{stem}-2-after-{kind}.png"))
    diff = bs.image_difference(before_png, after_png)
    assert diff > 0.0005, f"{stem}: {did}: figure data changed but the screenshot did not ({diff:.5f})"


def _click_changes_candidates(page, root: str, shots: Path, stem: str, sign: str) -> None:
    """Click points on the chart until the candidate list (an HTML widget) changes and shows
    ``sign`` (the ranked table's caption)."""
    canvas = page.locator(f"{root} {CANVAS}").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    before = bs.html_texts(page, root)
    # The outer thigh of the right leg on the back chart first, then a coarse grid.
    points = [(0.62, 0.45), (0.6, 0.3)] + [(fx, fy) for fy in (0.35, 0.5, 0.65, 0.8) for fx in (0.3, 0.45, 0.6, 0.7)]
    for fx, fy in points:
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        t0 = time.monotonic()
        while time.monotonic() - t0 < 3:
            now = bs.html_texts(page, root)
            if now != before and any(sign in t for t in now):
                time.sleep(0.4)
                canvas.screenshot(path=str(shots / f"{stem}-3-after-click.png"))
                return
            time.sleep(0.1)
    pytest.fail(f"{stem}: clicking the chart never listed candidates ({sign!r}): {now}")


def _interact(page, root: str, shots: Path, stem: str, kinds) -> None:
    for kind in kinds:
        if kind == "click":
            _click_changes_candidates(page, root, shots, stem, CANDIDATES_SIGN.get(stem, "Could explain it"))
        else:
            _figure_changes(page, root, shots, stem, kind)


@pytest.mark.parametrize("name", LAB_NOTEBOOKS)
def test_notebook_in_jupyterlab(name, lab, page, shots):
    stem = f"lab-{Path(name).stem}"
    kinds = INTERACTIONS.get(name, ())
    page.goto(lab.url(f"lab/tree/{name}", reset=""), timeout=60_000)
    try:
        bs.lab_run_all(page, timeout_ms=120_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:hide-all-cell-code')")
        if name in INTERACTIONS:
            app = page.locator(f"{OUT} :is({FIGURE})").first
            app.wait_for(state="visible", timeout=30_000)
            app.evaluate("e => e.closest('.jp-OutputArea').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        page.screenshot(path=str(shots / f"{stem}-0-page.png"))
        _assert_clean(page, OUT, name)
        _interact(page, OUT, shots, stem, kinds)
        _assert_clean(page, OUT, f"{name} after interaction")
    finally:
        bs.shutdown_all_kernels(lab)


# The student app's tabs, and what is tried in each (the first tab opens with the page).
STUDENT_TABS = {"Anatomy": ("toggle",), "Referral": ("click",), "Spokes": ("slider",),
                "Rolling": ("slider",), "Ball & surface": ("slider",), "Handout": ("toggle",)}


def test_student_app_in_voila(voila, page, shots):
    name = bs.STUDENT_APP
    assert (bs.NOTEBOOKS / name).exists(), f"notebooks/{name} is missing"
    page.goto(voila.url(f"voila/render/{name}"), timeout=90_000)
    page.locator(CANVAS).first.wait_for(state="visible", timeout=60_000)
    time.sleep(0.5)
    page.screenshot(path=str(shots / "voila-student_app-0-page.png"))
    _assert_clean(page, "body", "student app in Voila")
    tabs = page.locator(".widget-tab .lm-TabBar-tab")
    titles = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]
    assert titles == list(STUDENT_TABS), titles
    for i, title in enumerate(titles):
        tabs.nth(i).click()
        panel = ".widget-tab-contents > :not(.lm-mod-hidden)"
        page.locator(f"{panel} :is({FIGURE})").first.wait_for(state="visible", timeout=30_000)
        time.sleep(0.3)
        stem = f"voila-student_app-tab{i}-{title.split()[0].lower()}"
        page.screenshot(path=str(shots / f"{stem}-0-page.png"))
        _assert_clean(page, "body", f"student app, tab {title!r}")
        _interact(page, panel, shots, stem, STUDENT_TABS[title])
    _assert_clean(page, "body", "student app in Voila after every tab")


# ----------------------------------------------------------------------------- frames
# Issue 10.1: the figure the browser shows must be the kernel's figure, after any sequence of
# actions, fast or at a human pace. Each app runs alone in a small generated notebook with a
# probe: a button whose callback returns the kernel's last frame (the canvas buffer it sent)
# and the same figure drawn from scratch, as PNGs in a text area. The test reads the browser
# canvas's own pixels (toDataURL) and compares them with both.

FRAMES_NOTEBOOK = '''%matplotlib widget
import base64, io, json
from contextlib import nullcontext
import ipywidgets as widgets
import numpy as np
from PIL import Image
from hipball import apps

app = apps.{name}()
app.widget.add_class("frames-app")
probe, out, asked = widgets.Button(description="probe"), widgets.Textarea(), [0]
probe.add_class("frames-probe")
out.add_class("frames-probe-out")


def png64(rgba):
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode()


def on_probe(_):
    c = app.fig.canvas
    with getattr(app, "_lock", nullcontext()):  # callbacks may run on another thread (a subshell)
        sent = c._last_buff.view(np.uint8).reshape(*c._last_buff.shape, 4).copy()
        kept = dict(app._backgrounds)  # drawing from scratch must not change what the app caches
        scratch = base64.b64encode(app.to_png(dpi=app.fig.dpi)).decode()
        app._backgrounds.update(kept)
    asked[0] += 1
    out.value = json.dumps(dict(n=asked[0], sent=png64(sent), scratch=scratch,
                                error=app.error.value, trace=trace(app.last_exception), threads=sorted(threads)))


def trace(exc):
    import traceback
    return "".join(traceback.format_exception(exc)) if exc else ""


import threading
threads = set()  # the threads that rendered (reported with a mismatch)
_render = app.render


def _traced():
    threads.add(threading.current_thread().name)
    _render()


app.render = _traced
probe.on_click(on_probe)
widgets.VBox([app.widget, widgets.HBox([probe, out])])
'''

APP_ROOT = ".frames-app"


def _tog(row: int, i: int):
    return ("toggle", row, i)


# What a student does, per app: ("toggle", row, button), ("slider", n, key), ("canvas", fx, fy),
# ("button", part of its label), ("select", n, labels), ("checkbox", n), ("dropdown", n, index). Views and
# charts go back and forth so cached backgrounds are reused; the two sequences are in.
FRAME_SEQUENCES = {
    "SpokeDesigner": [("canvas", 0.55, 0.45), _tog(0, 1), ("slider", 0, "ArrowRight"), _tog(0, 0),
                      ("canvas", 0.5, 0.55), _tog(1, 1), _tog(0, 2), ("slider", 3, "ArrowRight"), _tog(1, 0),
                      _tog(0, 0)],
    "ReferralExplorer": [("select", 1, ["outer thigh", "outer lower leg"]), ("button", "top 3"),
                         ("button", "Clear"), ("canvas", 0.62, 0.45), ("canvas", 0.6, 0.3), _tog(0, 1),
                         ("button", "Clear"), ("select", 1, ["outer thigh"]), _tog(0, 0),
                         ("button", "Clear")],
    "AnatomyExplorer": [_tog(0, 1), ("checkbox", 3), ("dropdown", 0, 3), _tog(0, 2), _tog(1, 1), ("checkbox", 4),
                        _tog(0, 0), ("checkbox", 4), _tog(1, 0), ("checkbox", 3)],
    "RollExplorer": [("slider", 0, "ArrowRight"), _tog(0, 1), ("button", "Roll to"), _tog(0, 0),
                     ("slider", 0, "ArrowLeft"), ("button", "Roll to")],
    "BallSurfaceExplorer": [_tog(0, 2), ("slider", 0, "ArrowRight"), _tog(1, 1), _tog(0, 0), _tog(1, 0),
                            ("slider", 0, "ArrowLeft")],
}
FAST_REPEATS = int(__import__("os").environ.get("HIPBALL_FRAMES_REPEATS", "3"))
MISMATCH = 0.001     # fraction of pixels differing visibly (any channel by more than 40 of 255)


def _do(page, action) -> None:
    root = page.locator(APP_ROOT)
    kind = action[0]
    if kind == "toggle":
        root.locator(".widget-toggle-buttons").nth(action[1]).locator("button").nth(action[2]).click()
    elif kind == "button":
        root.locator("button", has_text=action[1]).first.click()
    elif kind == "slider":
        h = root.locator(".widget-slider .noUi-handle").nth(action[1])
        h.focus()
        page.keyboard.press(action[2])
    elif kind == "canvas":
        c = root.locator(CANVAS).first
        c.scroll_into_view_if_needed()
        box = c.bounding_box()
        page.mouse.click(box["x"] + action[1] * box["width"], box["y"] + action[2] * box["height"])
    elif kind == "select":
        root.locator(".widget-select-multiple select").nth(action[1]).select_option(label=action[2])
    elif kind == "checkbox":
        root.locator(".widget-checkbox input").nth(action[1]).click()
    elif kind == "dropdown":
        root.locator(".widget-dropdown select").nth(action[1]).select_option(index=action[2])
    else:
        raise ValueError(kind)


def _decode(data: str):
    import base64
    import io

    import numpy as np
    from PIL import Image

    raw = base64.b64decode(data.split(",", 1)[-1])
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"), dtype=np.int16)


def _differing(a, b) -> float:
    import numpy as np

    if a.shape != b.shape:
        return 1.0
    return float((np.abs(a - b).max(axis=2) > 40).mean())


def _probe(page, timeout_s: float = 20) -> dict:
    import json

    out = page.locator(".frames-probe-out textarea")
    before = out.input_value()
    n0 = json.loads(before)["n"] if before else 0
    page.locator(".frames-probe button, button.frames-probe").first.click()
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        text = out.input_value()
        if text and json.loads(text)["n"] > n0:
            return json.loads(text)
        time.sleep(0.05)
    raise AssertionError("the kernel probe did not answer in time")


def _browser_pixels(page):
    return _decode(page.locator(f"{APP_ROOT} {CANVAS}").first.evaluate("c => c.toDataURL('image/png')"))


def _check_frame(page, what: str, settle_s: float = 30.0) -> dict:
    """Ask the kernel for its figure and compare the browser canvas with it, again and again
    for up to ``settle_s``. The widget messages of fast actions may still be on their way: the
    front end holds back a widget's next update while the kernel works on its previous one (so
    updates of different widgets even reach the kernel out of order), and a loaded 2-core
    machine takes seconds to catch up. So only a figure that never catches up is a mismatch;
    a stale frame never does, as nothing would send another."""
    t0 = time.monotonic()
    while True:
        k = _probe(page)
        sent, scratch = _decode(k["sent"]), _decode(k["scratch"])
        time.sleep(0.3)                      # the frame's image loads after its message
        shown = _browser_pixels(page)
        d_sent, d_scratch = _differing(shown, sent), _differing(shown, scratch)
        ok = d_sent < MISMATCH and d_scratch < MISMATCH
        if ok or time.monotonic() - t0 > settle_s:
            break
    return dict(what=what, vs_sent=d_sent, vs_scratch=d_scratch, mismatch=not ok, shown=shown, scratch=scratch, sent=sent,
                error=k.get("error", "") + k.get("trace", ""), threads=k.get("threads", []))


def _run_sequences(page, name: str, where: str, shots: Path) -> list[dict]:
    import random

    from PIL import Image

    rng = random.Random(20261201)
    seq = FRAME_SEQUENCES[name]
    results = [_check_frame(page, f"{where} {name}: first frame", settle_s=15)]
    for rep in range(FAST_REPEATS):          # fast: back to back, checked at the end
        for action in seq:
            _do(page, action)
        results.append(_check_frame(page, f"{where} {name}: fast run {rep + 1}"))
    for i, action in enumerate(seq):         # a human pace, checked after every action
        time.sleep(rng.uniform(0.3, 0.8))
        _do(page, action)
        results.append(_check_frame(page, f"{where} {name}: human pace, after {action}"))
    for r in results:
        if r["mismatch"]:
            import numpy as np

            stem = r["what"].replace(" ", "_").replace(":", "").replace("/", "")[:80]
            both = np.concatenate([r["shown"], r["sent"], r["scratch"]], axis=1).clip(0, 255).astype("uint8")
            Image.fromarray(both).save(shots / f"frames-MISMATCH-{stem}.png")
    return results


def _open_in_lab(page, lab, notebook: str, ready: str) -> None:
    """Open a notebook in JupyterLab, run it, hide its code, wait for ``ready`` to show."""
    page.goto(lab.url(f"lab/tree/{notebook}", reset=""), timeout=60_000)
    bs.lab_run_all(page, timeout_ms=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:hide-all-cell-code')")
    page.locator(ready).first.wait_for(state="visible", timeout=60_000)


def _app_notebooks(served: Path, prefix: str, template: str, names) -> None:
    """One small notebook per app, ``<prefix>-<App>.ipynb``, from ``template``."""
    import nbformat

    for name in names:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
        nb.cells = [nbformat.v4.new_code_cell(template.format(name=name))]
        nbformat.write(nb, served / f"{prefix}-{name}.ipynb")


def _report(results: list[dict]) -> str:
    bad = [r for r in results if r["mismatch"]]
    return (f"{len(bad)} of {len(results)} checks: the browser showed another figure than the kernel's\n"
            + "\n".join(f"  {r['what']}: {r['vs_sent']:.4f} of pixels differ from the frame sent, "
                        f"{r['vs_scratch']:.4f} from the figure drawn from scratch"
                        + (f"; app error: {_text(r['error'])}" if r["error"] else "")
                        + f"; rendered on threads {r['threads']}" for r in bad))


def _text(html_value: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", html_value))[:3000]


@pytest.mark.parametrize("name", list(FRAME_SEQUENCES))
def test_browser_shows_the_kernels_figure_in_jupyterlab(name, lab, served, page, shots):
    _app_notebooks(served, "frames", FRAMES_NOTEBOOK, FRAME_SEQUENCES)
    try:
        _open_in_lab(page, lab, f"frames-{name}.ipynb", f"{APP_ROOT} {CANVAS}")
        results = _run_sequences(page, name, "JupyterLab", shots)
        _assert_clean(page, OUT, f"frames-{name}")
    finally:
        bs.shutdown_all_kernels(lab)
    assert not any(r["mismatch"] for r in results), _report(results)


@pytest.mark.parametrize("name", list(FRAME_SEQUENCES))
def test_browser_shows_the_kernels_figure_in_voila(name, voila, served, page, shots):
    _app_notebooks(served, "frames", FRAMES_NOTEBOOK, FRAME_SEQUENCES)
    page.goto(voila.url(f"voila/render/frames-{name}.ipynb"), timeout=90_000)
    page.locator(f"{APP_ROOT} {CANVAS}").first.wait_for(state="visible", timeout=60_000)
    results = _run_sequences(page, name, "Voila", shots)
    _assert_clean(page, "body", f"frames-{name} in Voila")
    assert not any(r["mismatch"] for r in results), _report(results)


# ----------------------------------------------------------------------------- fit the room
# Issue 10.3: at a projector (1366x768), a desktop (1920x1080) and a tablet (768x1024) every app
# fits: no figure wider than the page, controls beside the figure when wide and above it when
# narrow, no button or toggle label cut short, and on the projector the figure and the controls
# beside it visible together (in JupyterLab with the file browser open, closed on the tablet).
# Screenshots of every app at every size are kept in
# .test-artifacts/screenshots/fit-*.png.
SIZES = {"projector": (1366, 768), "desktop": (1920, 1080), "tablet": (768, 1024)}
FIT_APPS = list(FRAME_SEQUENCES) + ["HandoutPreview"]
FIT_NOTEBOOK = '''%matplotlib widget
from hipball import apps

app = apps.{name}()
app.widget
'''

MEASURE = """() => {
    const app = document.querySelector('.hipball-app');
    if (!app) return null;
    const [controls, figcol] = app.children;
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const figs = Array.from(app.querySelectorAll('.jupyter-matplotlib-figure canvas, img'))
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 50).map(box);
    const cut = Array.from(app.querySelectorAll('button, .widget-label, .widget-label-basic'))
        .filter(b => b.offsetParent !== null && b.innerText.trim() && b.scrollWidth > b.clientWidth + 1)
        .map(b => b.innerText);
    // a drop-down shows one option in a fixed width: every option's text must fit it
    const probe = document.createElement('span');
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre';
    document.body.appendChild(probe);
    for (const s of app.querySelectorAll('select:not([multiple])')) {
        if (s.offsetParent === null) continue;
        const cs = getComputedStyle(s);
        probe.style.font = cs.font;
        const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        for (const o of s.options) {
            probe.textContent = o.text;
            if (probe.getBoundingClientRect().width > room + 1) cut.push(o.text);
        }
    }
    probe.remove();
    return {controls: box(controls), figure_column: box(figcol), figures: figs, cut: cut,
            width: document.documentElement.clientWidth, height: window.innerHeight};
}"""


def _fit_problems(m: dict, size: str) -> list[str]:
    out = []
    w, h = SIZES[size]
    for f in m["figures"]:
        if f[0] < -1 or f[2] > m["width"] + 1:
            out.append(f"{size}: a figure spans x={f[0]:.0f}..{f[2]:.0f}, the page is {m['width']} px wide")
    c, fc = m["controls"], m["figure_column"]
    beside = fc[0] >= c[2] - 1 and fc[1] < c[3]
    above = fc[1] >= c[3] - 1
    if size == "tablet" and not above:
        out.append(f"{size}: the controls are not above the figure ({c} / {fc})")
    if size != "tablet" and not beside:
        out.append(f"{size}: the controls are not beside the figure ({c} / {fc})")
    if m["cut"]:
        out.append(f"{size}: labels cut short: {m['cut']}")
    if size == "projector" and m["figures"]:
        top = min(c[1], fc[1])
        bottom = max(f[3] for f in m["figures"])
        if bottom - top > h - 100:  # a slider and the whole figure on one screen (browser bars aside)
            out.append(f"{size}: controls and figure need {bottom - top:.0f} px of height, the screen has about {h - 100}")
    return out


def _fit_check(page, name: str, where: str, shots: Path) -> list[str]:
    problems = []
    for size, (w, h) in SIZES.items():
        if where == "lab" and size == "tablet":  # on a tablet the file browser is closed
            page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        page.set_viewport_size({"width": w, "height": h})
        time.sleep(0.6)
        page.evaluate("() => document.querySelector('.hipball-app').scrollIntoView({block: 'start'})")
        time.sleep(0.3)
        page.screenshot(path=str(shots / f"fit-{where}-{name}-{size}-{w}x{h}.png"))
        m = page.evaluate(MEASURE)
        assert m is not None, f"{name}: no .hipball-app on the page"
        problems += [f"{where} {name} {p}" for p in _fit_problems(m, size)]
    return problems


@pytest.mark.parametrize("name", FIT_APPS)
def test_apps_fit_the_room_in_voila(name, voila, served, page, shots):
    _app_notebooks(served, "fit", FIT_NOTEBOOK, FIT_APPS)
    page.goto(voila.url(f"voila/render/fit-{name}.ipynb"), timeout=90_000)
    page.locator(".hipball-app :is(.jupyter-matplotlib-figure canvas, img)").first.wait_for(state="visible",
                                                                                              timeout=60_000)
    time.sleep(0.5)
    problems = _fit_check(page, name, "voila", shots)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", FIT_APPS)
def test_apps_fit_the_room_in_jupyterlab(name, lab, served, page, shots):
    _app_notebooks(served, "fit", FIT_NOTEBOOK, FIT_APPS)
    try:
        _open_in_lab(page, lab, f"fit-{name}.ipynb", ".hipball-app :is(.jupyter-matplotlib-figure canvas, img)")
        time.sleep(0.5)
        problems = _fit_check(page, name, "lab", shots)
    finally:
        bs.shutdown_all_kernels(lab)
    assert not problems, "\n".join(problems)
