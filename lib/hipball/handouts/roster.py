"""Read a class roster: CSV (UTF-8, with or without a BOM; comma, semicolon or tab) or YAML
(a list of mappings, or ``{clients: [...]}``), one row per client, columns named as the
handout's parameters.

Rows are numbered as people see them: in a CSV, the spreadsheet row (the header is row 1, the
first client row 2); in YAML, the entry number from 1. Problems with one row never stop the
others: each row carries its own errors. Problems with the whole file (not readable, not
UTF-8, not a table) raise ValueError with one clear line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hipball._choices import closest
from hipball.handouts import params
from hipball.handouts.params import ParamError

REQUIRED = ("client",)


@dataclass
class Row:
    number: int
    raw: dict[str, Any]
    errors: list[ParamError] = field(default_factory=list)
    empty: bool = False


@dataclass
class Roster:
    path: Path | None
    rows: list[Row]
    columns: list[str]
    warnings: list[str] = field(default_factory=list)


def _check_columns(columns: list[str]) -> tuple[list[ParamError], list[str]]:
    """Errors for every row (a typo of a parameter name, a reserved name) and warnings
    (columns that are simply not used, e.g. an email column)."""
    errors, warnings = [], []
    allowed = params.names(roster_only=True)
    for col in columns:
        if col in allowed:
            continue
        if col == "output_pdf":
            errors.append(ParamError(col, col, "column 'output_pdf' is set by hipball handouts, not by the roster",
                                     ", ".join(allowed)))
            continue
        hint = closest(col.lower(), allowed)
        if hint:
            errors.append(ParamError(col, col, f"column {col!r} is not a handout parameter (did you mean {hint!r}?); "
                                     f"allowed columns: {', '.join(allowed)}", ", ".join(allowed)))
        else:
            warnings.append(f"column {col!r} is not a handout parameter: ignored")
    for col in REQUIRED:
        if col not in columns:
            errors.append(ParamError(col, None, f"required column {col!r} is missing (leave its cell empty for "
                                     "a generic class handout)", "a column named " + col))
    return errors, warnings


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the roster {str(path)!r}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"the roster {path.name!r} is not UTF-8 text: save it as 'CSV UTF-8'") from None


def read_csv_text(text: str, path: Path | None = None) -> Roster:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError("the roster is empty: it needs a header row naming the columns") from None
    columns = [h.strip() for h in header]
    col_errors, warnings = _check_columns([c for c in columns if c])
    rows: list[Row] = []
    line = 1
    for cells in reader:
        line += 1
        if not cells:            # a blank line: csv gives [], not a row of the sheet
            continue
        raw: dict[str, Any] = {}
        errors = list(col_errors)
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            msg = f"row has {len(cells)} cells but the header has {len(columns)} columns"
            errors.append(ParamError("(row)", cells[len(columns):], msg, f"{len(columns)} cells", anon=msg))
        for col, cell in zip(columns, cells):
            if col and cell.strip() != "":
                raw[col] = cell.strip() if col != "notes" else cell
        empty = all(not c.strip() for c in cells)
        rows.append(Row(line, raw, [] if empty else errors, empty=empty))
    return Roster(path, rows, columns, warnings)


def read_yaml_text(text: str, path: Path | None = None) -> Roster:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"the roster is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if isinstance(doc, dict) and "clients" in doc:
        doc = doc["clients"]
    if not isinstance(doc, list):
        raise ValueError("a YAML roster is a list of clients (or 'clients:' followed by a list), "
                         "one mapping per client")
    rows: list[Row] = []
    columns: list[str] = []
    warnings: list[str] = []
    for i, entry in enumerate(doc, start=1):
        if entry is None or entry == {}:
            rows.append(Row(i, {}, [], empty=True))
            continue
        if not isinstance(entry, dict):
            msg = f"entry is {type(entry).__name__}, not a mapping of column: value"
            rows.append(Row(i, {}, [ParamError("(row)", entry, msg, "column: value pairs", anon=msg)]))
            continue
        raw = {str(k): v for k, v in entry.items()}
        for k in raw:
            if k not in columns:
                columns.append(k)
        errors, warns = _check_columns(list(raw))
        for w in warns:
            if w not in warnings:
                warnings.append(w)
        rows.append(Row(i, {k: v for k, v in raw.items() if v is not None}, errors))
    return Roster(path, rows, columns, warnings)


def read_roster(path: str | Path) -> Roster:
    path = Path(path)
    if not path.exists():
        raise ValueError(f"roster {str(path)!r} not found")
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_text(text, path)
    if suffix in (".csv", ".tsv", ".txt"):
        return read_csv_text(text, path)
    raise ValueError(f"roster {path.name!r}: use a .csv or .yaml file")


def demo_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("hipball") / "data" / "demo_roster.yaml"))


@dataclass
class Checked:
    row: Row
    values: dict[str, Any]
    errors: list[ParamError]


def check_rows(roster: Roster, defaults: dict[str, Any] | None = None, *, anonymize: bool = False) -> list[Checked]:
    """Validate every non-empty row with ``defaults`` (from the command line) filling the
    missing cells, and flag duplicate clients. Returns one Checked per row (empty rows too).
    ``anonymize``: the name will not be printed (so it need not be printable)."""
    defaults = dict(defaults or {})
    base_dir = roster.path.parent if roster.path else None
    out: list[Checked] = []
    seen: dict[str, int] = {}
    from hipball.handouts.paths import slug

    for row in roster.rows:
        if row.empty:
            out.append(Checked(row, {}, []))
            continue
        values = dict(defaults)
        values.update({k: v for k, v in row.raw.items() if k in params.names(roster_only=True)})
        values["anonymize"] = anonymize
        checked = params.validate(values, base_dir=base_dir, unknown="ignore")
        errors = list(row.errors) + checked.errors
        if not errors:
            key = slug(checked.values["client"]) if checked.values["client"] else None
            if key is not None:
                if key in seen:
                    errors.append(ParamError("client", checked.values["client"],
                                             f"client: {checked.values['client']!r} appears again (first in row "
                                             f"{seen[key]}); each client needs a unique name", "a unique name",
                                             anon=f"client: the same name (or file name) as row {seen[key]}; "
                                                  "each client needs a unique name"))
                else:
                    seen[key] = row.number
        out.append(Checked(row, checked.values, errors))
    return out
