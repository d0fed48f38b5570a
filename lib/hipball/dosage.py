"""Dose, aftercare and red flags for the hip ball routine, from sourced tables.

``dosage()`` gives the recommendation the handout and the widgets show (beginner or
experienced, optionally adjusted by the therapist within the table's ranges); ``aftercare()``
and ``red_flags()`` give the rows the handout prints; ``evidence_caveat()`` says plainly what
the research does and does not show. Tables: ``data/dosage.csv``, ``data/aftercare.csv``,
``data/red_flags.csv`` (each row with a client line, an instructor line and a source).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hipball._choices import check_choice, check_range
from hipball._data import read_csv

LEVELS = ("beginner", "experienced")
PARAMETERS = ("hold_s", "strokes_per_spot", "session_min", "sessions_per_day", "intensity_0_10")
URGENCIES = ("urgent", "see_clinician", "local")  # local: keep the ball off that spot
BASES = ("sourced", "teaching_default")  # is a dose number from a source or a teaching default?
EVIDENCE_SOURCE_IDS = (
    "lu_2022_ischemic_compression_meta", "grabow_2018_roller_forces",
    "gulick_2011_ischemic_compression")


@dataclass(frozen=True)
class DoseRange:
    level: str
    parameter: str
    unit: str
    default: float
    min: float
    max: float
    client_text: str
    instructor_text: str
    basis: str  # sourced | teaching_default
    source_id: str


@dataclass(frozen=True)
class Dosage:
    level: str
    hold_s: float
    strokes_per_spot: int
    session_min: float
    sessions_per_day: int
    intensity_0_10: float
    lines: tuple[str, ...]  # plain language, for the client
    instructor_lines: tuple[str, ...]
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class AftercareItem:
    aftercare_id: str
    situation: str
    client_text: str
    instructor_text: str
    basis: str  # sourced | teaching_default (as in data/dosage.csv)
    source_id: str


@dataclass(frozen=True)
class RedFlag:
    flag_id: str
    urgency: str  # urgent | see_clinician | local (a caution for one spot: keep the ball off it)
    client_text: str
    instructor_text: str
    source_id: str


_rows = read_csv  # data/<name> as dicts of text


@lru_cache(maxsize=1)
def dose_ranges() -> dict[tuple[str, str], DoseRange]:
    """The dosage table, keyed by (level, parameter)."""
    out = {}
    for r in _rows("dosage.csv"):
        out[r["level"], r["parameter"]] = DoseRange(
            r["level"], r["parameter"], r["unit"], float(r["default"]), float(r["min"]),
            float(r["max"]), r["client_text"], r["instructor_text"], r["basis"], r["source_id"])
    return out


def dose_span(parameter: str) -> tuple[float, float, str]:
    """(lowest min, highest max, unit) of ``parameter`` over every level: the widest range a
    therapist may set, read from ``data/dosage.csv`` (the handout's parameter schema uses it)."""
    check_choice("parameter", parameter, PARAMETERS)
    rows = [r for (_, name), r in dose_ranges().items() if name == parameter]
    return min(r.min for r in rows), max(r.max for r in rows), rows[0].unit


def dose_span_text(parameter: str) -> str:
    """'10 to 90 (beginner 10 to 60; experienced 20 to 90)': the whole range, then the range
    of each level that is narrower."""
    lo, hi, _ = dose_span(parameter)
    own = [f"{level} {r.min:g} to {r.max:g}" for level in LEVELS
           if ((r := dose_ranges()[level, parameter]).min, r.max) != (lo, hi)]
    return f"{lo:g} to {hi:g}" + (f" ({'; '.join(own)})" if own else "")


@lru_cache(maxsize=1)
def aftercare() -> tuple[AftercareItem, ...]:
    """Aftercare advice, in handout order."""
    return tuple(AftercareItem(**r) for r in _rows("aftercare.csv"))


@lru_cache(maxsize=1)
def red_flags() -> tuple[RedFlag, ...]:
    """Every row of the table: stop-and-see-a-clinician signs, urgent ones first, then the
    local cautions (urgency "local": keep the ball off that spot)."""
    flags = [RedFlag(**r) for r in _rows("red_flags.csv")]
    return tuple(sorted(flags, key=lambda f: URGENCIES.index(f.urgency)))


def _fill(template: str, value: float) -> str:
    """Fill ``{value}`` (a number) and ``{times}`` (once, twice, 3 times) in a table text."""
    times = {1: "once", 2: "twice"}.get(int(value), f"{value:g} times")
    return template.format(value=f"{value:g}", times=times)


def _whole(field: str, value: float) -> int:
    if float(value) != int(value):
        raise ValueError(f"{field}: {value!r} is not a whole number")
    return int(value)


def dosage(level: str = "beginner", *, hold_s: float | None = None,
           session_min: float | None = None,
           sessions_per_day: int | None = None) -> Dosage:
    """The recommended dose for ``level`` ("beginner" or "experienced").

    Overrides must lie in that level's range from ``data/dosage.csv`` (a beginner holds 10 to
    60 s, for example); anything else raises ValueError naming the range.
    """
    check_choice("level", level, LEVELS)
    table = dose_ranges()
    overrides = {"hold_s": hold_s, "session_min": session_min,
                 "sessions_per_day": sessions_per_day}
    values = {}
    for name in PARAMETERS:
        row = table[level, name]
        given = overrides.get(name)
        values[name] = (row.default if given is None
                        else check_range(name, given, row.min, row.max, unit=f" {row.unit}"))
    for name in ("strokes_per_spot", "sessions_per_day"):
        values[name] = _whole(name, values[name])
    rows = [table[level, name] for name in PARAMETERS]
    lines = tuple(_fill(r.client_text, values[r.parameter]) for r in rows)
    instructor = tuple(_fill(r.instructor_text, values[r.parameter]) for r in rows)
    sources = tuple(dict.fromkeys(r.source_id for r in rows))
    return Dosage(level=level, lines=lines, instructor_lines=instructor, source_ids=sources,
                  **values)


def evidence_caveat() -> str:
    """What the research shows, in plain words (sources: ``EVIDENCE_SOURCE_IDS``)."""
    return (
        "What the research says: pressing on tender spots tends to make them less sensitive "
        "to pressure for a while. Reviews of the trials have not shown that it clearly "
        "reduces everyday pain compared with no treatment or a pretend one, and the studies "
        "are small. Pressing harder has not worked better than pressing moderately. Use the "
        "ball as one part of the care you get from your therapist, gently and briefly, not "
        "as a cure.")
