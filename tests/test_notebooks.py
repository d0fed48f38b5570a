"""The course notebooks: stored clean, structured as the style guide asks, and exportable as
slides. (That they run top to bottom is nbval's job:
``pytest --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg notebooks/``;
that the app notebooks never hang under nbclient is tests/test_app_notebooks_exec.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
COURSE = ["00_index", "01_hip_anatomy", "02_trigger_points_and_referral", "03_spoke_pattern",
          "04_rolling_to_the_front_corner", "05_ball_and_surface", "06_dose_aftercare_red_flags",
          "07_making_handouts"]
APP_NOTEBOOKS = COURSE[1:]
# every notebook in notebooks/: the course, the student app (Voila), the handout (papermill)
ALL = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))


def load(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "")


@pytest.mark.parametrize("name", ALL)
def test_stored_clean_and_valid(name):
    nb = load(name)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs not stripped"
            # logic lives in the library: no functions or classes defined in a notebook
            assert not re.search(r"^\s*(def|class) ", cell.source, re.M), f"{name}: logic in the notebook"


@pytest.mark.parametrize("name", COURSE)
def test_course_cells_have_a_slide_type(name):
    for cell in load(name).cells:
        assert slide_type(cell) in ("slide", "subslide", "fragment", "skip", "notes", "-"), cell.source[:40]


@pytest.mark.parametrize("name", APP_NOTEBOOKS)
def test_app_notebook_outline(name):
    nb = load(name)
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    title = md[0].source.splitlines()[0]
    assert title.startswith("# ") and "You will learn" in md[0].source and "You need" in md[0].source
    first = code[0].source
    assert "%matplotlib widget" in first and "try:" in first and "except" in first  # guarded backend
    app_idx = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "from hipball.apps import" in c.source)
    app_cell = nb.cells[app_idx].source
    assert re.search(r"^app = \w+\(.*\)$", app_cell, re.M) and app_cell.strip().endswith("app")
    assert nb.cells.index(code[0]) < app_idx
    after = [c for c in nb.cells[app_idx + 1:] if c.cell_type == "markdown"]
    assert after and after[0].source.startswith("## Questions for students")  # outside the app cell
    notes = [c for c in md if "Instructor notes" in c.source]
    assert len(notes) == 1 and slide_type(notes[0]) == "notes" and "alert" in notes[0].source
    assert any(c.source.startswith("## Summary") for c in md)
    assert md[-1].source.startswith("## References")


@pytest.mark.parametrize("name", COURSE)
def test_references_cite_known_sources_and_state_the_limits(name):
    from hipball.sources import load_sources

    refs = load(name).cells[-1].source
    ids = re.findall(r"^- `([a-z0-9_]+)`", refs, re.M)
    assert ids, "no sources cited"
    known = load_sources()
    assert [i for i in ids if i not in known] == []
    assert "PMC9434898" in refs and "debated" in refs


def test_index_links_every_notebook_and_explains_slides():
    nb = load("00_index")
    text = "\n".join(c.source for c in nb.cells)
    for name in APP_NOTEBOOKS:
        assert f"({name}.ipynb)" in text
    assert "nbconvert --to slides" in text and "--reveal-prefix" in text


class _Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.top = 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            if self.depth == 0:
                self.top += 1
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1


@pytest.mark.slow
def test_slides_export_has_one_section_per_slide(tmp_path):
    nb = load("01_hip_anatomy")
    slides = sum(slide_type(c) == "slide" for c in nb.cells)
    assert slides >= 5
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides", "--output-dir", str(tmp_path),
                    str(NOTEBOOKS / "01_hip_anatomy.ipynb")], check=True, capture_output=True, timeout=120)
    html = (tmp_path / "01_hip_anatomy.slides.html").read_text(encoding="utf-8")
    parser = _Sections()
    parser.feed(html)
    assert parser.depth == 0
    assert parser.top == slides
    assert 'class="notes"' in html  # instructor notes become speaker notes, not slides
    assert "Instructor notes" not in re.sub(r'<aside class="notes">.*?</aside>', "", html, flags=re.S)


def test_sanitize_file_covers_addresses_paths_and_times():
    cfg = (NOTEBOOKS / "nbval_sanitize.cfg").read_text()
    import configparser

    parser = configparser.ConfigParser()
    parser.read_string(cfg)
    patterns = {s: re.compile(parser[s]["regex"]) for s in parser.sections()}
    samples = ["<Figure at 0x7f3a2b1c9d00>", "/tmp/hipball-handout-abc123/sample-client.pdf",
               "2026-11-25T20:18:04.123Z"]
    for sample in samples:
        assert any(p.search(sample) for p in patterns.values()), sample
