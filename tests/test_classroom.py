"""The Handout tab for a class (issue 10, section 2), without a browser: every page previewed,
the PDF in the download link is the handout of the form, notes show where they print, a class
roster typed or uploaded gives the packet with bad rows reported in plain words, and files
saved for the file browser are private. The same flows in Chromium: tests/test_classroom_browser.py.
"""

from __future__ import annotations

import base64
import datetime
import io
import re
import stat

import ipywidgets as widgets
import pytest
from PIL import Image

from hipball.apps import HandoutPreview
from hipball.apps.handout import notes_page, plain_error
from hipball.handouts.page import PAGES, page_text, page_texts
from hipball.handouts import params
from hipball.handouts.page import render_pdf

pypdf = pytest.importorskip("pypdf")


def _link_pdf(html: str) -> tuple[str, bytes]:
    m = re.search(r"download='([^']+)' href='data:application/pdf;base64,([A-Za-z0-9+/=]+)'", html)
    assert m, f"no download link in {html[:200]!r}"
    return m.group(1), base64.b64decode(m.group(2))


def _pages_text(pdf: bytes) -> list[str]:
    return page_texts(pdf)  # cached: the app's notes lookup already read this PDF


@pytest.fixture
def app():
    a = HandoutPreview(client="Ann Example", side="left")
    yield a
    a.close()


@pytest.mark.slow  # compiles handouts or reads server settings (seconds); test_download_link_holds_the_handout_of_the_form stays fast
def test_every_page_is_previewed_sharp_enough_to_read(app):
    assert app.error.value == ""
    assert len(app.pages) == PAGES[False]
    assert app.page_box.children == (app.page_images[0],)  # page 1 first: it fits a projector with the form
    app.page.value = -1                                     # every page, one click away
    shown = app.page_box.children
    assert len(shown) == PAGES[False] and all(isinstance(w, widgets.Image) for w in shown)
    for img in shown:
        w, h = Image.open(io.BytesIO(img.value)).size
        assert w >= 800 and h > w  # a Letter page at 100 ppi: 850 x 1100 px, not a thumbnail
    app.page.value = 1
    assert app.page_box.children == (app.page_images[1],)
    app.large_print.value = True
    assert len(app.pages) == PAGES[True]
    assert [label for label, _ in app.page.options] == ["All pages"] + [f"Page {i}" for i in range(1, PAGES[True] + 1)]


def test_download_link_holds_the_handout_of_the_form(app):
    name, pdf = _link_pdf(app.download.value)
    assert name == "ann-example.pdf"
    assert pdf == render_pdf(params.validate(app.values()).values)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == PAGES[False]
    app.client.value = "Bo Example"
    name, pdf = _link_pdf(app.download.value)
    assert name == "bo-example.pdf" and "Bo Example" in _pages_text(pdf)[0]


@pytest.mark.slow  # compiles the handout at each keystroke's state (seconds)
@pytest.mark.parametrize("large", [False, True])
def test_typing_notes_shows_the_page_where_they_print(app, large):
    app.large_print.value = large
    app.page.value = -1
    app.notes.value = "Ten minutes after the walk, zebra"
    n = notes_page(app.pdf)
    assert 1 < n <= len(app.pages)  # read from the PDF; the text checks below pin it
    assert app.page.value == n - 1 and app.page_box.children == (app.page_images[n - 1],)
    assert f"page {n}" in app.where.value and "Notes from your therapist" in app.where.value
    texts = _pages_text(_link_pdf(app.download.value)[1])
    assert "zebra" in texts[n - 1] and not any("zebra" in t for i, t in enumerate(texts) if i != n - 1)
    app.therapist.value = "Dee Therapist"
    texts = _pages_text(_link_pdf(app.download.value)[1])
    assert "Dee Therapist" in " ".join(texts[n - 1].split())  # the narrow contact box may wrap it


@pytest.mark.slow  # compiles handouts or reads server settings (seconds); test_download_link_holds_the_handout_of_the_form stays fast
def test_bad_value_removes_the_link_and_says_it_in_plain_words(app):
    app.notes.value = "x" * 5000
    assert app.download.value == ""
    assert "Notes to the client: 5000 characters; at most 1200" in app.error.value
    app.notes.value = "fine"
    assert app.error.value == "" and app.download.value
    app.client.value = "\u674e Example"  # no font of the handout has this character
    assert app.download.value == ""
    text = app.error.value
    assert "Client:" in text and "cannot be printed" in text
    for developer_words in ("HIPBALL_FONT_DIR", "--anonymize", "client:", "run again"):
        assert developer_words not in text


def test_plain_error_names_the_field_not_the_parameter():
    checked = params.validate({"side": "up", "hold_s": "abc"})
    msgs = [plain_error(e) for e in checked.errors]
    assert any(m.startswith("Side: 'up' is not one of: left, right, both") for m in msgs)
    assert any(m.startswith("Hold: 'abc' is not a number") for m in msgs)


