"""Rosters, parameters and paths: fast, no kernel, no PDF."""

from __future__ import annotations

import json

import nbformat
import pytest

from hipball.handouts import logo, params, paths, roster


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
    assert s.startswith("client_") and s == paths.slug("王小明") and s.isascii()
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
    # with --anonymize the name and the notes are not printed, so they need not be printable;
    # a message about a printed private field then names no character of its text
    c = params.validate({"client": CJK, "notes": "慢", "clinic": "慢 Clinic", "anonymize": True})
    assert [e.column for e in c.errors] == ["clinic"]
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


# ---- issue 12: what the therapist wrote is what is read; bad input is bounded ----------------

# The same class as each spreadsheet writes it ("Save as CSV"): Excel (UTF-8 with a BOM, CRLF,
# comma; semicolon where the list separator is ';'), LibreOffice (LF, comma or semicolon, quotes
# only where needed), Google Sheets (CRLF, comma, no BOM). Doubled quotes and newlines in a cell.
NOTE = 'Say "ouch" if it hurts;\nthen stop, for a minute'
CLINIC = 'Riverside, "NMT" · 555-0134'


def _sheet(delim: str, eol: str, bom: bool, quote_all: bool = False) -> bytes:
    def cell(v: str) -> str:
        if quote_all or any(c in v for c in (delim, '"', "\n", "\r")):
            return '"' + v.replace('"', '""') + '"'
        return v
    rows = [["client", "side", "notes", "clinic"],
            ["Ann Lee", "left", NOTE, CLINIC],
            ["Bo Chen", "right", "", "Clinic; Suite 2"]]
    text = eol.join(delim.join(cell(v) for v in r) for r in rows) + eol
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@pytest.mark.parametrize("app, delim, eol, bom, quote_all", [
    ("excel", ",", "\r\n", True, False), ("excel-semicolon", ";", "\r\n", True, False),
    ("libreoffice", ",", "\n", False, False), ("libreoffice-semicolon", ";", "\n", False, True),
    ("google-sheets", ",", "\r\n", False, False), ("tab", "\t", "\r\n", False, False),
])
def test_spreadsheet_exports_read_exactly_as_written(tmp_path, app, delim, eol, bom, quote_all):
    p = tmp_path / f"{app}.csv"
    p.write_bytes(_sheet(delim, eol, bom, quote_all))
    r = roster.read_roster(p)
    assert r.columns == ["client", "side", "notes", "clinic"]
    assert [row.number for row in r.rows] == [2, 3]        # a newline inside a cell is not a row
    ann, bo = roster.check_rows(r)
    assert not ann.errors and not bo.errors, (ann.errors, bo.errors)
    assert ann.values["notes"] == NOTE                     # doubled quotes read as one, newline kept
    assert ann.values["clinic"] == CLINIC and bo.values["clinic"] == "Clinic; Suite 2"
    assert ann.values["side"] == "left" and bo.values["client"] == "Bo Chen"


def test_doubled_quotes_in_a_header_only_sniffable_csv(tmp_path):
    """The issue's case: the header alone says nothing about quoting."""
    p = _csv(tmp_path, 'client,notes\nAnn,"Say ""ouch"" if it hurts"\n')
    (c,) = roster.check_rows(roster.read_roster(p))
    assert c.values["notes"] == 'Say "ouch" if it hurts'


YAML_BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
clients:
  - client: Ann
    notes: *i
"""


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    import time

    p = tmp_path / "bomb.yaml"
    p.write_text(YAML_BOMB, encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="too large once its aliases are expanded"):
        roster.read_roster(p)
    assert time.perf_counter() - t0 < 5
    p.write_text("clients: &x\n  - client: Ann\n    notes: *x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="refers to itself"):
        roster.read_roster(p)


def test_demo_style_anchors_and_merge_keys_still_work(tmp_path):
    p = tmp_path / "class.yaml"
    p.write_text("- &base\n  client: Ann\n  clinic: Riverside\n- <<: *base\n  client: Bo\n", encoding="utf-8")
    a, b = roster.check_rows(roster.read_roster(p))
    assert b.values["clinic"] == "Riverside" and b.values["client"] == "Bo"


def test_roster_size_and_cell_length_are_bounded(tmp_path):
    rows = "".join(f"Client {i}\n" for i in range(roster.MAX_ROWS + 1))
    with pytest.raises(ValueError, match=f"at most {roster.MAX_ROWS} client rows"):
        roster.read_roster(_csv(tmp_path, "client\n" + rows))
    big = tmp_path / "big.csv"
    big.write_bytes(b"client,notes\nAnn," + b"x" * (roster.MAX_BYTES + 1) + b"\n")
    with pytest.raises(ValueError, match="larger than"):
        roster.read_roster(big)
    (c,) = roster.check_rows(roster.read_roster(_csv(tmp_path, "client,notes\nAnn," + "y" * 5000 + "\n")))
    (e,) = c.errors
    assert e.column == "notes" and "5000 characters" in e.message and len(repr(e.value)) < 200


def test_an_unbounded_value_is_never_repr_whole():
    class Huge(list):
        def __repr__(self):  # what a blown-up alias graph costs: never called whole
            raise AssertionError("repr of the whole value")
    c = params.validate({"client": "Ann", "notes": Huge(["x"] * 10)})
    (e,) = c.errors
    assert e.column == "notes" and "is not text" in e.message and len(e.message) < 200


def _png(path, size=(40, 20)):
    from PIL import Image

    Image.new("RGB", size, (0, 114, 178)).save(path)
    return path


def test_logo_is_checked_up_front_as_a_bad_value_of_column_logo(tmp_path):
    good = _png(tmp_path / "logo.png")
    assert params.validate({"logo": str(good)}).ok
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    link = tmp_path / "passwd.png"
    link.symlink_to("/etc/passwd")
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"\0" * (logo.MAX_BYTES + 1))
    svg_as_png = tmp_path / "svg.png"
    svg_as_png.symlink_to(tmp_path / "drawing.svg")
    (tmp_path / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    bomb = tmp_path / "bomb.svg"
    bomb.write_text('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>')
    for bad, why in ((fake, "not a readable"), (link, "link"), (big, "at most 5 MB"), (svg_as_png, "link"),
                     (bomb, "DTD")):
        c = params.validate({"logo": str(bad)})
        (e,) = c.errors
        assert e.column == "logo" and why in e.message, (bad.name, e.message)
        assert "/etc/passwd" not in e.message and "drawing.svg" not in e.message   # never a link's target
    assert params.validate({"logo": str(tmp_path / "drawing.svg")}).ok


def test_a_huge_logo_is_downscaled_for_print(tmp_path):
    big = _png(tmp_path / "photo.png", (4000, 3000))
    work = tmp_path / "work"
    work.mkdir()
    from PIL import Image

    name = logo.for_print(str(big), work)
    with Image.open(work / name) as im:
        assert im.height <= logo.PRINT_PX[1] and im.width <= logo.PRINT_PX[0]
        assert im.width / im.height == pytest.approx(4 / 3, rel=0.02)


def test_an_open_output_folder_is_made_private_only_when_it_is_ours(tmp_path):
    import stat

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    fresh.chmod(0o755)
    (warning,) = paths.make_private(fresh)
    assert "made private (0700)" in warning and stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert paths.make_private(fresh) == []
    home = tmp_path / "documents"            # someone's folder with other things in it
    home.mkdir()
    (home / "taxes.pdf").write_bytes(b"x")
    home.chmod(0o755)
    (warning,) = paths.make_private(home)
    assert "use a private folder" in warning and stat.S_IMODE(home.stat().st_mode) == 0o755
