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
