"""The ``hipball`` command line: one module per command in this package.

    lookup    hipball.cli.lookup     which trigger points could explain the pain
    figures   hipball.cli.figures    every plate to figures/
    handouts  hipball.cli.handouts   printable handouts for a client or a class
    app, lab  hipball.cli.serve      the student app (Voila) / JupyterLab on 127.0.0.1
    doctor    hipball.cli.doctor     kernel and front end versions agree?

Each module exposes ``configure(parser, command)`` (adds its arguments; ``command`` is the
name it was registered under, so one module can serve two) and ``run(args) -> int``. This
file only lists them; the modules import their heavy dependencies inside ``run``, so
``hipball --help`` stays fast. argparse (standard library) is enough: no extra dependency.
User mistakes raise ValueError: one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "figures": ("hipball.cli.figures", "write every plate to figures/ (SVG, PDF, 300 dpi PNG)"),
    "handouts": ("hipball.cli.handouts", "render printable handouts for one client (--client) or a class (--roster)"),
    "lookup": ("hipball.cli.lookup", "rank the trigger points that could refer pain to the given regions"),
    "app": ("hipball.cli.serve", "start the code-free student app (Voila) on 127.0.0.1 and print its URL"),
    "lab": ("hipball.cli.serve", "open JupyterLab on the course notebooks (127.0.0.1, URL with token)"),
    "doctor": ("hipball.cli.doctor", "check that the kernel's ipywidgets/ipympl match the JupyterLab front end"),
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
        importlib.import_module(module).configure(p, name)
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
