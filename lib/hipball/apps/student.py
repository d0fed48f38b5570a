"""The code-free student app: every explorer in one row of tabs (notebooks/student_app.ipynb,
served by ``hipball app`` through Voila).

Voila starts one kernel per page view, so start-up stays cheap: a tab builds its explorer the
first time it is shown. A tab whose explorer fails to open says so inside the tab (escaped),
and the other tabs still work.
"""

from __future__ import annotations

import ipywidgets as widgets

from hipball.apps.base import esc

# tab title -> app class in hipball.apps (the order of the tabs)
TABS = (("Anatomy", "AnatomyExplorer"), ("Referral", "ReferralExplorer"), ("Spokes", "SpokeDesigner"),
        ("Rolling", "RollExplorer"), ("Ball & surface", "BallSurfaceExplorer"), ("Handout", "HandoutPreview"))


class StudentApp:
    """``StudentApp()`` shows the tabs with the first explorer open; ``app.explorers[i]`` is the
    explorer of tab ``i`` once opened (None if it failed to open), ``app.close()`` closes all."""

    def __init__(self, **app_kws):
        self._app_kws = app_kws  # passed to each explorer (e.g. render="image")
        self.boxes = [widgets.VBox([widgets.HTML(f"<p>Opening the {esc(title)} explorer ...</p>")])
                      for title, _ in TABS]
        self.widget = widgets.Tab(children=self.boxes, titles=[title for title, _ in TABS])
        self.explorers: dict[int, object | None] = {}
        self.widget.observe(self._on_select, names="selected_index")
        self.open(self.widget.selected_index or 0)

    def _on_select(self, change) -> None:
        if change["new"] is not None:
            self.open(change["new"])

    def open(self, index: int):
        """Build tab ``index``'s explorer unless it is open already; returns it (None on failure)."""
        if index not in self.explorers:
            from hipball import apps

            try:
                explorer = getattr(apps, TABS[index][1])(**self._app_kws)
            except Exception as exc:  # shown in the tab, never lost
                self.explorers[index] = None
                self.boxes[index].children = [widgets.HTML(
                    f"<p class='hipball-error'>Could not open this explorer: {esc(repr(exc))}</p>")]
            else:
                self.explorers[index] = explorer
                self.boxes[index].children = [explorer.widget]
        return self.explorers[index]

    def close(self) -> None:
        self.widget.unobserve(self._on_select, names="selected_index")
        for explorer in self.explorers.values():
            if explorer is not None:
                explorer.close()
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
