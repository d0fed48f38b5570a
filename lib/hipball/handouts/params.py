"""The handout's parameters: one schema used by the notebook's validation cell, the roster
reader and the command line, so that a value is judged the same way everywhere.

``validate(values)`` never raises for a user mistake: it returns the cleaned values and a list
of ``ParamError`` (column, value given, what is allowed, one clear message each). The notebook
calls ``validated(globals())``, which stops the notebook with those messages only (no
traceback) when any value is bad.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from hipball._choices import closest
from hipball.frame import HANDOUT_SIDES as SIDES

LEVELS = ("beginner", "experienced")
PAPERS = ("letter", "a4")

MAX_NAME = 120      # characters for client, therapist
MAX_CLINIC = 200
MAX_NOTES = 1200    # the longest note accepted; normal print keeps its pages, large print may add one (page.py)


@dataclass(frozen=True)
class Param:
    name: str
    type: str            # "str", "float", "int", "bool", "list"
    default: Any
    help: str
    allowed: tuple[str, ...] | None = None
    range: tuple[float, float, str] | None = None   # lo, hi, unit
    roster: bool = True  # is it a roster column?


def trigger_point_ids() -> tuple[str, ...]:
    """Every trigger-point id a roster may name."""
    from hipball.referral import trp_ids

    return tuple(trp_ids())


def standard_trigger_points() -> tuple[str, ...]:
    """The set marked when a handout names none."""
    from hipball.referral import standard_set

    return tuple(standard_set())


def _dose_param(name: str, type_: str, what: str, unit: str) -> Param:
    """A dose parameter whose range and help come from data/dosage.csv (one fact, one place)."""
    from hipball.dosage import dose_span, dose_span_text

    lo, hi, _ = dose_span(name)
    return Param(name, type_, None, f"{what}, {dose_span_text(name)}; None for the level's default",
                 range=(lo, hi, unit))


def schema() -> tuple[Param, ...]:
    from hipball.pressure import BALLS, SURFACES

    return (
        Param("client", "str", "", "the client's name as printed; empty for a generic class handout"),
        Param("side", "str", "right", " | ".join(SIDES), allowed=SIDES),
        Param("trigger_points", "list", [], "trigger-point ids, e.g. gluteus_minimus.anterior; empty for the standard set"),
        Param("ball", "str", "tennis", " | ".join(BALLS), allowed=BALLS),
        Param("surface", "str", "bed", " | ".join(SURFACES), allowed=SURFACES),
        Param("level", "str", "beginner", "beginner | experienced", allowed=LEVELS),
        _dose_param("hold_s", "float", "seconds on each tender spot", " s"),
        _dose_param("session_min", "float", "minutes per hip per session", " min"),
        _dose_param("sessions_per_day", "int", "sessions a day", ""),
        Param("notes", "str", "", "the therapist's words to the client, printed exactly as written"),
        Param("therapist", "str", "", "the therapist's name, printed in the contact box"),
        Param("clinic", "str", "", "clinic name and phone, printed in the contact box"),
        Param("logo", "str", "", "optional path to a PNG, JPEG or SVG logo for the header"),
        Param("paper", "str", "letter", "letter | a4", allowed=PAPERS),
        Param("large_print", "bool", False, "True for bigger text (low vision)"),
        Param("output_pdf", "str", "handout.pdf", "where the PDF is written (set by `hipball handouts`; not a roster column)", roster=False),
        Param("anonymize", "bool", False, "True: no client name anywhere (a blank name line to write on); set by `hipball handouts --anonymize`", roster=False),
    )


def names(roster_only: bool = False) -> tuple[str, ...]:
    return tuple(p.name for p in schema() if p.roster or not roster_only)


def defaults() -> dict[str, Any]:
    return {p.name: (list(p.default) if isinstance(p.default, list) else p.default) for p in schema()}


# Columns whose values are client data (or may contain it): with --anonymize, their values
# are never echoed (not in messages, not in summary.json).
PRIVATE_COLUMNS = frozenset({"client", "notes", "therapist", "clinic", "logo", "(row)"})
# Columns that hold text printed on the handout, checked against the fonts (glyphs.py).
PRINTED_TEXT = ("client", "notes", "therapist", "clinic")


@dataclass
class ParamError:
    column: str
    value: Any
    message: str
    allowed: str = ""
    anon: str = ""   # the message without any client-supplied text (used with --anonymize)

    def __post_init__(self) -> None:
        # keep a bounded copy only: errors travel into summary.json and onto the screen
        if not isinstance(self.value, _SCALARS) or (isinstance(self.value, str) and len(self.value) > 200):
            self.value = short(self.value, 60)

    def __str__(self) -> str:
        return self.message

    def public(self, anonymize: bool) -> str:
        """The message to show: with ``anonymize``, never a client-supplied value."""
        if not anonymize or not self.private:
            return self.message
        return self.anon or f"{self.column}: this value cannot be used (not shown because of --anonymize; " \
                            "run without --anonymize to see it)"

    @property
    def private(self) -> bool:
        return self.column in PRIVATE_COLUMNS


@dataclass
class Checked:
    """Values after validation and the errors found (``validate``); ``row``: the roster row
    they came from (``roster.check_rows``), None for values given directly."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[ParamError] = field(default_factory=list)
    row: Any = None  # hipball.handouts.roster.Row

    @property
    def ok(self) -> bool:
        return not self.errors


