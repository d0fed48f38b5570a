"""Rosters, parameters and paths: fast, no kernel, no PDF."""

from __future__ import annotations

import json

import nbformat
import pytest

from hipball.handouts import params, paths, roster


def _csv(tmp_path, text, name="class.csv", bom=False):
    p = tmp_path / name
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return p


def test_csv_with_and_without_bom_read_the_same(tmp_path):
    text = "client,side,paper\nAnn Lee,left,a4\nBo Chen,right,letter\n"
    a = roster.read_roster(_csv(tmp_path, text, "a.csv"))
    b = roster.read_roster(_csv(tmp_path, text, "b.csv", bom=True))
    assert [r.raw for r in a.rows] == [r.raw for r in b.rows]
    assert a.columns == b.columns == ["client", "side", "paper"]
    assert [r.number for r in a.rows] == [2, 3]  # spreadsheet rows: the header is row 1


def test_semicolon_csv_and_trigger_point_lists(tmp_path):
    p = _csv(tmp_path, "client;trigger_points\nAnn;gluteus_minimus.anterior, piriformis.lateral\n")
    (c,) = roster.check_rows(roster.read_roster(p))
    assert not c.errors
    assert c.values["trigger_points"] == ["gluteus_minimus.anterior", "piriformis.lateral"]


BAD = """client,side,trigger_points,session_min,notes
Good One,left,,,
Unknown Spot,right,gluteus_minimus.anterio,,
Middle Side,middle,,,
Negative,right,,-3,
,,,,
Good One,right,,,
../../etc/passwd,right,,,
{long},right,,,
Σοφία Παπαδοπούλου,right,,,
Markup <b>x</b>,right,,,"*bold* #set page(paper: ""a5"") $x$ <script>alert(1)</script>"
"""


def test_bad_rows_are_reported_with_row_column_value_and_allowed(tmp_path):
    p = _csv(tmp_path, BAD.format(long="A" * 300))
    checked = {c.row.number: c for c in roster.check_rows(roster.read_roster(p))}
    assert not checked[2].errors
    (e,) = checked[3].errors
    assert (e.column, e.value) == ("trigger_points", "gluteus_minimus.anterio")
    assert "gluteus_minimus.anterior" in e.allowed and "did you mean 'gluteus_minimus.anterior'" in e.message
    (e,) = checked[4].errors
    assert (e.column, e.value, e.allowed) == ("side", "middle", "left, right, both")
    (e,) = checked[5].errors
    assert e.column == "session_min" and e.value == "-3" and "1 to 6" in e.allowed
    assert checked[6].row.empty and not checked[6].errors
    (e,) = checked[7].errors
    assert e.column == "client" and "first in row 2" in e.message
    assert not checked[8].errors                      # a path-like name is fine as a name...
    assert "/" not in paths.slug(checked[8].values["client"])  # ...and never as a file name
    (e,) = checked[9].errors
    assert e.column == "client" and "at most 120" in e.message
    assert not checked[10].errors and checked[10].values["client"] == "Σοφία Παπαδοπούλου"
    assert not checked[11].errors and "<script>" in checked[11].values["notes"]


def test_missing_required_column_fails_every_row(tmp_path):
    p = _csv(tmp_path, "name,side\nAnn,left\n")
    (c,) = roster.check_rows(roster.read_roster(p))
    assert any(e.column == "client" and "missing" in e.message for e in c.errors)


def test_typo_column_is_an_error_other_columns_a_warning(tmp_path):
    p = _csv(tmp_path, "client,sied,email\nAnn,left,a@b.c\n")
    r = roster.read_roster(p)
    (c,) = roster.check_rows(r)
    assert any("did you mean 'side'" in e.message for e in c.errors)
    assert any("email" in w for w in r.warnings)


