"""``hipball lookup REGION... [--side right|left] [--limit N]``: which trigger points could
explain the pain? Prints the ranked table of :func:`hipball.referral.candidates`."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser, command: str = "lookup") -> None:
    parser.add_argument("regions", nargs="+", metavar="REGION",
                        help="where it hurts: body-chart region ids, e.g. lateral_thigh lateral_leg")
    from hipball.frame import SIDES

    parser.add_argument("--side", choices=SIDES, default="right", help="which side hurts")
    parser.add_argument("--limit", type=int, default=10, help="show at most this many rows, 1 or more (default 10)")


def run(args: argparse.Namespace) -> int:
    from hipball.referral import candidates

    if args.limit < 1:
        raise ValueError(f"--limit: {args.limit} is not allowed (1 or more rows)")
    result = candidates(list(args.regions), side=args.side)  # unknown ids raise ValueError
    print(result.table(args.limit))
    if result:
        best = result[0]
        print("\nwhy the first: " + "; ".join(str(w) for w in best.why))
    return 0
