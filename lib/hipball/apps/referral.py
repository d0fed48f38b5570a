"""ReferralExplorer: where trigger points send pain, and which ones could explain a client's.

In place: the body chart of each (view, side) is drawn once and switched by visibility (the
static background). ``update_referral`` (the drawing layer's own update) shows the selected
trigger points' zones on a chart: each drawn once, then shown, hidden and restyled as
``draw_referral`` styles them, with their labels and the legend. The clicked points are one line
whose data grows; they and the regions picked are the dynamic layer, blitted over the cached
chart and zones. While the student looks, the other chart is pre-drawn (``App.idle_step``).
The ranked candidates are an HTML table beside the chart.
"""

from __future__ import annotations

import re

import ipywidgets as widgets
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch

from hipball import referral
from hipball._choices import check_choice
from hipball.frame import CHART_WORDS, chart_options, check_side, check_view, side_options
from hipball.apps.base import App, esc, fit_layout, html_table, labelled
from hipball.draw.referral import ReferralArtists, draw_body_chart, geometry_path, update_referral

TOP = 5
MAX_CLICKS = 60
LEGEND_PT = 10  # readable from the back of a room (issue 10.3)


def trp_title(trp_id: str) -> str:
    tp = referral.trigger_point(trp_id)
    return f"{referral.muscles()[tp.muscle_id].display_name}, {tp.name}"


def subject_options() -> list[tuple[str, str]]:
    """Muscles (all their trigger points) and single trigger points, for a SelectMultiple."""
    out = []
    names = referral.muscles()
    for mid in referral.muscle_ids():
        tps = referral.trigger_points(mid)
        if len(tps) > 1:
            out.append((f"{names[mid].display_name}: all {len(tps)} trigger points", mid))
        for tp in tps:
            out.append((f"{names[mid].display_name}, {tp.name} TrP", tp.trp_id))
    return out


def resolve_trps(selection) -> list[str]:
    """Trigger point ids from a selection of muscle ids and trigger point ids."""
    out = []
    for item in selection:
        if item in referral.muscle_ids():
            out += [t.trp_id for t in referral.trigger_points(item)]
        else:
            out.append(check_choice("trigger point", item, referral.trp_ids()))
    return list(dict.fromkeys(out))


_ZONE_WORDS = {"essential": "main zone", "spillover": "occasional zone"}


def why_text(w) -> str:
    """One reason in plain words ("outer thigh, back chart: 80% in the main zone"), not the
    ids of ``referral.Why`` (notebooks can still print ``c.why`` for the ids)."""
    place = referral.region_names().get(w.pain, w.pain)
    return f"{place}, {CHART_WORDS.get(w.view, w.view)}: {w.fraction:.0%} in the {_ZONE_WORDS.get(w.kind, w.kind)}"


def plain_message(msg: str) -> str:
    """The ranking's note for a student's screen: the app's buttons instead of code arguments."""
    msg = re.sub(r"look it up with side='(\w+)'", lambda m: f"choose Side: {m.group(1).capitalize()} above", msg)
    return msg.replace("look it up without view= or on the other chart", "look at the other chart")


def candidates_html(cands, source: str) -> str:
    if not cands:
        return f"<p><b>Candidates</b> ({esc(source)}): {esc(plain_message(cands.message))}</p>"
    rows = []
    for i, c in enumerate(cands[:TOP], 1):
        why = "; ".join(why_text(w) for w in c.why[:2]) + (" ..." if len(c.why) > 2 else "")
        rows.append([str(i), trp_title(c.trp_id), f"{c.score:.2f}", why])
    out = html_table(["#", "Trigger point", "Score", "Why"], rows,
                     caption=f"Could explain it (top {min(TOP, len(cands))} of {len(cands)}, {source})")
    if cands.message:
        out += f"<p style='font-size:90%'>{esc(plain_message(cands.message))}</p>"
    return out


