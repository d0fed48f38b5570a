"""``hipball figures``: write every plate to figures/ as SVG, PDF and 300 dpi PNG.

Output is deterministic (same bytes on every run): ``hipball.draw.export`` writes every file
(no dates in the metadata, a fixed SVG hash salt; the handouts' pictures use it too), and
figures are drawn from the shipped atlas only. Other parts of hipball add their plates through
``PLATE_SOURCES`` (module path -> function yielding (stem, figsize, draw(fig))).
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

FORMATS = ("svg", "pdf", "png")
# every module listed here provides plates() -> iterator of (stem, figsize, draw(fig))
PLATE_SOURCES = [
    "hipball.draw.plates:anatomy_plates",
    "hipball.draw.technique:technique_plates",
    "hipball.draw.plates:referral_figure_plates",
    "hipball.draw.position:position_plates",
]


def anatomy_plates() -> Iterator[tuple[str, tuple[float, float], Callable]]:
    from hipball.draw.anatomy import draw_hip
    from hipball.frame import SIDES, VIEWS

    for view in VIEWS:
        for side in SIDES:
            for depth in ("superficial", "deep"):
                def draw(fig, view=view, side=side, depth=depth):
                    ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
                    draw_hip(view, side, layers=("skin", "bones", depth), ax=ax)
                yield f"hip_{view}_{side}_{depth}", (9.0, 8.0), draw


def referral_figure_plates():
    """The body charts (numbered regions with a key) and the referral plates (one panel per
    referral pattern, from hipball.draw.referral)."""
    from hipball.bodychart import VIEWS as CHART_VIEWS
    from hipball.draw.referral import referral_plates

    for view in CHART_VIEWS:
        yield f"bodychart_{view}", (8.5, 9.0), lambda fig, view=view: numbered_body_chart(fig, view)
    yield from referral_plates()


def numbered_body_chart(fig, view: str, side: str = "right"):
    """The body chart with its named regions numbered in place and a key beside it."""
    from hipball import referral
    from hipball.draw.referral import draw_body_chart

    ax = fig.add_axes((0.0, 0.02, 0.5, 0.9))
    draw_body_chart(view=view, side=side, regions=True, names=False, ax=ax)
    ax.set_axis_off()
    names = referral.region_names()
    key = []
    for i, rid in enumerate(referral.region_ids(view), start=1):
        x, y = referral.region_label_point(rid, view, side)
        ax.text(x, y, str(i), ha="center", va="center", fontsize=7, fontweight="bold", color="#222222",
                bbox=dict(boxstyle="circle,pad=0.15", fc="white", ec="#777777", lw=0.6), zorder=5)
        key.append(f"{i:>2}  {names[rid]}  ({rid})")
    fig.text(0.52, 0.88, "\n".join(key), ha="left", va="top", fontsize=9, family="DejaVu Sans Mono",
             linespacing=1.5)
    from hipball.frame import VIEW_PHRASES

    fig.suptitle(f"Body chart regions, {VIEW_PHRASES[view]} "
                 f"({side} side): the words for where it hurts", fontweight="bold")


def iter_plates(only: str | None = None):
    for spec in PLATE_SOURCES:
        module, func = spec.split(":")
        for stem, size, draw in getattr(importlib.import_module(module), func)():
            if only is None or only in stem:
                yield stem, size, draw


def _atomic_save(fig, path: Path, fmt: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".{fmt}")
    os.close(fd)
    try:
        from hipball.draw.export import save

        save(fig, tmp, fmt)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_plates(out: Path, only: str | None = None, formats=FORMATS, progress: bool = True) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from tqdm import tqdm

    from hipball.draw.theme import theme

    out.mkdir(parents=True, exist_ok=True)
    written = []
    plates = list(iter_plates(only))
    for stem, size, draw in tqdm(plates, desc="plates", unit="plate", disable=not progress):
        with theme("screen"):
            fig = plt.figure(figsize=size)
            try:
                draw(fig)
                for fmt in formats:
                    path = out / f"{stem}.{fmt}"
                    _atomic_save(fig, path, fmt)
                    written.append(path)
            finally:
                plt.close(fig)
    return written

