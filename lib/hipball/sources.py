"""The sources table: every data row of hipball points to one of these rows."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from hipball._data import read_csv

COLUMNS = ("source_id", "authors", "title", "year", "where", "locator", "url", "note")


@lru_cache(maxsize=1)
def load_sources() -> dict[str, dict[str, str]]:
    """All sources, by ``source_id``, merged from ``data/sources/*.csv``."""
    out: dict[str, dict[str, str]] = {}
    folder = resources.files("hipball") / "data" / "sources"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".csv"):
            continue
        for row in read_csv(f"sources/{entry.name}", COLUMNS):
            sid = row["source_id"]
            if sid in out:
                raise ValueError(f"{entry.name}: duplicate source_id {sid!r}")
            out[sid] = row
    return out