class ReferralExplorer(App):
    """Pick muscles or trigger points to see their referral zones; click where it hurts (or
    pick regions) to rank the trigger points that could explain it."""

    figsize = (6.6, 7.6)

    def __init__(self, trigger_points=("gluteus_minimus.anterior",), view: str = "posterior", side: str = "right",
                 *, render: str = "auto", figsize: tuple[float, float] | None = None):
        check_view(view, referral.VIEWS)
        check_side(side)
        sel = [trigger_points] if isinstance(trigger_points, str) else list(trigger_points)
        resolve_trps(sel)
        self._start = dict(selection=tuple(sel), view=view, side=side)
        super().__init__(render=render, figsize=figsize)

    def build(self) -> None:
        s = self._start
        self.view = widgets.ToggleButtons(options=chart_options(), value=s["view"],
                                          description="Chart", style={"button_width": "auto", "description_width": "56px"})
        self.side = widgets.ToggleButtons(options=side_options(), value=s["side"],
                                          description="Side", style={"button_width": "auto", "description_width": "56px"})
        self.subjects = widgets.SelectMultiple(options=subject_options(), value=s["selection"], rows=9,
                                               layout=widgets.Layout(width="100%"))
        names = referral.region_names()
        self.regions = widgets.SelectMultiple(options=[(names[r], r) for r in referral.region_ids()], rows=7,
                                              layout=widgets.Layout(width="100%"))
        self.clear = widgets.Button(description="Clear the pain marks", icon="eraser")
        self.show_top = widgets.Button(description="Show the top 3 zones", icon="eye")
        self.candidates_html = widgets.HTML(layout=widgets.Layout(width="auto"))
        for w in (self.view, self.side):
            self.observe(w, self._on_chart_change)
        self.observe(self.subjects, self.refresh)
        self.observe(self.regions, self._on_regions)
        self.on_click(self.clear, self._on_clear)
        self.on_click(self.show_top, self._on_show_top)
        self.ax = self.fig.add_axes((0.02, 0.22, 0.96, 0.76))
        self.charts: dict = {}
        self.zones: dict = {}  # (view, side) -> ReferralArtists of that chart (update_referral)
        self.region_patches: dict = {}
        self.clicks: list[tuple[float, float]] = []
        self.cands = referral.candidates(None)
        (self.click_marks,) = self.ax.plot([], [], "o", ms=10, mfc="white", mec="black", mew=2.2, zorder=12)
        self.click_marks.set_gid("pain-clicks")
        self.dynamic = [self.click_marks]
        self.connect("button_press_event", self.on_press)
        self._chart(s["view"], s["side"])
        self._update_candidates()

    def layout(self) -> widgets.Widget:
        hint = widgets.HTML("<i>Click on the chart where it hurts, or pick regions below.</i>")
        for b in (self.clear, self.show_top):  # the whole label, never cut short
            b.layout = widgets.Layout(width="auto", margin="2px 6px 2px 0")
        buttons = widgets.Box([self.clear, self.show_top], layout=widgets.Layout(flex_flow="row wrap"))
        return fit_layout([self.view, self.side, labelled("Referral zones of", self.subjects), hint,
                           labelled("Where it hurts (regions)", self.regions), buttons, self.error,
                           self.candidates_html], [self.figure_widget], figure_width_px=self.figure_width_px())

    def static_key(self) -> tuple:
        # the zones and the legend are part of the cached background: a click or a region
        # picked only redraws the marks over it
        return (self.view.value, self.side.value, tuple(self.selected_trps()))

    def idle_states(self) -> list:
        view, side, trps = self.static_key()
        return [(v, side, trps) for v in referral.VIEWS if v != view]

    def show_static(self, state) -> None:
        """One chart with the zones of the trigger points ``state`` names, and its legend."""
        view, side, trps = state
        _, xlim, ylim = self._chart(view, side)
        for key, (art, _, _) in self.charts.items():
            for a in [art.skin, *art.details]:
                a.set_visible(key == (view, side))
        self.ax.set_xlim(*xlim)
        self.ax.set_ylim(*ylim)
        for key, zones in self.zones.items():
            if key != (view, side):
                update_referral(zones, (), view=key[0], side=key[1], ax=self.ax, labels=False, legend=False)
        zones = self.zones.setdefault((view, side), ReferralArtists(None))
        extra = ([Line2D([], [], marker="o", mfc="white", mec="black", mew=2.0, ls="none"),
                  Patch(facecolor="none", edgecolor="black", hatch="xx", ls=(0, (4, 2)))],
                 ["where it hurts (clicks)", "where it hurts (regions)"])
        entries = len(trps) + (3 if trps else 0) + len(extra[0])
        update_referral(zones, trps, view=view, side=side, ax=self.ax, legend_extra=extra, fontsize=LEGEND_PT,
                        ncols=1 if entries <= 5 else 2)
        zones.legend.set_zorder(20)

    # ------------------------------------------------------------------ groups
    def _chart(self, view: str, side: str):
        if (view, side) not in self.charts:
            art = draw_body_chart(view=view, side=side, ax=self.ax)
            self.charts[(view, side)] = (art, self.ax.get_xlim(), self.ax.get_ylim())
        return self.charts[(view, side)]

    def _region_patch(self, rid: str, view: str, side: str):
        key = (rid, view, side)
        if key not in self.region_patches:
            path = geometry_path(referral.region_geometry(rid, view, side))
            p = None
            if path is not None:
                p = PathPatch(path, facecolor="none", edgecolor="black", hatch="xx", lw=1.8, ls=(0, (4, 2)),
                              hatchcolor="#333333", zorder=9)
                p.set_gid(f"pain-region:{rid}")
                self.ax.add_patch(p)
                self.add_dynamic([p])
            self.region_patches[key] = p
        return self.region_patches[key]

    # ------------------------------------------------------------------ callbacks
    def _on_chart_change(self) -> None:
        if self.clicks:  # clicks belong to the chart they were made on
            self.clicks = []
        self._update_candidates()
        self.refresh()

    def _on_regions(self) -> None:
        self._update_candidates()
        self.refresh()

    def _on_clear(self) -> None:
        self.clicks = []
        self.regions.value = ()
        self._update_candidates()
        self.refresh()

    def _on_show_top(self) -> None:
        if not self.cands:
            raise ValueError("No candidates yet: click on the chart where it hurts, or pick regions.")
        self.subjects.value = tuple(c.trp_id for c in self.cands[:3])

    def on_press(self, event) -> None:
        """A click on the chart marks a point of pain (ignored while the toolbar pans or zooms)."""
        toolbar = getattr(self.fig.canvas, "toolbar", None)
        if event.inaxes is not self.ax or event.xdata is None or str(getattr(toolbar, "mode", "") or ""):
            return
        if len(self.clicks) >= MAX_CLICKS:
            raise ValueError(f"At most {MAX_CLICKS} points: clear the marks to start again.")
        self.clicks.append((float(event.xdata), float(event.ydata)))
        self._update_candidates()
        self.refresh()

    def _update_candidates(self) -> None:
        view, side = self.view.value, self.side.value
        if self.clicks:
            self.cands = referral.candidates(self.clicks, side=side, view=view)
            source = f"from {len(self.clicks)} clicked point(s)"
        else:
            self.cands = referral.candidates(list(self.regions.value), side=side)
            source = "from the regions picked" if self.regions.value else "nothing marked yet"
        self.candidates_html.value = candidates_html(self.cands, source)

    # ------------------------------------------------------------------ update
    def selected_trps(self) -> list[str]:
        return resolve_trps(self.subjects.value)

    def update(self) -> None:
        view, side = self.view.value, self.side.value
        self.show_static((view, side, tuple(self.selected_trps())))
        for key, p in self.region_patches.items():
            if p is not None:
                p.set_visible(False)
        for rid in self.regions.value:
            if rid in referral.region_ids(view):
                p = self._region_patch(rid, view, side)
                if p is not None:
                    p.set_visible(True)
        self.click_marks.set_data([p[0] for p in self.clicks], [p[1] for p in self.clicks])
