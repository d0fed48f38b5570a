"""The clinic's logo: checked before anything is rendered, and made small enough for print.

A logo is printed 1.2 cm high in the header. What is accepted (``check``): a regular file,
found after following any symbolic link, of at most ``MAX_BYTES``, that really is a PNG,
JPEG or GIF image (decoded with Pillow, which matplotlib already depends on) of at most
``MAX_PIXELS``, or an SVG document (XML whose root is ``<svg>``, no DTD). A ``.png`` that is
not an image, or a link to ``/etc/passwd``, is a bad value of the column ``logo``, reported
with the row, never a failure inside the typesetter.

For print (``for_print``) a raster logo is downscaled to at most ``PRINT_PX`` (about 600 dpi
at its printed size) and written as PNG into the page's private work folder, so a 50 MB
photograph does not make a 50 MB handout.
"""

from __future__ import annotations

from pathlib import Path

MAX_BYTES = 5_000_000
MAX_PIXELS = 40_000_000
PRINT_PX = (1600, 300)          # width, height: 1.2 cm high is ~280 px at 600 dpi
RASTER = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif"}
SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg")


def check(value: str, base_dir=None) -> tuple[str, str]:
    """(the absolute path to use, "") for a good logo; ("", why not) otherwise. The path is
    the one given (made absolute), never a link's target: that stays out of every message."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = (Path(base_dir) if base_dir is not None else Path.cwd()) / path
    if path.suffix.lower() not in SUFFIXES:
        return "", f"is not a {', '.join(SUFFIXES)} file"
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "", "does not exist (an image file path, or empty)"
    if not real.is_file():
        return "", "is not a file (an image file path, or empty)"
    if real.suffix.lower() not in SUFFIXES or (real.suffix.lower() == ".svg") != (path.suffix.lower() == ".svg"):
        return "", "is a link to something that is not an image file of its kind"
    size = real.stat().st_size
    if size > MAX_BYTES:
        return "", f"is {size / 1e6:.1f} MB; a logo may be at most {MAX_BYTES // 1_000_000} MB"
    why = _svg_problem(real) if real.suffix.lower() == ".svg" else _raster_problem(real)
    return ("", why) if why else (str(path.absolute()), "")


def _raster_problem(path: Path) -> str:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            if im.format not in RASTER:
                return f"is a {im.format} image; use PNG, JPEG, GIF or SVG"
            if im.width * im.height > MAX_PIXELS:
                return f"is {im.width} x {im.height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels"
            im.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "is not a readable PNG, JPEG or GIF image"
    return ""


def _svg_problem(path: Path) -> str:
    import xml.etree.ElementTree as ET

    data = path.read_bytes()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return "is an SVG with a DTD or entities; save it as plain SVG"
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return "is not a readable SVG document"
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return "is not an SVG document"
    return ""


def print_name(path: str) -> str:
    """The logo's file name in the page's work folder (``for_print`` writes it)."""
    return "logo.svg" if Path(path).suffix.lower() == ".svg" else "logo.png"


def for_print(path: str, folder: Path) -> str:
    """Write the logo for print into ``folder`` (checked again: the file may have changed
    since ``check``) and return its file name there."""
    good, why = check(path)
    if why:
        raise ValueError(f"logo: {Path(path).name!r} {why}")
    real = Path(good).resolve(strict=True)
    if real.suffix.lower() == ".svg":
        (folder / print_name(path)).write_bytes(real.read_bytes())
        return print_name(path)
    from PIL import Image

    with Image.open(real) as im:
        im.load()
        im = im.convert("RGBA")
        im.thumbnail(PRINT_PX, Image.LANCZOS)
        im.save(folder / print_name(path), format="PNG", optimize=True)
    return print_name(path)
