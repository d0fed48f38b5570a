"""Scales for the three places plates appear: ``screen`` (notebooks, widgets), ``handout``
(printed pages, smaller type) and ``slide`` (projected, bigger type and lines). Like seaborn's
plotting contexts, a theme is a context manager; drawing functions never change rcParams."""

from __future__ import annotations

from contextlib import contextmanager
from importlib import resources

import matplotlib as mpl
import matplotlib.style

from hipball._choices import check_choice

THEMES = ("screen", "handout", "slide")
_SCALE = {"screen": 1.0, "handout": 0.8, "slide": 1.45}


def style_path() -> str:
    return str(resources.files("hipball") / "data" / "styles" / "hipball.mplstyle")


def rc_for(name: str) -> dict:
    check_choice("theme", name, THEMES)
    s = _SCALE[name]
    return {
        "font.size": 10 * s,
        "axes.titlesize": 13 * s,
        "legend.fontsize": 8.5 * s,
        "lines.linewidth": 1.5 * s,
        "hatch.linewidth": 0.6 * max(s, 0.8),
    }


@contextmanager
def theme(name: str = "screen"):
    """``with theme("handout"): draw_hip(...)``: apply hipball's style at one of its scales."""
    check_choice("theme", name, THEMES)
    with mpl.style.context(style_path()), mpl.rc_context(rc_for(name)):
        yield
