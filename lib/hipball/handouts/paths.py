"""Where handouts are written: safe file names, nothing outside the output folder, and
atomic writes (an interrupted run leaves no half-written file), every file mode 0600.

File names are unique by construction: a client's file is the slug of their name, which has
only ``a-z``, ``0-9`` and ``-``; every name hipball makes up (a blank-name row, a name with no
Latin letters, an anonymized row, the class packet) contains ``_``, so no client's name can
ever produce it ("Class Handout Row003" -> class-handout-row003, a blank row 3 ->
class-handout_row003). Two clients whose slugs are equal are reported as duplicates."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

MAX_SLUG = 60
GENERIC = "class-handout"     # the stem of a blank-name row: GENERIC + "_row003"
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
    letters get a stable short id from their text ('client_3f2a9c1b') rather than nothing.
    An empty name is the generic class handout."""
    name = (name or "").strip()
    if not name:
        return GENERIC
    ascii_ = unicodedata.normalize("NFKD", name.translate(_TRANSLIT)).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"['\u2019`]", "", ascii_.lower())
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:MAX_SLUG].strip("-")
    if not s:
        s = "client_" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return s


def anonymous_id(row: int) -> str:
    """The file name used with --anonymize: the roster row, no part of the name."""
    return f"client_row{row:03d}"


def handout_stem(row: int, client: str, anonymize: bool = False) -> str:
    """The file stem of a roster row's handout (see the module docstring)."""
    if anonymize:
        return anonymous_id(row)
    return slug(client) if (client or "").strip() else f"{GENERIC}_row{row:03d}"


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing anything that would land outside ``out_dir``. The name
    itself is not resolved: a link of that name in --out is never followed (it is replaced)."""
    base = Path(out_dir).resolve()
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"unsafe file name {name!r}")
    return base / name


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
    if os.path.islink(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), PRIVATE_MODE)
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


LOCK = ".hipball.lock"


class locked:
    """Hold an exclusive lock on ``out_dir`` (a lock file in it) for one run: a second
    ``hipball handouts`` into the same folder stops at once with a clear message instead of
    rendering everything twice and overwriting the first run's files. POSIX only (fcntl);
    elsewhere no lock is taken."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / LOCK
        self.fd: int | None = None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return self
        if os.path.islink(self.path):
            os.unlink(self.path)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), PRIVATE_MODE)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise ValueError(f"--out: another `hipball handouts` is writing into {self.path.parent} right now; "
                             "wait for it to finish, or use another --out") from None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)   # releases the lock
            self.fd = None
        return False


def make_private(out_dir: Path) -> list[str]:
    """Make ``out_dir`` readable by its owner only (client data). Returns the warning to show
    when it was not (an existing folder others could read), or when it cannot be changed."""
    import stat

    mode = stat.S_IMODE(os.stat(out_dir).st_mode)
    if not mode & 0o077:
        return []
    mine = not hasattr(os, "getuid") or os.stat(out_dir).st_uid == os.getuid()
    # only a folder that is empty or already holds handouts is changed: --out . or --out ~/Documents
    # is the user's own folder, and its permissions are theirs to decide
    ours = not any(Path(out_dir).iterdir()) or any((Path(out_dir) / f).exists() for f in (LOCK, "summary.json"))
    if not (mine and ours):
        return [f"--out {out_dir} can be read by other users (mode {mode:04o}): the handouts in it are "
                "private (0600), but their names show; use a private folder"]
    os.chmod(out_dir, 0o700)
    return [f"--out {out_dir} could be read by other users (mode {mode:04o}): made private (0700)"]
