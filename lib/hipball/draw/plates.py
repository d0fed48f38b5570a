"""``hipball figures``: write every plate to figures/ as SVG, PDF and 300 dpi PNG.

Output is deterministic (same bytes on every run): no dates in the PDF/PNG metadata, a fixed
SVG hash salt, and figures drawn from the shipped atlas only. Other parts of hipball add their
plates through ``PLATE_SOURCES`` (module path -> function yielding (stem, draw(fig))).
"""

from __future__ import annotations

import argparse
import importlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

FORMATS = ("svg", "pdf", "png")
PNG_DPI = 300
# every module listed here provides plates() -> iterator of (stem, figsize, draw(fig))
PLATE_SOURCES = [
    "hipball.draw.plates:anatomy_plates",
    "hipball.draw.technique:technique_plates",
    "hipball.draw.plates:referral_figure_plates",
]
METADATA = {
    "svg": {"Date": None, "Creator": "hipball"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "hipball", "Producer": "hipball"},
    "png": {"Software": "hipball"},
}


def anatomy_plates() -> Iterator[tuple[str, tuple[float, float], Callable]]:
    from hipball.atlas import SIDES, VIEWS
    from hipball.draw.anatomy import draw_hip

    for view in VIEWS:
        for side in SIDES:
            for depth in ("superficial", "deep"):
                def draw(fig, view=view, side=side, depth=depth):
                    ax = fig.add_axes((0.0, 0.03, 1.0, 0.92))
                    draw_hip(view, side, layers=("skin", "bones", depth), ax=ax)
                yield f"hip_{view}_{side}_{depth}", (9.0, 8.0), draw


def referral_figure_plates():
    """The referral charts (hipball.draw.referral yields (stem, draw(ax)); the figure size is
    chosen here: tall body charts)."""
    from hipball.draw.referral import referral_plates

    for stem, draw_ax in referral_plates():
        size = (9.0, 11.0) if stem.startswith("bodychart") else (6.5, 9.0)

        def draw(fig, draw_ax=draw_ax):
            ax = fig.add_axes((0.02, 0.12, 0.96, 0.83))  # room below for the legend
            draw_ax(ax=ax)
        yield stem, size, draw


def iter_plates(only: str | None = None):
    for spec in PLATE_SOURCES:
        module, func = spec.split(":")
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        for stem, size, draw in getattr(mod, func)():
            if only is None or only in stem:
                yield stem, size, draw


def _atomic_save(fig, path: Path, fmt: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".{fmt}")
    os.close(fd)
    try:
        kw = {"dpi": PNG_DPI} if fmt == "png" else {}
        fig.savefig(tmp, format=fmt, metadata=METADATA[fmt], **kw)
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


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("figures"), help="folder to write into (default: figures/)")
    parser.add_argument("--only", metavar="TEXT", help="only plates whose name contains TEXT")
    parser.add_argument("--format", choices=FORMATS, action="append", dest="formats",
                        help="write only this format (repeatable; default: svg, pdf and png)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    written = write_plates(args.out, only=args.only, formats=tuple(args.formats or FORMATS), progress=not args.quiet)
    if not written:
        raise ValueError(f"--only {args.only!r} matches no plate")
    print(f"wrote {len(written)} files to {args.out}/")
    return 0
