"""The code-free student app (notebooks/student_app.ipynb): one tab per explorer, each built
the first time its tab is shown, a failure shown inside its tab."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from hipball import apps
from hipball.apps.student import TABS, StudentApp


@pytest.fixture
def app():
    a = StudentApp(render="image")
    yield a
    a.close()


def test_tabs_name_every_explorer_and_only_the_first_is_built(app):
    assert app.widget.titles == tuple(title for title, _ in TABS)
    assert [cls for _, cls in TABS] == [n for n in apps.APPS if n != "StudentApp"]
    assert list(app.explorers) == [0]
    assert isinstance(app.explorers[0], apps.AnatomyExplorer)
    assert app.boxes[0].children == (app.explorers[0].widget,)
    assert "Opening the Spokes explorer" in app.boxes[2].children[0].value
    assert len(plt.get_fignums()) == 1


def test_showing_a_tab_builds_its_explorer_once(app):
    app.widget.selected_index = 2
    spokes = app.explorers[2]
    assert isinstance(spokes, apps.SpokeDesigner) and app.boxes[2].children == (spokes.widget,)
    app.widget.selected_index = 0
    app.widget.selected_index = 2
    assert app.explorers[2] is spokes and len(plt.get_fignums()) == 2


def test_an_explorer_that_fails_says_so_in_its_tab(app, monkeypatch):
    def broken(**kw):
        raise RuntimeError("no <atlas> here")

    monkeypatch.setattr(apps, "ReferralExplorer", broken)
    app.widget.selected_index = 1
    assert app.explorers[1] is None
    text = app.boxes[1].children[0].value
    assert "Could not open this explorer" in text and "&lt;atlas&gt;" in text and "<atlas>" not in text
    app.widget.selected_index = 3  # the other tabs still open
    assert isinstance(app.explorers[3], apps.RollExplorer)


def test_close_closes_every_figure():
    a = StudentApp(render="image")
    a.widget.selected_index = 4
    assert len(plt.get_fignums()) == 2
    a.close()
    assert plt.get_fignums() == []
    a.widget.selected_index = 2  # closed: no explorer is built any more
    assert 2 not in a.explorers
