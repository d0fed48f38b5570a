"""The one reader of hipball's packaged CSV tables (data/*.csv): the model modules
(referral, pressure, dosage, sources) read their tables through it."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from importlib import resources


def read_csv(name: str, columns: Sequence[str] | None = None) -> list[dict[str, str]]:
    """The rows of ``data/<name>`` (a path under the package's data folder, e.g.
    "balls.csv" or "sources/technique.csv") as dicts of text, in file order. ``columns``:
    the header the table must have, exactly (ValueError naming the file otherwise)."""
    path = resources.files("hipball") / "data"
    for part in name.split("/"):
        path = path / part
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if columns is not None and tuple(reader.fieldnames or ()) != tuple(columns):
            raise ValueError(f"{path.name}: columns must be {', '.join(columns)}")
        return [dict(r) for r in reader]
