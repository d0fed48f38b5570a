"""The handout's pictures, drawn once per distinct key and kept in memory.

A class shares most pictures: the anatomy plate depends only on (side, trigger points), the
rolling picture on the side, the referral map on (side, trigger points). The batch runs every
client in one kernel, so this cache is shared by the whole class.

SVG output is byte-stable: a fixed ``svg.hashsalt``, no date in the metadata, text as paths.
Panels whose drawing module has not landed yet are drawn as a clearly marked placeholder; the
swap to the real call is in this file only.

(This is the one module of handouts/ that imports matplotlib, through Figure objects only:
no pyplot, no global state.)
"""

from __future__ import annotations

import io
from contextlib import nullcontext
from functools import lru_cache

SVG_RC = {"svg.hashsalt": "hipball-handout", "svg.fonttype": "path", "path.simplify": True}
HATCH_GRAY = "#777777"


def _figure(w_in: float, h_in: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(w_in, h_in), layout=None)


def _theme():
    try:
        from hipball.draw.theme import theme
    except ImportError:
        return nullcontext()
    return theme("handout")


def _to_svg(fig) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(SVG_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "hipball"}, transparent=True,
                    bbox_inches="tight", pad_inches=0.03)
    return buf.getvalue()


def _placeholder(ax, what: str, needs: str) -> None:
    """A panel that says plainly what is missing (never mistaken for a real drawing)."""
    from matplotlib.patches import Rectangle

    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.add_patch(Rectangle((0.01, 0.01), 0.98, 0.98, fill=False, hatch="//", edgecolor="#bbbbbb", lw=0))
    ax.add_patch(Rectangle((0.01, 0.01), 0.98, 0.98, fill=False, edgecolor="#555555", lw=1.2, ls="--"))
    ax.text(0.5, 0.56, "PLACEHOLDER", ha="center", va="center", fontsize=11, weight="bold",
            color="#333333", bbox=dict(fc="white", ec="none"))
    ax.text(0.5, 0.42, f"{what}\n(waiting for {needs})", ha="center", va="center", fontsize=7.5,
            color="#333333", bbox=dict(fc="white", ec="none"))


def _sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side == "both" else (side,)


@lru_cache(maxsize=64)
def anatomy_svg(side: str, trigger_points: tuple[str, ...]) -> str:
    """Posterior view of the hip(s) with the spoke pattern on the client's side and their
    trigger points marked."""
    fig = _figure(3.4, 3.3)
    sides = _sides(side)
    # both sides: the left hip on the viewer's left, as seen from behind
    axes = [fig.add_axes((i / len(sides), 0, 1 / len(sides), 1)) for i in range(len(sides))]
    with _theme():
        try:
            from hipball.draw.anatomy import draw_hip
        except ImportError:
            _placeholder(axes[0], "anatomy plate, back view,\nspokes on the " + side + " side", "hipball.draw.anatomy")
            return _to_svg(fig)
        for ax, s in zip(axes, sides):
            draw_hip(view="posterior", side=s, labels=len(sides) == 1, ax=ax, title=False, credit=False)
            _spokes(ax, s)
            _trigger_points(ax, trigger_points, s, view="posterior")
            if len(sides) > 1:
                ax.text(0.5, 0.99, f"{s} hip", transform=ax.transAxes, ha="center", va="top", weight="bold")
    return _to_svg(fig)


def _spokes(ax, side: str) -> None:
    """The spoke pattern around the default hub (hipball.spokes). Drawn here with plain lines
    until hipball.draw.spokes.draw_spokes lands (then that call is used)."""
    try:
        from hipball.spokes import spoke_pattern
    except ImportError:
        ax.text(0.5, 0.02, "PLACEHOLDER: spokes\n(waiting for hipball.spokes)", transform=ax.transAxes,
                ha="center", va="bottom", fontsize=6, color="#333333", bbox=dict(fc="white", ec="#555555", ls="--"))
        return
    pattern = spoke_pattern(side=side, view="posterior")
    try:
        from hipball.draw.technique import draw_spokes
    except ImportError:
        draw_spokes = None
    if draw_spokes is not None:
        draw_spokes(pattern, ax=ax, numbers=False, lw=2.0)
        return
    for sp in pattern.spokes:  # interim drawing: red (Okabe-Ito vermillion), solid, arrow-less
        ax.plot([sp.start[0], sp.end[0]], [sp.start[1], sp.end[1]], color="#D55E00", lw=2.0,
                solid_capstyle="round", zorder=12)
    for hub in pattern.hubs:
        ax.plot(*hub.xy, "o", ms=6, mfc="white", mec="#D55E00", mew=2.0, zorder=13)