ROSTER = ("client,side,level\n"
          "Ann Example,left,beginner\n"
          "Bo Example,up,beginner\n"
          "Cy Example,both,experienced\n"
          ",,\n"
          "Ann Example,right,beginner\n")


@pytest.mark.slow  # compiles handouts or reads server settings (seconds); test_download_link_holds_the_handout_of_the_form stays fast
def test_class_packet_from_a_typed_roster_keeps_the_valid_rows(app):
    app.large_print.value = False
    app.roster_text.value = ROSTER
    app.make_class.click()
    assert app.error.value == ""
    done = {o.row: o.status for o in app.class_outcomes}
    assert done == {2: "rendered", 3: "failed", 4: "rendered", 5: "skipped", 6: "failed"}
    report = app.class_report.value
    assert "2 handouts made" in report and "2 rows with a mistake left out" in report
    assert "Row 3 (Bo Example): Side: &#x27;up&#x27; is not one of: left, right, both" in report
    assert "Row 6 (Ann Example): Client: &#x27;Ann Example&#x27; appears again (first in row 2)" in report
    assert "Row 5: empty, skipped" in report
    name, packet = _link_pdf(app.class_download.value)
    assert name == "class_packet.pdf" and packet == app.packet
    texts = _pages_text(packet)
    n = PAGES[False]
    assert len(texts) == 2 * n  # two handouts, in roster order
    assert "Ann Example" in texts[0] and "Cy Example" in texts[n] and "both hips" in texts[n]
    assert not any("Bo Example" in t for t in texts)


@pytest.mark.slow  # compiles handouts or reads server settings (seconds); test_download_link_holds_the_handout_of_the_form stays fast
def test_class_roster_uploaded_as_yaml_takes_the_form_as_defaults(app):
    app.level.value = "experienced"
    yaml_text = "clients:\n  - client: Eve Example\n    side: right\n  - client: Fay Example\n    level: beginner\n"
    app.upload.value = ({"name": "class.yaml", "type": "application/x-yaml", "size": len(yaml_text),
                         "content": memoryview(yaml_text.encode()), "last_modified": datetime.datetime(2026, 1, 1)},)
    assert app.roster_text.value == yaml_text and "class.yaml" in app.class_report.value
    app.make_class.click()
    assert app.error.value == ""
    assert [o.status for o in app.class_outcomes] == ["rendered", "rendered"]
    first, second = page_text(app.packet, 0), page_text(app.packet, PAGES[False])  # each client's page 1
    assert "experienced" in first and "beginner" in second


@pytest.mark.parametrize("text, words", [
    ("", "The class is empty"),
    ("client\n" + "\n".join(f"P{i}" for i in range(61)), "at most 60 at once"),
])
def test_class_mistakes_in_the_whole_roster_are_one_clear_message(app, text, words):
    app.roster_text.value = text
    app.make_class.click()
    assert words in app.error.value and app.class_download.value == ""


def test_non_utf8_upload_is_refused_with_what_to_do(app):
    data = "client\nJos\u00e9\n".encode("latin-1")
    app.upload.value = ({"name": "class.csv", "type": "text/csv", "size": len(data), "content": memoryview(data),
                         "last_modified": datetime.datetime(2026, 1, 1)},)
    assert "not UTF-8" in app.error.value and "CSV UTF-8" in app.error.value


@pytest.mark.slow  # compiles handouts or reads server settings (seconds); test_download_link_holds_the_handout_of_the_form stays fast
def test_save_to_writes_private_files_and_says_when_it_replaces(tmp_path):
    app = HandoutPreview(client="Ann Example", save_to=tmp_path / "handouts_out")
    try:
        assert app.save.layout.display != "none"
        app.save.click()
        target = tmp_path / "handouts_out" / "ann-example.pdf"
        assert target.read_bytes() == app.pdf
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert "Saved: handouts_out/ann-example.pdf" in app.saved.value and "replaced" not in app.saved.value
        app.notes.value = "again"
        app.save.click()
        assert "replaced the earlier file" in app.saved.value and target.read_bytes() == app.pdf
        app.roster_text.value = "client\nBo Example\n"
        app.make_class.click()
        assert (tmp_path / "handouts_out" / "class_packet.pdf").read_bytes() == app.packet
    finally:
        app.close()
    plain = HandoutPreview()
    try:
        assert plain.save.layout.display == "none"  # the student app saves nothing on the server
    finally:
        plain.close()


def test_no_output_widget_and_no_command_line_on_screen(app):
    def walk(w):
        yield w
        for c in getattr(w, "children", ()):
            yield from walk(c)

    tree = list(walk(app.widget))
    assert not any(isinstance(w, widgets.Output) for w in tree)
    text = " ".join(str(getattr(w, "value", "")) for w in tree if isinstance(w, widgets.HTML))
    for developer_words in ("hipball handouts", "--roster", "HIPBALL_FONT_DIR", "--anonymize", "papermill"):
        assert developer_words not in text