_TRUE = {"true", "yes", "y", "1", "on", "x"}
_FALSE = {"false", "no", "n", "0", "off", ""}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_SCALARS = (str, int, float, bool, type(None))


def short(value: Any, n: int = 40) -> str:
    """A short, bounded description of ``value`` for a message. Text and numbers are shown
    (cut to ``n`` characters); anything else only by its kind and size: a value read from
    a roster may be huge (a YAML alias graph), and repr() of it would be too."""
    if isinstance(value, str):
        s = repr(value[:n])
    elif isinstance(value, _SCALARS):
        s = repr(value)
    elif isinstance(value, (list, tuple, dict, set)):
        kind = {list: "a list", tuple: "a list", dict: "a mapping", set: "a set"}[
            next(t for t in (dict, set, tuple, list) if isinstance(value, t))]
        return f"{kind} of {len(value)} item{'s' if len(value) != 1 else ''}"
    else:
        return f"a {type(value).__name__} value"
    return s if len(s) <= n else s[: n - 3] + "..."


_short = short


def _allowed_text(allowed) -> str:
    return ", ".join(allowed)


def _choice(p: Param, value: Any, errors: list[ParamError]) -> Any:
    if not isinstance(value, _SCALARS):
        errors.append(ParamError(p.name, value, f"{p.name}: {short(value)} is not one of: {_allowed_text(p.allowed)}",
                                 _allowed_text(p.allowed)))
        return p.default
    v = str(value).strip() if value is not None else ""
    if v.lower() in p.allowed:
        return v.lower()
    msg = _with_hint(f"{p.name}: {_short(value)} is not one of: {_allowed_text(p.allowed)}", v.lower(), p.allowed)
    errors.append(ParamError(p.name, value, msg, _allowed_text(p.allowed)))
    return p.default


def _number(p: Param, value: Any, errors: list[ParamError]) -> Any:
    lo, hi, unit = p.range
    allowed = f"{lo:g} to {hi:g}{unit}"
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "default")):
        return None
    if isinstance(value, bool):
        x = None
    else:
        try:
            x = float(str(value).strip()) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            x = None
    if x is None:
        errors.append(ParamError(p.name, value, f"{p.name}: {_short(value)} is not a number (allowed {allowed})", allowed))
        return None
    if not (lo <= x <= hi):
        errors.append(ParamError(p.name, value, f"{p.name}: {_short(value)} is outside the allowed range {allowed}", allowed))
        return None
    if p.type == "int":
        if x != int(x):
            errors.append(ParamError(p.name, value, f"{p.name}: {_short(value)} is not a whole number (allowed {allowed})", allowed))
            return None
        return int(x)
    return x


