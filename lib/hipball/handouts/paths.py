"""Where handouts are written: safe file names, nothing outside the output folder, and
atomic writes (an interrupted run leaves no half-written file), every file mode 0600."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

MAX_SLUG = 60
GENERIC = "class-handout"
PRIVATE_MODE = 0o600   # every client-data file in --out: readable by its owner only
# Letters that Unicode NFKD does not decompose into an ASCII letter plus accents.
_TRANSLIT = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŋ": "ng", "Ŋ": "NG", "ĸ": "k",
})


def slug(name: str) -> str:
    """A file-name-safe, lowercase ASCII slug of a client's name.

    'Ann O'Neil' -> 'ann-oneil'; 'Łukasiewicz' -> 'lukasiewicz'; '../../etc/passwd' ->
    'etc-passwd'. Names with no Latin
    letters get a stable short id from their text ('client-3f2a9c1b') rather than nothing.
    An empty name is the generic class handout."""
    name = (name or "").strip()
    if not name:
        return GENERIC
    ascii_ = unicodedata.normalize("NFKD", name.translate(_TRANSLIT)).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"['\u2019`]", "", ascii_.lower())
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:MAX_SLUG].strip("-")
    if not s:
        s = "client-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return s


def anonymous_id(row: int) -> str:
    """The file name used with --anonymize: the roster row, no part of the name."""
    return f"client-{row:03d}"


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing anything that would land outside ``out_dir``."""
    base = Path(out_dir).resolve()
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"unsafe file name {name!r}")
    target = (base / name).resolve()
    if target.parent != base:
        raise ValueError(f"{name!r} would be written outside {base}")
    return target


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder + os.replace: readers see the old file
    or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def create_private(path: Path) -> None:
    """Create (or truncate) ``path`` as an empty file with PRIVATE_MODE, so that a writer that
    opens it afterwards (papermill) keeps those permissions whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_MODE)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


WORK_PREFIX = ".hipball-work-"   # a page's private work folder (page.py), inside --out


def clean_partials(out_dir: Path) -> int:
    """Remove leftovers of an interrupted run (``.*.part``, ``.*.part.ipynb``, a page's
    ``.hipball-work-*`` folder). Links are removed, never followed. Returns how many."""
    import shutil

    n = 0
    for p in [*Path(out_dir).glob(".*.part"), *Path(out_dir).glob(".*.part.ipynb"),
              *Path(out_dir).glob(WORK_PREFIX + "*")]:
        try:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
            n += 1
        except OSError:
            pass
    return n
