"""Drawing trigger points and their pain-referral zones (matplotlib only here).

Travell & Simons's convention: the essential zone solid, the spillover zone stippled, the
trigger point an X. One trigger point is drawn in vermillion; several trigger points of one
muscle, or several muscles, each get their own zone colour (palette.ZONE_COLOURS) *and* hatch, so the plate
still reads in grayscale; each trigger point's X takes its zone's colour and carries its
label. The plates give a muscle one panel per referral pattern (A, B, C), as the manual does.
Legend swatches are made from the same style dictionaries as the fills (:func:`zone_style`),
so they are identical. Geometry comes from :mod:`hipball.referral` and
:mod:`hipball.bodychart`; nothing is computed here but the conversion to patches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

from hipball import bodychart, referral
from hipball._choices import check_choice, choice_error
from hipball.draw.palette import MARKERS, ZONE_COLOURS, darken
from hipball.frame import SIDES, VIEW_PHRASES, check_side, check_view

SKIN = "#F6E6DA"
SKIN_EDGE = "#6B4A3A"
HATCHES = ("", "////", "\\\\\\\\", "xxx", "||", "--", "++", "oo")
STIPPLE = "...."
ESSENTIAL_ALPHA = 0.85
SPILL_DARKEN = 0.3
PANEL_LETTERS = "ABCDEFGH"


HATCH_SHADE = 0.55


@dataclass(frozen=True)
class Style:
    """How one trigger point is drawn: its zones' colour and hatch, its marker, and how the
    hatch prints (its colour: the zone's times ``hatch_shade``; its line width, None for
    matplotlib's). Hashable: trigger points that share a look share an entry of a key."""
    color: str
    hatch: str
    marker: str = "X"
    hatch_shade: float = HATCH_SHADE
    hatch_lw: float | None = None


@dataclass
class BodyChartArtists:
    skin: PathPatch
    details: list = field(default_factory=list)
    regions: dict = field(default_factory=dict)  # region id -> PathPatch
    names: dict = field(default_factory=dict)  # region id -> Text


@dataclass
class ReferralArtists:
    body: BodyChartArtists | None
    essential: dict = field(default_factory=dict)  # trp id -> PathPatch
    spillover: dict = field(default_factory=dict)  # trp id -> PathPatch
    markers: dict = field(default_factory=dict)  # trp id -> Line2D (the X)
    labels: dict = field(default_factory=dict)  # trp id -> Text
    legend: object | None = None
    styles: dict = field(default_factory=dict)  # trp id -> Style


@dataclass
class TriggerPointArtists:
    markers: dict = field(default_factory=dict)  # trp id -> Line2D
    labels: dict = field(default_factory=dict)  # trp id -> Annotation


def geometry_path(geom) -> Path | None:
    """A shapely (Multi)Polygon as one matplotlib Path (holes included), or None if empty."""
    if geom is None or geom.is_empty:
        return None
    polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and g.area > 0]
    paths = []
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            codes = np.full(len(xy), Path.LINETO)
            codes[0], codes[-1] = Path.MOVETO, Path.CLOSEPOLY
            paths.append(Path(xy, codes))
    return Path.make_compound_path(*paths) if paths else None


def _resolve(subject) -> list[str]:
    """Trigger point ids from a trp id, a muscle id, or a list of them."""
    items = [subject] if isinstance(subject, str) else list(subject)
    trps, tps, muscles = [], referral.trp_ids(), referral.muscle_ids()
    for item in items:
        if item in tps:
            trps.append(item)
        elif item in muscles:
            trps += [t.trp_id for t in referral.trigger_points(item)]
        else:
            raise choice_error("trigger point or muscle", item, [*muscles, *tps])
    return list(dict.fromkeys(trps))


def styles_for(trp_ids: list[str], *, per_pattern: bool = False, **look) -> dict[str, Style]:
    """A Style per trigger point: one TrP is vermillion without hatch; TrPs of one muscle get
    one style per referral pattern; TrPs of several muscles one style per muscle (the plates).
    ``per_pattern``: one style per referral pattern whatever the muscle (the handout's map,
    where each of a client's spots has a colour of its own). Either way TrPs that share a
    pattern (the two piriformis TrPs) share colour and hatch and differ by marker: the first
    an X, the next a plus, then a diamond (MARKERS). ``look``: Style's print fields
    (``hatch_shade``, ``hatch_lw``)."""
    muscles = list(dict.fromkeys(referral.trigger_point(t).muscle_id for t in trp_ids))
    if len(muscles) > 1 and not per_pattern:
        key = {t: referral.trigger_point(t).muscle_id for t in trp_ids}
    else:
        key = {t: referral.zone_signature(t) for t in trp_ids}
    keys = list(dict.fromkeys(key.values()))
    out, seen = {}, {}
    for t in trp_ids:
        i, n = keys.index(key[t]), seen.get(key[t], 0)
        seen[key[t]] = n + 1
        out[t] = Style(ZONE_COLOURS[i % len(ZONE_COLOURS)], HATCHES[i % len(HATCHES)], MARKERS[n % len(MARKERS)],
                       **look)
    return out