def _bool(p: Param, value: Any, errors: list[ParamError]) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return bool(p.default)
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    v = str(value).strip().lower() if isinstance(value, _SCALARS) else "?"
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    errors.append(ParamError(p.name, value, f"{p.name}: {_short(value)} is not yes or no (allowed: true, false, yes, no, 1, 0)",
                             "true, false, yes, no, 1, 0"))
    return bool(p.default)


def _text(p: Param, value: Any, errors: list[ParamError]) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        errors.append(ParamError(p.name, value, f"{p.name}: {_short(value)} is not text", "text"))
        return ""
    v = unicodedata.normalize("NFC", str(value))
    if p.name != "notes":
        v = " ".join(v.split())          # one line: collapse newlines and runs of spaces
    else:
        v = v.replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = _CONTROL.search(v)
    if bad:
        msg = f"{p.name}: contains the control character U+{ord(bad.group()):04X}; use plain text"
        errors.append(ParamError(p.name, value, msg, "plain text", anon=msg))
        return ""
    limit = {"client": MAX_NAME, "therapist": MAX_NAME, "clinic": MAX_CLINIC, "notes": MAX_NOTES}.get(p.name, 4096)
    if len(v) > limit:
        msg = f"{p.name}: {len(v)} characters; at most {limit} fit on the handout"
        errors.append(ParamError(p.name, _short(value), msg, f"at most {limit} characters", anon=msg))
        return v[:limit]
    return v


def _printable(values: dict[str, Any], errors: list[ParamError]) -> None:
    """Every printed text field against the handout's fonts: a character no font has would
    print as an empty box, so the row fails with the characters and what to do instead."""
    from hipball.handouts import glyphs

    for name in PRINTED_TEXT:
        if name in ("client", "notes") and values.get("anonymize"):
            continue  # not printed with --anonymize
        text = values.get(name) or ""
        chars = glyphs.missing(text)
        if not chars:
            continue
        n = len(chars)
        fix = (f"set {glyphs.FONT_DIR_ENV} to a folder with a font that has "
               f"{'it' if n == 1 else 'them'} (e.g. Noto Sans CJK) and run again")
        fix += (", or use --anonymize (the name is then not printed)" if name == "client"
                else ", or leave those characters out")
        what = f"{n} character{'s' if n != 1 else ''}"
        errors.append(ParamError(
            name, text, f"{name}: cannot print {glyphs.describe(chars)} with the handout's fonts "
            f"(they would show as empty boxes): {fix}", "characters the handout's fonts have",
            anon=f"{name}: {what} cannot be printed with the handout's fonts (not shown because of "
                 f"--anonymize): {fix}"))