def _trigger_points(ax, trigger_points, side: str, view: str) -> None:
    """An X on each of the client's trigger points (only theirs)."""
    try:
        from hipball.draw.referral import draw_trigger_points
        from hipball.referral import trigger_point
    except ImportError:
        ax.text(0.5, 0.93, "PLACEHOLDER: trigger points\n(waiting for hipball.draw.referral)",
                transform=ax.transAxes, ha="center", va="top", fontsize=6, color="#333333",
                bbox=dict(fc="white", ec="#555555", ls="--"))
        return
    muscles = sorted({trigger_point(t).muscle_id for t in trigger_points})
    art = draw_trigger_points(muscles, view=view, side=side, ax=ax, labels=False, ms=7, mew=2.2)
    for trp, marker in list(art.markers.items()):
        if trp not in trigger_points:
            marker.remove()


@lru_cache(maxsize=8)
def rolling_svg(side: str) -> str:
    """Rolling onto the side to reach the front corner: the hip's cross-section with the ball
    at the angle that reaches the anterior gluteus minimus (hipball.roll). The page's caption
    carries the words, so the figure keeps only the picture and its front/back/side marks."""
    fig = _figure(3.2, 2.3)
    ax = fig.add_axes((0, 0, 1, 1))
    s = "right" if side == "both" else side
    with _theme():
        from hipball.draw.technique import draw_roll_section
        from hipball.roll import angle_to_reach, cross_section

        art = draw_roll_section(angle_to_reach("gluteus_minimus.anterior", s), side=s, ax=ax)
        art.title.set_visible(False)
        art.under.set_visible(False)
        for t in art.front_back:
            t.set_fontsize(9)
        xy = art.rotation.transform(cross_section(side=s).outline)  # the section as drawn
        ax.set_xlim(xy[:, 0].min() - 1.0, xy[:, 0].max() + 1.0)
        ax.set_ylim(-2 * art.ball.radius - 1.5, xy[:, 1].max() + 1.0)
        ax.set_axis_off()
    return _to_svg(fig)


@lru_cache(maxsize=64)
def referral_svg(side: str, trigger_points: tuple[str, ...]) -> str:
    """Where the client's trigger points send pain: back and side views, legend beside them."""
    fig = _figure(7.2, 3.9)
    axes = [fig.add_axes((0.0, 0, 0.3, 1)), fig.add_axes((0.3, 0, 0.3, 1))]
    key = fig.add_axes((0.6, 0, 0.4, 1))
    key.set_axis_off()
    with _theme():
        from hipball.draw.referral import draw_referral

        s = "right" if side == "both" else side
        for ax, view in zip(axes, ("posterior", "lateral")):
            art = draw_referral(list(trigger_points), view=view, side=s, ax=ax, legend=(view == "lateral"),
                                labels=False)
            ax.set_axis_off()
            ax.set_title("from behind" if view == "posterior" else "from the side", fontsize=8)
            if art.legend is not None:  # move the legend into its own column, bigger
                handles, labels = art.legend.legend_handles, [t.get_text() for t in art.legend.get_texts()]
                art.legend.remove()
                key.legend(handles, labels, loc="center left", fontsize=7.5, frameon=False,
                           handlelength=2.2, handleheight=1.5)
    return _to_svg(fig)


def clear_cache() -> None:
    for f in (anatomy_svg, rolling_svg, referral_svg):
        f.cache_clear()