def zone_style(kind: str, style: Style, alpha: float = ESSENTIAL_ALPHA) -> dict:
    """The patch keywords of a zone: the fill on the chart and its legend swatch use the same
    dictionary, so they look the same."""
    check_choice("kind", kind, referral.ZONE_KINDS)
    if kind == "essential":
        return dict(facecolor=style.color, edgecolor=style.color, alpha=alpha, hatch=style.hatch or None,
                    hatchcolor=darken(style.color, 1 - style.hatch_shade), linewidth=0.8,
                    hatch_linewidth=plt.rcParams["hatch.linewidth"] if style.hatch_lw is None else style.hatch_lw)
    # the stipple a shade darker than the fill, so a light zone colour still prints
    return dict(facecolor="none", edgecolor=spill_colour(style.color), hatchcolor=spill_colour(style.color),
                hatch=STIPPLE, linewidth=0.5)


def spill_colour(color):
    """A spillover zone's stipple and edge: the zone's colour a shade darker (palette.darken)."""
    return darken(color, SPILL_DARKEN)


def marker_style(style: Style) -> dict:
    """A trigger point's marker (an X; a plus or a diamond for a second or third point sharing
    the colour): filled in its zone's colour, black-edged, on a white halo."""
    return dict(marker=style.marker, ms=11 if style.marker in ("X", "P") else 9, mfc=style.color, mec="black",
                mew=1.1, ls="none", path_effects=[pe.withStroke(linewidth=3.0, foreground="white")])


def restyle_zones(art: "ReferralArtists", styles: dict) -> None:
    """Give drawn zones and markers new styles in place (apps switching selections)."""
    for trp, st in styles.items():
        art.styles[trp] = st
        for kind, patches in (("essential", art.essential), ("spillover", art.spillover)):
            if trp in patches:
                patches[trp].update(zone_style(kind, st))
        if trp in art.markers:
            art.markers[trp].set_markerfacecolor(st.color)
            art.markers[trp].set_marker(st.marker)


def zone_order(trps, view: str, side: str) -> list[str]:
    """Drawing order: larger essential zones underneath, so every trigger point's own zone stays
    visible."""
    area = {t: referral.referral_zones(t, view, side).essential.area for t in trps}
    return sorted(trps, key=lambda t: -area[t])


def trp_caption(trp: str) -> str:
    tp = referral.trigger_point(trp)
    return f"{referral.muscles()[tp.muscle_id].display_name}, {tp.name} TrP ({tp.label})"


def legend_handles(trps, styles: dict, view: str, side: str = "right", *, letters: dict | None = None) -> list:
    """Legend entries: per trigger point (or per pattern when ``letters`` names panels) its X,
    essential and spillover swatches, each identical to the chart's artists."""
    handles, labels = [], []
    for trp in trps:
        st = styles[trp]
        visible = referral.trigger_point_xy(trp, view, side) is not None
        where = "" if visible else " (not visible in this view)"
        z = referral.referral_zones(trp, view, side)
        parts = [Line2D([], [], **marker_style(st))] if visible else []
        if not z.essential.is_empty:
            parts.append(Patch(**zone_style("essential", st)))
        if not z.spillover.is_empty:
            parts.append(Patch(**zone_style("spillover", st)))
        prefix = f"{letters[trp]}  " if letters else ""
        handles.append(tuple(parts))
        labels.append(prefix + trp_caption(trp) + where)
    return handles, labels


def key_handles(style: Style) -> tuple[list, list]:
    """The key to the convention, drawn in ``style`` (the first trigger point's)."""
    return ([Patch(**zone_style("essential", style)), Patch(**zone_style("spillover", style)),
             Line2D([], [], **marker_style(style))],
            ["essential zone: felt by nearly everyone (solid)", "spillover zone: felt by some (stippled)",
             "trigger point"])


def add_legend(target, handles, labels, **kws):
    """A legend whose tuple entries show their swatches side by side."""
    opts = dict(loc="upper center", fontsize=7, frameon=False, handlelength=3.6, handleheight=1.4, numpoints=1,
                handler_map={tuple: HandlerTuple(ndivide=None, pad=0.4)})
    opts.update(kws)
    return target.legend(handles=handles, labels=labels, **opts)


