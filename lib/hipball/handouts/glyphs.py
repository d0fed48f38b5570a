"""Which characters the handout can print, so that a name is never printed as empty boxes.

The page's text fonts are DejaVu Sans (shipped with matplotlib) followed by every family
found in ``HIPBALL_FONT_DIR`` (a folder, or several joined with ``os.pathsep``; e.g. one
holding Noto Sans CJK). A character is printable when the regular face of one of those
families has it in its character map (read with fontTools, which matplotlib depends on).

Deliberately left out: Typst's embedded fonts (Libertinus Serif, New Computer Modern,
DejaVu Sans Mono: typst-py gives no file to read their character maps from) and matplotlib's
"Last Resort" font (it maps every character to a box, which is the problem). So the check
may refuse a rare character one of those could have drawn; it never accepts one that would
print as a box.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

BASE_FAMILIES = ("DejaVu Sans",)
LAST_RESORT = "Last Resort High-Efficiency"
FONT_DIR_ENV = "HIPBALL_FONT_DIR"
SHOWN = 8  # characters named in one error message


def matplotlib_font_dir() -> str | None:
    spec = find_spec("matplotlib")
    if spec and spec.submodule_search_locations:
        return str(Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf")
    return None


def extra_dirs() -> tuple[str, ...]:
    """The folders named in HIPBALL_FONT_DIR (in order; empty entries ignored). A named
    folder that does not exist is a ValueError naming it (it was silently ignored, and names
    it was meant to print failed with a misleading message)."""
    dirs = tuple(p for p in os.environ.get(FONT_DIR_ENV, "").split(os.pathsep) if p.strip())
    for d in dirs:
        if not Path(d).expanduser().is_dir():
            raise ValueError(f"{FONT_DIR_ENV}: {d!r} is not a folder; point it at a folder of font files "
                             "(.ttf, .otf), or unset it")
    return dirs


def font_dirs() -> tuple[str, ...]:
    base = matplotlib_font_dir()
    return ((base,) if base else ()) + extra_dirs()


@lru_cache(maxsize=8)
def book(dirs: tuple[str, ...]):
    """The Typst font book for ``dirs`` (no system fonts; Typst's embedded fonts included)."""
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=list(dirs))


def _regular_faces(dirs: tuple[str, ...]) -> dict[str, object]:
    """family -> the FontInfo Typst picks for upright, weight 400 text (file fonts only)."""
    best: dict[str, object] = {}
    for f in book(dirs).fonts():
        if f.path is None or f.family == LAST_RESORT:
            continue
        key = (f.style != "normal", abs(f.weight - 400), f.path, f.index)
        old = best.get(f.family)
        if old is None or key < (old.style != "normal", abs(old.weight - 400), old.path, old.index):
            best[f.family] = f
    return best


@lru_cache(maxsize=8)
def _families(dirs: tuple[str, ...]) -> tuple[str, ...]:
    faces = _regular_faces(dirs)
    extra = dirs[1:] if dirs and dirs[0] == matplotlib_font_dir() else dirs
    mine = sorted({fam for fam, f in faces.items()
                   if any(Path(f.path).resolve().is_relative_to(Path(d).resolve()) for d in extra)})
    return tuple(fam for fam in BASE_FAMILIES if fam in faces) + tuple(f for f in mine if f not in BASE_FAMILIES)


def text_families() -> tuple[str, ...]:
    """The page's text font list, in order: DejaVu Sans, then HIPBALL_FONT_DIR's families."""
    return _families(font_dirs())


@lru_cache(maxsize=8)
def _coverage(dirs: tuple[str, ...]) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    faces = _regular_faces(dirs)
    out: set[int] = set()
    for fam in _families(dirs):
        f = faces[fam]
        try:
            font = TTFont(f.path, fontNumber=f.index, lazy=True)
            out |= set(font.getBestCmap() or {})
            font.close()
        except Exception:  # an unreadable font file simply adds nothing
            continue
    return frozenset(out)


def coverage() -> frozenset[int]:
    """Code points the handout's text fonts can draw."""
    return _coverage(font_dirs())


def missing(text: str) -> list[str]:
    """The distinct characters of ``text`` that no text font can draw, in order of appearance
    (spaces and line breaks are layout, not glyphs)."""
    if not text or (text.isascii() and text.isprintable()):
        return []
    have = coverage()
    out: list[str] = []
    for ch in text:
        if ch in "\n\t " or ch in out:
            continue
        if ord(ch) not in have:
            out.append(ch)
    return out


def describe(chars: list[str]) -> str:
    """'张 (U+5F20), 伟 (U+4F1F)', at most SHOWN of them."""
    shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:SHOWN])
    return shown + (f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN else "")
