"""The ``hipball`` command line.

Each sub-command lives in the module that owns its subject and exposes two functions:
``configure(parser)`` adds its arguments and ``run(args) -> int`` does the work. This file
only lists them, so ``hipball --help`` stays fast (modules import when a command runs).
argparse (standard library) is enough here: no extra dependency, no import cost.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "figures": ("hipball.draw.plates", "write every plate to figures/ (SVG, PDF, 300 dpi PNG)"),
    "handouts": ("hipball.handouts.command", "render printable handouts for a client or a class"),
    "lookup": ("hipball.referral_cli", "rank the trigger points that could refer pain to the given regions"),
    "app": ("hipball.launch", "start the code-free student app (Voila) on 127.0.0.1 and print its URL"),
    "lab": ("hipball.launch", "open JupyterLab on the course notebooks (127.0.0.1, URL with token)"),
    "doctor": ("hipball.launch", "check that the kernel's ipywidgets/ipympl match the JupyterLab front end"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hipball",
        description="Teach the hip ball routine: anatomy plates, referral charts, apps and handouts.",
    )
    from hipball import __version__

    parser.add_argument("--version", action="version", version=f"hipball {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(_module=module)
        importlib.import_module(module).configure(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return int(importlib.import_module(args._module).run(args) or 0)
    except ValueError as exc:  # user mistakes: one clear line, no traceback
        print(f"hipball {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