def _axes(ax):
    return plt.gca() if ax is None else ax


def draw_body_chart(*, view: str = "posterior", side: str = "right", regions=None, ax=None,
                    names: bool = False, color: str = SKIN, edgecolor: str = SKIN_EDGE) -> BodyChartArtists:
    """The skin outline (with gluteal folds and knee crease), optionally the named regions
    (``regions=True`` for all, or a list of ids) and their names."""
    check_view(view, bodychart.VIEWS)
    check_side(side)
    ax = _axes(ax)
    outline = bodychart.skin_outline(view, side)
    skin = PathPatch(Path(np.vstack([outline, outline[:1]]), closed=True), facecolor=color,
                     edgecolor=edgecolor, linewidth=1.2, zorder=1)
    ax.add_artist(skin)  # the limits are set below from the outline's bounds
    details = [ax.plot(*ln.T, color=edgecolor, lw=0.7, zorder=1.5, solid_capstyle="round")[0]
               for ln in bodychart.detail_lines(view, side)]
    art = BodyChartArtists(skin, details)
    if regions:
        ids = referral.region_ids(view) if regions is True else list(regions)
        for rid in ids:
            check_choice("region", rid, referral.region_ids(view))
        sides = SIDES if view == "posterior" else (side,)
        label_names = referral.region_names()
        for s in sides:
            for rid in ids:
                geom = referral.region_geometry(rid, view, s)
                path = geometry_path(geom)
                if path is None:
                    continue
                patch = PathPatch(path, facecolor="none", edgecolor="#7a7a7a", lw=0.6, ls=(0, (3, 2)), zorder=2)
                ax.add_patch(patch)
                art.regions[rid if s == side else f"{rid}:{s}"] = patch
                if names and s == side:
                    x, y = referral.region_label_point(rid, view, s)
                    art.names[rid] = ax.text(x, y, label_names[rid], fontsize=6, ha="center",
                                             va="center", color="#333333", zorder=6)
    minx, miny, maxx, maxy = bodychart.body_outline(view, side).bounds
    ax.set_xlim(minx - 2, maxx + 2)
    ax.set_ylim(miny - 2, maxy + 2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return art


def draw_referral(subject, *, view: str = "posterior", side: str = "right", ax=None,
                  body: bool = True, legend: bool = True, labels: bool | None = None,
                  alpha: float = ESSENTIAL_ALPHA, styles: dict | None = None) -> ReferralArtists:
    """Referral zones of trigger points on the body chart.

    ``subject``: a trigger point id, a muscle id (all its trigger points) or a list of them.
    Essential zones are solid, spillover zones stippled, each trigger point an X in its zone's
    colour where the view shows it, with its label; one legend entry per trigger point (its X
    and swatches, identical to the fills) plus the key to the convention.
    """
    check_view(view, bodychart.VIEWS)
    check_side(side)
    trps = _resolve(subject)
    ax = _axes(ax)
    out = ReferralArtists(draw_body_chart(view=view, side=side, ax=ax) if body else None)
    out.styles = dict(styles) if styles else styles_for(trps)
    if labels is None:
        labels = True
    zones = {t: referral.referral_zones(t, view, side) for t in trps}
    # on a body chart the limits are already set: add_artist skips add_patch's pass over every
    # zone's curves to update data limits nobody reads (most of a handout's referral-map time)
    add = ax.add_artist if body else ax.add_patch
    for i, trp in enumerate(zone_order(trps, view, side)):
        st = out.styles[trp]
        z = 3 + 0.01 * i
        path = geometry_path(zones[trp].spillover)
        if path is not None:
            out.spillover[trp] = add(PathPatch(path, zorder=z, **zone_style("spillover", st)))
        path = geometry_path(zones[trp].essential)
        if path is not None:
            out.essential[trp] = add(PathPatch(path, zorder=z + 0.5, **zone_style("essential", st, alpha)))
    pts = {t: referral.trigger_point_xy(t, view, side) for t in trps}
    pts = {t: p for t, p in pts.items() if p is not None}
    for trp, xy in pts.items():
        (out.markers[trp],) = ax.plot(*xy, zorder=8, **marker_style(out.styles[trp]))
    if labels:
        out.labels = label_trigger_points(list(pts), view=view, side=side, ax=ax)
    if legend:
        handles, texts = legend_handles(trps, out.styles, view, side)
        kh, kt = key_handles(out.styles[trps[0]])
        out.legend = add_legend(ax, handles + kh, texts + kt, bbox_to_anchor=(0.5, 0.0))
    return out


def update_referral(art: ReferralArtists, subject, *, view: str = "posterior", side: str = "right", ax=None,
                    labels: bool = True, legend: bool = True, legend_extra=((), ()), **legend_kws) -> ReferralArtists:
    """Show another subject's referral zones with ``art`` (zones of one chart: view and side),
    in place, as draw_referral draws them: zones never drawn are drawn once (the chart's
    ``art`` keeps them, hidden when not asked for), the others are shown, hidden and restyled
    (``styles_for`` the new subject), larger essential zones go underneath, the trigger points
    shown carry their labels, and the legend is rebuilt (``legend_extra``: (handles, labels)
    added after the key; ``legend_kws`` for ``add_legend``). An empty subject hides them all.
    Start from ``ReferralArtists(None)`` or from draw_referral(..., body=False)."""
    check_choice("view", view, bodychart.VIEWS)
    check_choice("side", side, bodychart.SIDES)
    trps = _resolve(subject) if (subject if isinstance(subject, str) else list(subject)) else []
    ax = _axes(ax)
    styles = styles_for(trps) if trps else {}
    missing = [t for t in trps if t not in art.styles]
    if missing:
        new = draw_referral(missing, view=view, side=side, ax=ax, body=False, legend=False, labels=False,
                            styles={t: styles[t] for t in missing})
        for name in ("essential", "spillover", "markers", "styles"):
            getattr(art, name).update(getattr(new, name))
    for group in (art.essential, art.spillover, art.markers):
        for trp, a in group.items():
            a.set_visible(trp in styles)
    restyle_zones(art, styles)
    for i, trp in enumerate(zone_order(trps, view, side)):
        if trp in art.spillover:
            art.spillover[trp].set_zorder(3 + 0.01 * i)
        if trp in art.essential:
            art.essential[trp].set_zorder(3.5 + 0.01 * i)
    for a in art.labels.values():
        a.remove()
    art.labels = label_trigger_points(trps, view=view, side=side, ax=ax) if labels else {}
    if art.legend is not None:
        art.legend.remove()
        art.legend = None
    if legend:
        handles, texts = legend_handles(trps, styles, view, side) if trps else ([], [])
        if trps:
            kh, kt = key_handles(styles[trps[0]])
            handles, texts = handles + kh, texts + kt
        handles, texts = handles + list(legend_extra[0]), texts + list(legend_extra[1])
        if handles:
            art.legend = add_legend(ax, handles, texts, **{"bbox_to_anchor": (0.5, 0.0), **legend_kws})
    return art


def label_trigger_points(trps, *, view: str = "posterior", side: str = "right", ax=None) -> dict:
    """Labels for the trigger points a chart shows, placed together so they never overlap
    (apps that draw each trigger point's zones separately label them here, all at once)."""
    ax = _axes(ax)
    pts = {t: referral.trigger_point_xy(t, view, side) for t in trps}
    return _label_columns(ax, {t: p for t, p in pts.items() if p is not None}, gap_cm=3.0, margin_cm=5.0)


def _place_column(ys: list[float], gap: float) -> list[float]:
    """Label heights from the top down, at least ``gap`` apart, as close as possible to ys."""
    order = np.argsort(ys)[::-1]
    placed = np.empty(len(ys))
    last = np.inf
    for i in order:
        y = min(ys[i], last - gap)
        placed[i] = y
        last = y
    shift = max(0.0, float(np.mean(np.asarray(ys) - placed)) / 2)  # re-centre the column
    return list(placed + shift)


def draw_trigger_points(muscles=None, *, view: str = "posterior", side: str = "right", ax=None,
                        labels: bool = True, gap_cm: float = 2.2, color: str = "black",
                        **marker_kws) -> TriggerPointArtists:
    """An X per trigger point on an anatomy plate (any atlas view), labelled in two columns
    at the sides with leader lines, so labels never overlap the markers or each other."""
    check_view(view, referral.TRP_VIEWS)
    check_side(side)
    ax = _axes(ax)
    tps = referral.trigger_points(muscles)
    pts = {t.trp_id: referral.trigger_point_xy(t.trp_id, view, side) for t in tps}
    pts = {k: v for k, v in pts.items() if v is not None}
    out = TriggerPointArtists()
    halo = [pe.withStroke(linewidth=3.5, foreground="white")]
    kws = dict(marker="x", ms=8, mew=2.4, ls="none", color=color, zorder=8, path_effects=halo)
    kws.update(marker_kws)
    for trp, xy in pts.items():
        (out.markers[trp],) = ax.plot(*xy, **kws)
    if labels and pts:
        out.labels = _label_columns(ax, pts, gap_cm=gap_cm)
    return out


def _label_columns(ax, pts: dict, *, gap_cm: float = 2.2, margin_cm: float = 4.0) -> dict:
    """Short labels in two columns left and right of the points, at least ``gap_cm`` apart,
    joined to their points by leader lines."""
    out = {}
    if not pts:
        return out
    xs = np.array([p[0] for p in pts.values()])
    if len(pts) > 1:
        mid = float(np.median(xs))
    else:  # one label: on the side of the chart with more room
        lo, hi = ax.get_xlim()
        mid = float(xs[0]) + (1.0 if xs[0] > (lo + hi) / 2 else -1.0)
    columns = {"left": [k for k, p in pts.items() if p[0] < mid],
               "right": [k for k, p in pts.items() if p[0] >= mid]}
    for col, ids in columns.items():
        if not ids:
            continue
        ys = _place_column([pts[k][1] for k in ids], gap_cm)
        x_text = (xs.min() - margin_cm) if col == "left" else (xs.max() + margin_cm)
        for k, y in zip(ids, ys):
            out[k] = ax.annotate(
                referral.trigger_point(k).label, pts[k], xytext=(x_text, y), textcoords="data",
                ha="right" if col == "left" else "left", va="center", fontsize=7, zorder=9,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85),
                arrowprops=dict(arrowstyle="-", lw=0.6, color="#444444", shrinkA=1, shrinkB=4))
    return out


