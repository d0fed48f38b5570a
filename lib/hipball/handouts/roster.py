"""Read a class roster: CSV (UTF-8, with or without a BOM; comma, semicolon or tab) or YAML
(a list of mappings, or ``{clients: [...]}``), one row per client, columns named as the
handout's parameters.

CSV is read the way spreadsheets write it: the csv module's ``excel`` dialect (Excel,
LibreOffice and Google Sheets all write it: double quotes around a cell that needs them, a
quote inside written as two, line breaks allowed inside a quoted cell, CRLF or LF). Only the
delimiter varies (Excel in a ';' locale): it is read from the header line, which holds column
names only, so it is never ambiguous; ``csv.Sniffer`` is not used (on a header alone it cannot
see doubled quotes, and on data it guesses).

Bounded: a roster file is at most ``MAX_BYTES``, ``MAX_ROWS`` client rows, a cell at most
``MAX_CELL`` characters, and a YAML document at most ``MAX_YAML_NODES`` values once its
aliases are expanded (a 500-byte "billion laughs" file would otherwise expand to gigabytes).

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
from hipball.handouts.params import Checked, ParamError

REQUIRED = ("client",)
MAX_BYTES = 2_000_000      # a roster file
MAX_ROWS = 1000            # client rows (a class, not a clinic's whole archive)
MAX_CELL = 4000            # characters in one cell, before any value is built (notes: 1200)
MAX_YAML_NODES = 100_000   # values in a YAML roster with its aliases expanded
DELIMITERS = (",", ";", "\t")


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
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ValueError(f"cannot read the roster {str(path)!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ValueError(f"the roster {path.name!r} is larger than {MAX_BYTES // 1_000_000} MB: "
                         f"a roster holds at most {MAX_ROWS} client rows")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"the roster {path.name!r} is not UTF-8 text: save it as 'CSV UTF-8'") from None


def _delimiter(text: str) -> str:
    """The header line's delimiter: the header holds column names only (no quotes needed),
    so whichever of comma, semicolon and tab it uses is the file's."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _too_many_rows() -> ValueError:
    return ValueError(f"the roster has more than {MAX_ROWS} rows: a roster holds at most {MAX_ROWS} client "
                      "rows (split the class into several rosters)")


def _cell_error(col: str, cell: str) -> ParamError:
    msg = f"{col}: {len(cell)} characters in one cell; at most {MAX_CELL} are read"
    return ParamError(col or "(row)", cell[:20] + "...", msg, f"at most {MAX_CELL} characters", anon=msg)


def read_csv_text(text: str, path: Path | None = None) -> Roster:
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError("the roster is empty: it needs a header row naming the columns") from None
    except csv.Error as exc:
        raise ValueError(f"the roster's header row cannot be read as CSV: {exc}") from None
    columns = [h.strip() for h in header]
    col_errors, warnings = _check_columns([c for c in columns if c])
    rows: list[Row] = []
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a cell beyond the csv module's own field limit
            raise ValueError(f"the roster cannot be read as CSV after row {line}: {exc}") from None
        line += 1
        if not cells:            # a blank line: csv gives [], not a row of the sheet
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows()
        raw: dict[str, Any] = {}
        errors = list(col_errors)
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            msg = f"row has {len(cells)} cells but the header has {len(columns)} columns"
            errors.append(ParamError("(row)", f"{len(cells) - len(columns)} extra cells", msg,
                                     f"{len(columns)} cells", anon=msg))
        for col, cell in zip(columns, cells):
            if len(cell) > MAX_CELL:
                errors.append(_cell_error(col, cell))
            elif col and cell.strip() != "":
                raw[col] = cell.strip() if col != "notes" else cell
        empty = all(not c.strip() for c in cells)
        rows.append(Row(line, raw, [] if empty else errors, empty=empty))
    return Roster(path, rows, columns, warnings)


def _yaml_size(node, memo: dict[int, int], active: set[int]) -> int:
    """How many values ``node`` stands for with every alias expanded (each shared node is
    counted each time it is used; computed once per node). Raises ValueError for a node that
    contains itself."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise ValueError("the YAML roster has an alias that refers to itself (an endless value)")
    active.add(key)
    if isinstance(node.value, list):
        n = 1
        for item in node.value:
            for sub in (item if isinstance(item, tuple) else (item,)):
                n += _yaml_size(sub, memo, active)
                if n > MAX_YAML_NODES:
                    break
    else:
        n = 1 + len(node.value) // 100
    active.discard(key)
    memo[key] = n
    return n


def _load_yaml(text: str) -> Any:
    """yaml.safe_load, with the document's size checked BEFORE any value is built."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _yaml_size(node, {}, set()) > MAX_YAML_NODES:
            raise ValueError(f"the YAML roster is too large once its aliases are expanded (more than "
                             f"{MAX_YAML_NODES} values): write each client out, or use fewer aliases")
        return loader.construct_document(node)
    except RecursionError:
        raise ValueError("the YAML roster is nested too deeply to be a roster") from None
    finally:
        loader.dispose()


def read_yaml_text(text: str, path: Path | None = None) -> Roster:
    import yaml

    try:
        doc = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ValueError(f"the roster is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if isinstance(doc, dict) and "clients" in doc:
        doc = doc["clients"]
    if not isinstance(doc, list):
        raise ValueError("a YAML roster is a list of clients (or 'clients:' followed by a list), "
                         "one mapping per client")
    if len(doc) > MAX_ROWS:
        raise _too_many_rows()
    rows: list[Row] = []
    columns: list[str] = []
    warnings: list[str] = []
    for i, entry in enumerate(doc, start=1):
        if entry is None or entry == {}:
            rows.append(Row(i, {}, [], empty=True))
            continue
        if not isinstance(entry, dict):
            msg = f"entry is {type(entry).__name__}, not a mapping of column: value"
            rows.append(Row(i, {}, [ParamError("(row)", params.short(entry), msg, "column: value pairs",
                                               anon=msg)]))
            continue
        raw = {str(k)[:100]: v for k, v in entry.items()}
        too_long = [k for k, v in raw.items() if isinstance(v, str) and len(v) > MAX_CELL]
        for k in too_long:
            raw.pop(k)
        for k in raw:
            if k not in columns:
                columns.append(k)
        errors, warns = _check_columns(list(raw))
        for w in warns:
            if w not in warnings:
                warnings.append(w)
        errors += [_cell_error(k, entry[k]) for k in too_long if k in entry]
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


def single(client: str) -> Roster:
    """A one-row roster for ``hipball handouts --client NAME`` (row 1; the other columns come
    from the command line's options)."""
    return Roster(None, [Row(1, {"client": client} if client.strip() else {})], ["client"], [])


def demo_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("hipball") / "data" / "demo_roster.yaml"))


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
            out.append(Checked({}, [], row))
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
        out.append(Checked(checked.values, errors, row))
    return out