def test_notebook_07_saves_where_the_file_browser_shows_it_and_git_ignores_it():
    import json
    import shutil
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    nb = json.loads((repo / "notebooks" / "07_making_handouts.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    folders = set(re.findall(r"save_to=\"([^\"]+)\"", code)) | set(re.findall(r"Path\(\"([^\"]+)\"\) /", code))
    assert folders == {"handouts_out"}  # relative: next to the notebook, inside JupyterLab's root
    if shutil.which("git") is None or not (repo / ".git").exists():
        pytest.skip("not a git checkout")
    probe = f"notebooks/{folders.pop()}/ann-example.pdf"
    assert subprocess.run(["git", "check-ignore", "-q", probe], cwd=repo).returncode == 0, \
        f"{probe} would be committed: handouts hold client data"


# ----------------------------------------------------------------- plain words on student screens
def test_referral_candidates_speak_plain_words():
    from hipball import referral
    from hipball.apps.referral import candidates_html, plain_message

    html = candidates_html(referral.candidates(["lateral_thigh", "lateral_leg"], side="right"), "the regions picked")
    assert "outer thigh, back chart:" in html and "in the main zone" in html
    for developer_words in ("lateral_thigh", "lateral_leg", "(posterior)", "(lateral)", "essential", "spillover"):
        assert developer_words not in html
    msg = ("That pain is on the left leg of the chart, and these are the right side's trigger points: "
           "look it up with side='left'.")
    assert plain_message(msg).endswith("choose Side: Left above.") and "side=" not in plain_message(msg)
    assert "view=" not in plain_message("None of a is shown on the lateral chart; look it up without view= "
                                        "or on the other chart.")


def test_index_tells_the_instructor_to_start_with_hipball_lab():
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "00_index.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "`hipball lab`" in text and "jupyter lab notebooks/" not in text


def test_postbuild_installs_the_server_settings_for_binder_and_jupyterhub(tmp_path):
    """repo2docker runs postBuild; the files must land where a Jupyter server and JupyterLab in
    that environment read them (etc/jupyter/jupyter_server_config.d, lab/settings/overrides.d)."""
    import json
    import os
    import subprocess
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    subprocess.run(["bash", str(repo / "postBuild")], check=True, timeout=60,
                   env=dict(os.environ, NB_PYTHON_PREFIX=str(tmp_path)))
    server = json.loads((tmp_path / "etc/jupyter/jupyter_server_config.d/hipball.json").read_text())
    assert server["MappingKernelManager"]["cull_idle_timeout"] == 300
    assert server["MappingKernelManager"]["cull_connected"] is False
    lab = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.d/hipball.json").read_text())
    assert lab["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


@pytest.mark.slow  # compiles handouts or reads server settings (seconds); test_download_link_holds_the_handout_of_the_form stays fast
def test_hub_settings_match_the_app_settings():
    """The culling of `hipball app` (voila.py) and of a Hub/Binder server (the JSON that postBuild
    installs) are the same numbers, as README and docs/deploy.md say."""
    import json
    import os
    import subprocess
    import sys

    from hipball._jupyter import VOILA_CONFIG_DIR

    code = ("import json\nfrom traitlets.config.loader import PyFileConfigLoader\n"
            f"cfg = PyFileConfigLoader('voila.py', path={str(VOILA_CONFIG_DIR)!r}).load_config()\n"
            "m = cfg.MappingKernelManager\n"
            "print(json.dumps({k: m[k] for k in ('cull_idle_timeout', 'cull_interval', 'cull_connected', "
            "'cull_busy')}))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIPBALL_")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    app = json.loads(proc.stdout.strip().splitlines()[-1])
    hub = json.loads((VOILA_CONFIG_DIR / "jupyter_server_config.json").read_text())["MappingKernelManager"]
    assert app == hub == {"cull_idle_timeout": 300, "cull_interval": 60, "cull_connected": False, "cull_busy": False}
    hub_file = json.loads((VOILA_CONFIG_DIR / "jupyter_server_config.json").read_text())
    assert hub_file["VoilaExecutor"]["iopub_timeout"] == 60  # as voila.py (test above)



@pytest.mark.slow  # imports Voila in a new Python (seconds); the fast tier checks the numbers above
def test_voila_waits_for_the_apps_output_when_a_class_loads_the_server():
    """nbclient's default 4 s for a cell's outputs dropped the app from 5 of 30 pages under the
    load of a class arriving at once (bench_class.py); the app's configuration waits 60 s."""
    import subprocess
    import sys

    from hipball._jupyter import VOILA_CONFIG_DIR

    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            f"cfg = PyFileConfigLoader('voila.py', path={str(VOILA_CONFIG_DIR)!r}).load_config()\n"
            "from voila.execute import VoilaExecutor\n"
            "import nbformat\n"
            "ex = VoilaExecutor(nbformat.v4.new_notebook(), config=cfg)\n"
            "print(ex.iopub_timeout, ex.raise_on_iopub_timeout)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-2:] == ["60", "False"]