def _trigger_points(p: Param, value: Any, errors: list[ParamError]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items = [s.strip() for s in re.split(r"[;,\s]+", value) if s.strip()]
    elif isinstance(value, (list, tuple)) and len(value) <= 100 and all(isinstance(s, str) for s in value):
        items = [s.strip() for s in value if s.strip()]
    else:
        errors.append(ParamError(p.name, value, f"{p.name}: {_short(value)} is not a list of trigger-point ids", "a list of ids"))
        return []
    known = trigger_point_ids()
    out: list[str] = []
    for item in items:
        if item not in known:
            msg = _with_hint(f"{p.name}: {item!r} is not a known trigger point (allowed: {_allowed_text(known)})",
                             item, known)
            errors.append(ParamError(p.name, item, msg, _allowed_text(known)))
        elif item not in out:
            out.append(item)
    return out


def _with_hint(msg: str, value, allowed) -> str:
    """``msg`` plus " (did you mean 'x'?)" when hipball._choices.closest finds a near match."""
    hint = closest(value, allowed)
    return f"{msg} (did you mean {hint!r}?)" if hint else msg


def _logo(value: str, errors: list[ParamError], base_dir=None) -> str:
    if not value:
        return ""
    from hipball.handouts import logo

    path, why = logo.check(value, base_dir)
    if why:
        errors.append(ParamError("logo", value, f"logo: {short(value, 80)} {why}",
                                 "a PNG, JPEG, GIF or SVG file of at most "
                                 f"{logo.MAX_BYTES // 1_000_000} MB, or empty"))
    return path


def validate(values: dict[str, Any], *, base_dir=None, unknown: str = "error") -> Checked:
    """Check and clean a mapping of parameter values (missing names take the defaults).

    Strings are accepted for every type (a CSV gives only strings). ``base_dir`` resolves a
    relative logo path (the roster's folder). ``unknown`` = "error" or "ignore" for names
    that are not parameters.
    """
    out = Checked()
    known = {p.name: p for p in schema()}
    if unknown == "error":
        for name in values:
            if name not in known:
                msg = _with_hint(f"{name!r} is not a handout parameter (allowed: {', '.join(known)})", name, known)
                out.errors.append(ParamError(str(name), values[name], msg, ", ".join(known)))
    for p in schema():
        value = values.get(p.name, p.default)
        if p.allowed is not None:
            if value is None or (isinstance(value, str) and not value.strip()):
                value = p.default
            v = _choice(p, value, out.errors)
        elif p.range is not None:
            v = _number(p, value, out.errors)
        elif p.type == "bool":
            v = _bool(p, value, out.errors)
        elif p.type == "list":
            v = _trigger_points(p, value, out.errors)
        else:
            v = _text(p, value, out.errors)
        out.values[p.name] = v
    _printable(out.values, out.errors)
    if not out.errors or all(e.column != "logo" for e in out.errors):
        out.values["logo"] = _logo(out.values["logo"], out.errors, base_dir)
    if not any(e.column in ("level", "hold_s", "session_min", "sessions_per_day") for e in out.errors):
        _check_dose(out)
    if not out.values["output_pdf"]:
        out.values["output_pdf"] = "handout.pdf"
    return out


def _check_dose(out: Checked) -> None:
    """The level's own ranges (hipball.dosage): a beginner holds at most 60 s, for example."""
    try:
        from hipball.dosage import dose_ranges, dosage
    except ImportError:
        return
    v = out.values
    try:
        dosage(v["level"], hold_s=v["hold_s"], session_min=v["session_min"], sessions_per_day=v["sessions_per_day"])
    except ValueError as exc:
        msg = str(exc)
        column = msg.split(":", 1)[0] if msg.split(":", 1)[0] in ("hold_s", "session_min", "sessions_per_day") else "level"
        r = dose_ranges().get((v["level"], column))
        allowed = f"{r.min:g} to {r.max:g} {r.unit} for {v['level']}" if r else ""
        out.errors.append(ParamError(column, v.get(column), f"{msg} (for level {v['level']!r})", allowed))


class HandoutParameterError(ValueError):
    """Bad handout parameters. In a notebook, IPython shows only the messages (no traceback)."""

    def __init__(self, errors: list[ParamError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def _render_traceback_(self):  # IPython's hook: these lines replace the traceback
        n = len(self.errors)
        head = f"The handout was not made: {n} bad parameter value{'s' if n != 1 else ''}:"
        return [head] + [f"  - {e}" for e in self.errors]


def validated(namespace: dict[str, Any]) -> dict[str, Any]:
    """The notebook's validation cell: read the parameters from ``namespace`` (its globals),
    return the cleaned values, or stop with one clear message per bad value."""
    values = {name: namespace[name] for name in names() if name in namespace}
    checked = validate(values, unknown="ignore")
    if checked.errors:
        raise HandoutParameterError(checked.errors)
    return checked.values


_ANNOTATION = {"str": "str", "float": "Optional[float]", "int": "Optional[int]", "bool": "bool", "list": "list[str]"}


def parameters_cell() -> str:
    """The source of the notebook's ``parameters`` cell, generated from the schema (a test
    checks that notebooks/handout.ipynb matches it). One line per parameter with a typed
    default and a help comment, in the form ``papermill --help-notebook`` reads."""
    lines = ["# Parameters: papermill replaces these (see `papermill --help-notebook notebooks/handout.ipynb`).",
             "from typing import Optional", ""]
    for p in schema():
        assert "=" not in p.help, "papermill skips help comments that contain '='"
        lines.append(f"{p.name}: {_ANNOTATION[p.type]} = {p.default!r}  # {p.help}")
    return "\n".join(lines)
