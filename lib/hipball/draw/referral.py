"""Drawing trigger points and their pain-referral zones (matplotlib only here).

Travell & Simons's convention: the essential zone solid, the spillover zone stippled, the
trigger point an X. One trigger point is drawn in vermillion; several trigger points of one
muscle, or several muscles, each get their own Okabe-Ito colour *and* hatch, so the plate
still reads in grayscale. Geometry comes from :mod:`hipball.referral` and
:mod:`hipball.bodychart`; nothing is computed here but the conversion to patches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

from hipball import bodychart, referral
from hipball._choices import check_choice, choice_error

SKIN = "#F6E6DA"
SKIN_EDGE = "#6B4A3A"
# Okabe & Ito (2008) colour-blind-safe palette, vermillion first (the classic referral red).
OKABE_ITO = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
HATCHES = ("", "////", "\\\\\\\\", "xxx", "||", "--", "++", "oo")
STIPPLE = "...."


@dataclass
class Style:
    color: str
    hatch: str


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


def styles_for(trp_ids: list[str]) -> dict[str, Style]:
    """Colour and hatch per trigger point: one TrP is vermillion without hatch; TrPs of one
    muscle get one style per referral pattern; TrPs of several muscles one style per muscle."""
    muscles = list(dict.fromkeys(referral.trigger_point(t).muscle_id for t in trp_ids))
    if len(muscles) > 1:
        key = {t: referral.trigger_point(t).muscle_id for t in trp_ids}
    else:  # TrPs sharing one composite pattern (the two piriformis TrPs) share a style
        key = {t: referral.zone_signature(t) for t in trp_ids}
    keys = list(dict.fromkeys(key.values()))
    style = {k: Style(OKABE_ITO[i % len(OKABE_ITO)], HATCHES[i % len(HATCHES)]) for i, k in enumerate(keys)}
    return {t: style[key[t]] for t in trp_ids}


def _axes(ax):
    return plt.gca() if ax is None else ax


def draw_body_chart(*, view: str = "posterior", side: str = "right", regions=None, ax=None,
                    names: bool = False, color: str = SKIN, edgecolor: str = SKIN_EDGE) -> BodyChartArtists:
    """The skin outline (with gluteal folds and knee crease), optionally the named regions
    (``regions=True`` for all, or a list of ids) and their names."""
    check_choice("view", view, bodychart.VIEWS)
    check_choice("side", side, bodychart.SIDES)
    ax = _axes(ax)
    outline = bodychart.skin_outline(view, side)
    skin = PathPatch(Path(np.vstack([outline, outline[:1]]), closed=True), facecolor=color,
                     edgecolor=edgecolor, linewidth=1.2, zorder=1)
    ax.add_patch(skin)
    details = [ax.plot(*ln.T, color=edgecolor, lw=0.7, zorder=1.5, solid_capstyle="round")[0]
               for ln in bodychart.detail_lines(view, side)]
    art = BodyChartArtists(skin, details)
    if regions:
        ids = referral.region_ids(view) if regions is True else list(regions)
        for rid in ids:
            check_choice("region", rid, referral.region_ids(view))
        sides = ("right", "left") if view == "posterior" else (side,)
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
                    p = geom.representative_point()
                    art.names[rid] = ax.text(p.x, p.y, label_names[rid], fontsize=6, ha="center",
                                             va="center", color="#333333", zorder=6)
    minx, miny, maxx, maxy = bodychart.body_outline(view, side).bounds
    ax.set_xlim(minx - 2, maxx + 2)
    ax.set_ylim(miny - 2, maxy + 2)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return art


def draw_referral(subject, *, view: str = "posterior", side: str = "right", ax=None,
                  body: bool = True, legend: bool = True, labels: bool | None = None,
                  alpha: float = 0.85) -> ReferralArtists:
    """Referral zones of trigger points on the body chart.

    ``subject``: a trigger point id, a muscle id (all its trigger points) or a list of them.
    Essential zones are solid, spillover zones stippled, each trigger point an X where the
    view shows it; one legend entry per trigger point plus the key to the convention.
    """
    check_choice("view", view, bodychart.VIEWS)
    check_choice("side", side, bodychart.SIDES)
    trps = _resolve(subject)
    ax = _axes(ax)
    out = ReferralArtists(draw_body_chart(view=view, side=side, ax=ax) if body else None)
    out.styles = styles_for(trps)
    if labels is None:
        labels = len(trps) > 1
    halo = [pe.withStroke(linewidth=3.5, foreground="white")]
    zones = {t: referral.referral_zones(t, view, side) for t in trps}
    # larger essential zones underneath, so every trigger point's own zone stays visible
    order = sorted(trps, key=lambda t: -zones[t].essential.area)
    for i, trp in enumerate(order):
        st = out.styles[trp]
        z = 3 + 0.01 * i
        path = geometry_path(zones[trp].spillover)
        if path is not None:
            out.spillover[trp] = ax.add_patch(PathPatch(
                path, facecolor="none", edgecolor=st.color, hatchcolor=st.color, hatch=STIPPLE, lw=0.8,
                ls=(0, (2, 1.5)), zorder=z))
        path = geometry_path(zones[trp].essential)
        if path is not None:
            out.essential[trp] = ax.add_patch(PathPatch(
                path, facecolor=st.color, alpha=alpha, edgecolor=st.color, hatch=st.hatch or None,
                lw=0.8, zorder=z + 0.5))
    pts = {t: referral.trigger_point_xy(t, view, side) for t in trps}
    pts = {t: p for t, p in pts.items() if p is not None}
    for trp, xy in pts.items():
        (out.markers[trp],) = ax.plot(*xy, marker="x", color="black", ms=9, mew=2.6, ls="none",
                                      zorder=8, path_effects=halo)
    if labels:
        out.labels = _label_columns(ax, pts, gap_cm=3.0, margin_cm=5.0)
    if legend:
        names = referral.muscles()
        handles = []
        for trp in trps:
            tp, st = referral.trigger_point(trp), out.styles[trp]
            where = "" if trp in out.markers else " (not visible in this view)"
            handles.append(Patch(facecolor=st.color, edgecolor=st.color, hatch=st.hatch or None, alpha=alpha,
                                 label=f"{names[tp.muscle_id].display_name}, {tp.name} TrP{where}"))
        handles += [
            Patch(facecolor="#555555", edgecolor="#555555", label="essential zone (solid)"),
            Patch(facecolor="none", edgecolor="#555555", hatch=STIPPLE, label="spillover zone (stippled)"),
            Line2D([], [], marker="x", color="black", mew=2.2, ls="none", label="trigger point"),
        ]
        out.legend = ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                               fontsize=7, frameon=False, handlelength=2.2, handleheight=1.4, numpoints=1)
    return out


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
    check_choice("view", view, referral.TRP_VIEWS)
    check_choice("side", side, referral.SIDES)
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
    mid = float(np.median(xs)) if len(pts) > 1 else float(xs[0]) - 1.0
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


def referral_plates() -> Iterator[tuple[str, Callable]]:
    """(filename stem, draw(ax)) for each muscle's referral pattern on the posterior and
    lateral charts, and the two labelled body charts. Figure size is the caller's."""
    names = referral.muscles()
    for view in bodychart.VIEWS:
        def chart(ax=None, _view=view):
            art = draw_body_chart(view=_view, regions=True, names=True, ax=ax)
            art.skin.axes.set_title(f"Body chart regions ({_view} view)", fontsize=10)
            return art
        yield f"bodychart_{view}", chart
    for muscle in referral.muscle_ids():
        for view in bodychart.VIEWS:
            def plate(ax=None, _m=muscle, _view=view):
                art = draw_referral(_m, view=_view, ax=ax)
                title = f"{names[_m].display_name}: referred pain ({_view} view, right side)"
                (art.body.skin.axes if art.body else _axes(ax)).set_title(title, fontsize=10)
                return art
            yield f"referral_{muscle}_{view}", plate

