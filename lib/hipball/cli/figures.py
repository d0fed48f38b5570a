"""``hipball figures``: every plate to figures/ (the plates themselves: hipball.draw.plates)."""

from __future__ import annotations

import argparse
from pathlib import Path

from hipball.draw.plates import FORMATS  # cheap: plates imports matplotlib only when drawing


def configure(parser: argparse.ArgumentParser, command: str = "figures") -> None:
    parser.add_argument("--out", type=Path, default=Path("figures"), help="folder to write into (default: figures/)")
    parser.add_argument("--only", metavar="TEXT", help="only plates whose name contains TEXT")
    parser.add_argument("--format", choices=FORMATS, action="append", dest="formats",
                        help="write only this format (repeatable; default: svg, pdf and png)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    from hipball.draw.plates import write_plates

    written = write_plates(args.out, only=args.only, formats=tuple(args.formats or FORMATS), progress=not args.quiet)
    if not written:
        raise ValueError(f"--only {args.only!r} matches no plate")
    print(f"wrote {len(written)} files to {args.out}/")
    return 0