def test_not_utf8_is_one_clear_error(tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes("client\nJos\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8"):
        roster.read_roster(p)


def test_yaml_roster_and_bad_entries(tmp_path):
    p = tmp_path / "class.yaml"
    p.write_text("clients:\n  - client: Ann\n    side: both\n  - just a string\n  - {}\n  - side: left\n",
                 encoding="utf-8")
    checked = roster.check_rows(roster.read_roster(p))
    assert not checked[0].errors and checked[0].values["side"] == "both"
    assert checked[1].errors and "not a mapping" in checked[1].errors[0].message
    assert checked[2].row.empty
    assert any(e.column == "client" for e in checked[3].errors)


def test_demo_roster_is_valid_and_covers_the_cases():
    checked = roster.check_rows(roster.read_roster(roster.demo_path()))
    assert len(checked) >= 8 and all(not c.errors for c in checked)
    vals = [c.values for c in checked]
    assert {v["side"] for v in vals} == {"left", "right", "both"}
    assert {v["paper"] for v in vals} == {"letter", "a4"}
    assert any(v["large_print"] for v in vals) and any(v["client"] == "" for v in vals)
    assert any(not v["client"].isascii() for v in vals)


def test_level_ranges_come_from_dosage():
    c = params.validate({"level": "beginner", "hold_s": 90})
    assert any(e.column == "hold_s" and "beginner" in e.message for e in c.errors)
    assert params.validate({"level": "experienced", "hold_s": 90}).ok


def test_validated_stops_with_clear_messages_only():
    ns = dict(params.defaults(), side="middel", hold_s=-5)
    with pytest.raises(params.HandoutParameterError) as info:
        params.validated(ns)
    lines = info.value._render_traceback_()  # what IPython shows instead of a traceback
    assert any("side" in l and "left, right, both" in l for l in lines)
    assert any("hold_s" in l for l in lines)
    assert params.validated(params.defaults())["side"] == "right"  # the defaults are valid


def test_notebook_parameters_cell_is_generated_from_the_schema(repo):
    nb = nbformat.read(repo / "notebooks" / "handout.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert tagged[0].source == params.parameters_cell()
    after = nb.cells[nb.cells.index(tagged[0]) + 1]
    assert "validated(globals())" in after.source
    assert all(c.get("outputs", []) == [] for c in nb.cells if c.cell_type == "code")  # stripped


@pytest.mark.parametrize("name, expected", [
    ("Ann O'Neil", "ann-oneil"), ("../../etc/passwd", "etc-passwd"), ("a/b\\c", "a-b-c"),
    ("Lucía Fernández", "lucia-fernandez"), ("", "class-handout"),
    ("Jan Łukasiewicz", "jan-lukasiewicz"), ("Søren Ødegård", "soren-odegard"), ("Đorđe Đokić", "dorde-dokic"),
    ("Anna Strauß", "anna-strauss"), ("Æsa Lærke", "aesa-laerke"), ("Œdipe Cœur", "oedipe-coeur"),
    ("Þóra Þórsdóttir", "thora-thorsdottir"),
])
def test_slug(name, expected):
    assert paths.slug(name) == expected


def test_slug_of_non_latin_name_is_stable_and_safe():
    s = paths.slug("王小明")
    assert s.startswith("client-") and s == paths.slug("王小明") and s.isascii()
    assert len(paths.slug("x" * 500)) <= paths.MAX_SLUG


def test_inside_refuses_escapes(tmp_path):
    assert paths.inside(tmp_path, "ann.pdf") == (tmp_path / "ann.pdf").resolve()
    for bad in ("../x.pdf", "a/b.pdf", "..", ""):
        with pytest.raises(ValueError):
            paths.inside(tmp_path, bad)


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    paths.atomic_write_bytes(target, b"old")

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(paths.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        paths.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_header_only_roster_has_no_client_rows(tmp_path, capsys):
    from hipball.cli import main

    for name, text in (("class.csv", "client,side\n"), ("blank.csv", "client,side\n,\n"), ("class.yaml", "[]\n")):
        p = _csv(tmp_path, text, name)
        assert main(["handouts", "--no-progress", "--roster", str(p), "--out", str(tmp_path / "out")]) == 2
        assert "has no client rows" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _tiny_font(path, family, chars):
    """A TrueType font with one (square) glyph per character of ``chars``: enough for the
    glyph check and for Typst to use it."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "space"] + [f"uni{ord(c):04X}" for c in chars]
    pen = TTGlyphPen(None)
    pen.moveTo((100, 0)); pen.lineTo((100, 700)); pen.lineTo((800, 700)); pen.lineTo((800, 0)); pen.closePath()
    square = pen.glyph()
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})
    fb.setupGlyf({n: (TTGlyphPen(None).glyph() if n == "space" else square) for n in names})
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    ps = family.replace(" ", "")
    fb.setupNameTable({"familyName": family, "styleName": "Regular", "uniqueFontIdentifier": ps,
                       "fullName": f"{family} Regular", "psName": f"{ps}-Regular", "version": "Version 1.000"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))
    return path


CJK = "张伟"


def test_unprintable_characters_are_a_clear_error_per_field(monkeypatch):
    monkeypatch.delenv("HIPBALL_FONT_DIR", raising=False)
    c = params.validate({"client": CJK, "notes": "Start slowly. 慢慢来", "therapist": "Sam", "clinic": "Σ Clinic"})
    by = {e.column: e for e in c.errors}
    assert set(by) == {"client", "notes"}            # Greek is printable (DejaVu Sans has it)
    msg = by["client"].message
    assert "张 (U+5F20)" in msg and "伟 (U+4F1F)" in msg and "HIPBALL_FONT_DIR" in msg and "--anonymize" in msg
    assert "慢 (U+6162)" in by["notes"].message and "来 (U+6765)" in by["notes"].message
    # with --anonymize the name is not printed, so it need not be printable; the message
    # shown then names no character of the client's text
    c = params.validate({"client": CJK, "notes": "慢", "anonymize": True})
    assert [e.column for e in c.errors] == ["notes"]
    assert "慢" not in c.errors[0].public(True) and "HIPBALL_FONT_DIR" in c.errors[0].public(True)


def test_a_font_folder_makes_those_characters_printable(tmp_path, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    _tiny_font(fonts / "tiny-cjk.ttf", "Hipball Test CJK", CJK)
    monkeypatch.setenv("HIPBALL_FONT_DIR", str(fonts))
    from hipball.handouts import glyphs

    assert "Hipball Test CJK" in glyphs.text_families()
    assert params.validate({"client": CJK}).ok
    assert not params.validate({"client": "张伟强"}).ok    # 强 is in no font: still refused
