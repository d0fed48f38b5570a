"""HandoutPreview: pick a handout's parameters and see the page as it will print.

No matplotlib figure of its own: the page is rendered by the handout pipeline itself
(``hipball.handouts.page.render_png``, the same Typst source as the PDF) into an ``Image``
widget, so what the instructor sees is what ``hipball handouts`` prints. Parameters are checked
by the handouts' own schema (``params.validate``); every problem is listed in the error area.
Pages are cached per parameter set; the figures are cached by the pipeline (a new side or set
of trigger points takes about a second, anything else tens of milliseconds).
"""

from __future__ import annotations

import json
from collections import OrderedDict

import ipywidgets as widgets

from hipball.apps.base import App, esc, fit_layout, labelled

PPI = 60
PAGE_CACHE = 16


def _params():
    from hipball.handouts import params

    return params


PREVIEW_PX = 440  # the page preview's width: a Letter page and its controls fit a 1366x768 projector


class HandoutPreview(App):
    """The client handout, previewed as it will print, from the parameters a roster holds."""

    uses_figure = False

    def __init__(self, *, render: str = "image", ppi: float = PPI, **values):
        self._start = dict(_params().defaults(), **values)
        self.ppi = ppi
        self.pages: list[bytes] = []
        self._cache: OrderedDict = OrderedDict()
        super().__init__(render="image")

    def build(self) -> None:
        p = _params()
        s = self._start
        names = {}
        try:
            from hipball import referral

            names = {t.trp_id: f"{referral.muscles()[t.muscle_id].display_name}, {t.name}" for t in referral.trigger_points()}
        except ImportError:  # pragma: no cover - referral is part of the package
            pass
        text = dict(continuous_update=False, layout=widgets.Layout(width="330px"))
        self.client = widgets.Text(value=s["client"], placeholder="empty: a class handout", **text)
        self.therapist = widgets.Text(value=s["therapist"], **text)
        self.side = widgets.ToggleButtons(options=list(p.SIDES), value=s["side"], style={"button_width": "70px"})
        self.trigger_points = widgets.SelectMultiple(options=[(names.get(t, t), t) for t in p.trigger_point_ids()],
                                                     value=tuple(s["trigger_points"]), rows=7,
                                                     layout=widgets.Layout(width="330px"))
        self.ball = widgets.Dropdown(options=list(p.balls()), value=s["ball"], layout=widgets.Layout(width="160px"))
        self.surface = widgets.Dropdown(options=list(p.surfaces()), value=s["surface"],
                                        layout=widgets.Layout(width="160px"))
        self.level = widgets.ToggleButtons(options=list(p.LEVELS), value=s["level"], style={"button_width": "100px"})
        self.paper = widgets.ToggleButtons(options=list(p.PAPERS), value=s["paper"], style={"button_width": "70px"})
        self.large_print = widgets.Checkbox(value=bool(s["large_print"]), description="Large print", indent=False)
        self.notes = widgets.Textarea(value=s["notes"], rows=3, continuous_update=False,
                                      layout=widgets.Layout(width="330px"))
        self.page = widgets.ToggleButtons(options=[("Page 1", 0)], value=0, style={"button_width": "70px"})
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{PREVIEW_PX}px", max_width="100%",
                                                                     border="1px solid #999"))
        self.controls = [self.client, self.therapist, self.side, self.trigger_points, self.ball, self.surface,
                         self.level, self.paper, self.large_print, self.notes]
        for w in self.controls:
            self.observe(w, self.refresh)
        self.observe(self.page, self._show_page)

    def layout(self) -> widgets.Widget:
        left = widgets.VBox([labelled("Client", self.client), labelled("Therapist", self.therapist),
                             labelled("Side", self.side), labelled("Trigger points (none: the standard set)",
                                                                   self.trigger_points),
                             widgets.HBox([labelled("Ball", self.ball), labelled("Surface", self.surface)]),
                             labelled("Level", self.level), labelled("Paper", self.paper), self.large_print,
                             labelled("Notes to the client", self.notes)])
        return fit_layout([left, self.error], [self.page, self.status, self.image], figure_width_px=PREVIEW_PX)

    def values(self) -> dict:
        return {"client": self.client.value, "therapist": self.therapist.value, "side": self.side.value,
                "trigger_points": list(self.trigger_points.value), "ball": self.ball.value,
                "surface": self.surface.value, "level": self.level.value, "paper": self.paper.value,
                "large_print": self.large_print.value, "notes": self.notes.value}

    def update(self) -> None:
        p = _params()
        checked = p.validate(self.values(), unknown="error")
        if checked.errors:
            raise ValueError("The handout cannot be made:\n" + "\n".join(f"- {e}" for e in checked.errors))
        key = json.dumps(checked.values, sort_keys=True, default=str)
        if key not in self._cache:
            from hipball.handouts.page import render_png

            self._cache[key] = render_png(checked.values, ppi=self.ppi)
            while len(self._cache) > PAGE_CACHE:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        self.pages = self._cache[key]
        options = [(f"Page {i + 1}", i) for i in range(len(self.pages))]
        if list(self.page.options) != options:
            with self.page.hold_trait_notifications():
                self.page.options = options
                self.page.value = min(self.page.value or 0, len(options) - 1)
        self.status.value = (f"<span style='font-size:90%'>{len(self.pages)} page(s), {esc(checked.values['paper'])}. "
                             "Print the class with <code>hipball handouts --roster class.csv</code>.</span>")
        self._show_page()

    def _show_page(self) -> None:
        if self.pages:
            self.image.value = self.pages[min(self.page.value or 0, len(self.pages) - 1)]

    def render(self) -> None:  # the page image is set in update()
        pass