def referral_patterns(muscle: str) -> list[list[str]]:
    """A muscle's trigger points grouped by referral pattern (the two piriformis points share
    one composite pattern), in table order: one panel each."""
    groups: dict = {}
    for t in referral.trigger_points(muscle):
        groups.setdefault(referral.zone_signature(t.trp_id), []).append(t.trp_id)
    return list(groups.values())


@dataclass
class ReferralPanels:
    panels: list  # ReferralArtists, one per pattern
    letters: dict  # trp id -> panel letter
    legend: object


def draw_referral_panels(muscle: str, *, view: str = "posterior", side: str = "right", fig=None,
                         rect=(0.0, 0.16, 1.0, 0.78)) -> ReferralPanels:
    """A muscle's referral patterns as the manual shows them: one body chart per pattern,
    lettered A, B, C, each with its trigger point(s) marked and labelled, and one legend below
    whose swatches are the fills."""
    check_choice("muscle", muscle, referral.muscle_ids())
    fig = plt.gcf() if fig is None else fig
    groups = referral_patterns(muscle)
    trps = [t for g in groups for t in g]
    styles = styles_for(trps)
    letters = {t: PANEL_LETTERS[i] for i, g in enumerate(groups) for t in g}
    x0, y0, w, h = rect
    panels = []
    for i, group in enumerate(groups):
        ax = fig.add_axes((x0 + i * w / len(groups), y0, w / len(groups), h))
        art = draw_referral(group, view=view, side=side, ax=ax, legend=False, labels=True,
                            styles={t: styles[t] for t in group})
        if len(groups) > 1:
            names = ", ".join(referral.trigger_point(t).label for t in group)
            ax.set_title(f"{PANEL_LETTERS[i]}   {names}", fontsize=10, fontweight="bold", loc="center")
        panels.append(art)
    handles, texts = legend_handles(trps, styles, view, side, letters=letters if len(groups) > 1 else None)
    kh, kt = key_handles(styles[trps[0]])
    leg = add_legend(fig, handles + kh, texts + kt, bbox_to_anchor=(0.5, y0 - 0.005), fontsize=7.5,
                     ncols=1)
    return ReferralPanels(panels, letters, leg)


def referral_plates() -> Iterator[tuple[str, tuple[float, float], Callable]]:
    """(filename stem, figure size, draw(fig)) for each muscle's referral patterns on the
    posterior and lateral charts, one panel per pattern."""
    names = referral.muscles()
    for muscle in referral.muscle_ids():
        n = len(referral_patterns(muscle))
        for view in bodychart.VIEWS:
            panel_w = 2.7 if view == "posterior" else 3.0
            size = (max(5.0, panel_w * n + 0.4), 10.0)

            def plate(fig, _m=muscle, _view=view):
                art = draw_referral_panels(_m, view=_view, fig=fig, rect=(0.0, 0.17, 1.0, 0.72))
                where = VIEW_PHRASES[_view]
                fig.suptitle(f"{names[_m].display_name}: referred pain\n({where}, right side)", fontsize=12,
                             fontweight="bold", y=0.985, va="top")
                return art
            yield f"referral_{muscle}_{view}", size, plate
