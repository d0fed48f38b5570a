"""The sources table: every data row of hipball points to one of these rows."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

COLUMNS = ("source_id", "authors", "title", "year", "where", "locator", "url", "note")


@lru_cache(maxsize=1)
def load_sources() -> dict[str, dict[str, str]]:
    """All sources, by ``source_id``, merged from ``data/sources/*.csv``."""
    out: dict[str, dict[str, str]] = {}
    folder = resources.files("hipball") / "data" / "sources"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".csv"):
            continue
        with entry.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise ValueError(f"{entry.name}: columns must be {', '.join(COLUMNS)}")
            for row in reader:
                sid = row["source_id"]
                if sid in out:
                    raise ValueError(f"{entry.name}: duplicate source_id {sid!r}")
                out[sid] = dict(row)
    return out
