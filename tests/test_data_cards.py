"""Every data table ships with a card that documents each of its columns, its sources, its
licence and its caveats (nilearn's dataset descriptions are the model)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "lib" / "hipball" / "data"
TABLES = sorted(p.stem for p in DATA.glob("*.csv"))


def test_the_tables_are_all_there():
    assert {"muscles", "trigger_points", "regions", "referral_zones", "balls", "surfaces",
            "pressure_pain_thresholds", "dosage", "aftercare", "red_flags"} <= set(TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_each_table_has_a_card_naming_its_columns(table):
    card = (DATA / f"{table}.md").read_text(encoding="utf-8")
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        columns = next(csv.reader(fh))
    for col in columns:
        assert f"`{col}`" in card, f"{table}.md does not document column {col}"
    for part in ("Sources", "Caveats", "Licence"):
        assert part in card, f"{table}.md has no {part} section"
