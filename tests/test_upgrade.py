"""Workbooks made by earlier releases refresh and import with the current code, upgraded in
place: what the current format needs is added, every part xladdin does not own stays byte for
byte, one line says what was upgraded, and an upgrade that would overwrite the analyst's
cells is refused with one sentence. The fixtures (tests/upgrade_fixtures/) are copied, never
changed."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from tests.fake_xlwings import FakeBook
from xladdin.cli import main
from xladdin.engine.load import sample_path
from xladdin.engine.setting_cells import WORKBOOK_FORMAT
from xladdin.files.upgrade import STEPS

FIXTURES = Path(__file__).resolve().parent / "upgrade_fixtures"
RELEASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
KINDS = ("plain", "lite", "analyst")
#: Sheets xladdin writes on refresh (and 设置, which an upgrade adds to); every other part of
#: the file is the analyst's or copied as it was.
OWNED_SHEETS = ("封面", "正文", *(f"表{n}" for n in range(1, 8)), "图表", "月度数据", "设置")


def copy_of(tmp_path: Path, release: Path, kind: str) -> Path:
    target = tmp_path / f"{release.name}-{kind}.xlsx"
    shutil.copy(release / f"{kind}.xlsx", target)
    return target


def numbers(table) -> list[float]:
    """Every figure of a ``tables --json`` table that 表1–表7 show (not ranks, nor table 1's
    month-on-month growth, which the JSON carries for other tools), in any order."""
    if isinstance(table, dict):
        return [n for key, value in table.items() if key not in ("rank", "mom") for n in numbers(value)]
    if isinstance(table, list):
        return [n for value in table for n in numbers(value)]
    return [float(table)] if isinstance(table, (int, float)) and not isinstance(table, bool) else []


def assert_tables_equal_json(path: Path, tables_json: dict) -> None:
    """Every numeric cell of 表1–表7's bodies is a figure of ``tables --demo --json`` and
    every figure is shown (sorted, compared one by one)."""
    book = load_workbook(path)
    for no, table in tables_json.items():
        sheet, ref = next(iter(book.defined_names[f"T{no}_BODY"].destinations))
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        shown = [c.value for row in book[sheet].iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2)
                 for c in row if isinstance(c.value, (int, float))]
        expected = numbers(table)
        assert len(shown) == len(expected) > 10, no
        assert sorted(shown) == pytest.approx(sorted(expected), rel=1e-12, abs=1e-9), no


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its part in the zip, from the workbook and its relationships."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = {m.group(2): m.group(1) for m in re.finditer(r'Target="/?(?:xl/)?([^"]+)" Id="(\w+)"', rels)}
    targets |= {m.group(1): m.group(2) for m in re.finditer(r'Id="(\w+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels)}
    return {m.group(1): "xl/" + targets[m.group(2)]
            for m in re.finditer(r'<sheet\b[^>]*name="([^"]+)"[^>]*r:id="(\w+)"', book)}


def assert_unowned_parts_unchanged(before: Path, after: Path) -> None:
    owned = {part for name, part in sheet_parts(before).items() if name in OWNED_SHEETS}
    owned |= {"xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/calcChain.xml"}
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        kept = [n for n in old.namelist() if n not in owned and not n.startswith("xl/charts/chart")]
        assert len(kept) > 10
        for name in kept:
            assert new.read(name) == old.read(name), name
        if "xl/calcChain.xml" in old.namelist():
            return
        workbook = new.read("xl/workbook.xml").decode()
        for name in re.findall(r'<definedName name="([^"]+)"', old.read("xl/workbook.xml").decode()):
            assert f'name="{name}"' in workbook, name


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
@pytest.mark.parametrize("kind", KINDS)
def test_an_older_workbook_refreshes_upgraded_and_keeps_the_analysts_parts(release, kind, tmp_path, capsys,
                                                                           tables_json):
    path = copy_of(tmp_path, release, kind)
    assert main(["refresh", str(path)]) == 0
    out = capsys.readouterr().out
    upgraded = [line for line in out.splitlines() if line.startswith("upgraded")]
    assert len(upgraded) == 1 and f"to {WORKBOOK_FORMAT}" in upgraded[0] and "SET_FORMAT" in upgraded[0]
    assert_tables_equal_json(path, tables_json)
    assert_tables_equal_json(path.with_name(f"{path.stem}_发布版.xlsx"), tables_json)
    assert_unowned_parts_unchanged(release / f"{kind}.xlsx", path)
    book = load_workbook(path)
    sheet, ref = next(iter(book.defined_names["SET_FORMAT"].destinations))
    assert book[sheet][ref.replace("$", "")].value == WORKBOOK_FORMAT
    assert main(["refresh", str(path)]) == 0  # the second refresh finds nothing to upgrade
    assert "upgraded" not in capsys.readouterr().out


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
def test_the_analysts_sheet_formula_width_and_name_survive(release, tmp_path):
    path = copy_of(tmp_path, release, "analyst")
    assert main(["refresh", str(path)]) == 0
    part = sheet_parts(path)["我的分析"]
    with zipfile.ZipFile(release / "analyst.xlsx") as old, zipfile.ZipFile(path) as new:
        assert new.read(part) == old.read(part)
        workbook = new.read("xl/workbook.xml").decode()
    assert "<definedName name=\"MY_EXPORTS\">'我的分析'!$B$2</definedName>" in workbook
    book = load_workbook(path)
    assert book["我的分析"]["B2"].value == "='表1'!B5*10"
    assert book["我的分析"].column_dimensions["A"].width == 31.5


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.name)
@pytest.mark.parametrize("kind", KINDS)
def test_an_older_workbook_takes_an_import_upgraded(release, kind, tmp_path, capsys, tables_json):
    """Importing the demo's own download again (every row replaced by an equal one) upgrades the
    workbook; the refresh after it has nothing left to upgrade."""
    path = copy_of(tmp_path, release, kind)
    assert main(["import", str(sample_path()), "--into", str(path)]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith("upgraded") for line in out.splitlines()) == 1
    assert "0 revised values" in out
    assert main(["refresh", str(path)]) == 0
    assert "upgraded" not in capsys.readouterr().out
    assert_tables_equal_json(path, tables_json)
    if kind == "analyst":
        part = sheet_parts(path)["我的分析"]
        with zipfile.ZipFile(release / "analyst.xlsx") as old, zipfile.ZipFile(path) as new:
            assert new.read(part) == old.read(part)


def _with_settings_row(source: Path, target: Path, row_xml: str) -> None:
    """A copy with a row typed into 设置 (at the zip level, as Excel would keep every other part)."""
    part = sheet_parts(source)["设置"]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == part:
                data = data.replace(b'<row r="10">', row_xml.encode() + b'<row r="10">')
            zout.writestr(item, data)


def test_an_upgrade_that_would_overwrite_the_analysts_cell_is_refused(tmp_path, capsys):
    path = tmp_path / "mine.xlsx"
    _with_settings_row(RELEASES[0] / "plain.xlsx", path,
                       '<row r="9"><c r="B9" t="inlineStr"><is><t>我的备注</t></is></c></row>')
    before = path.read_bytes()
    assert main(["refresh", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "设置!A9:B9" in err[0] and "B9" in err[0] and "move it" in err[0]
    assert path.read_bytes() == before
    assert not path.with_name("mine_发布版.xlsx").exists()
    assert main(["import", str(sample_path()), "--into", str(path)]) == 2
    assert path.read_bytes() == before


def test_a_new_setting_moves_xladdins_own_note_and_data_cell_down(tmp_path):
    """The next 设置 cell of an upgraded workbook lands where its note is: the note and the data
    cell (数据) move down a row, the name follows."""
    from xladdin.files.upgrade import add_setting
    from xladdin.files.workbook import save_patch
    from xladdin.ooxml.xlsxpatch import XlsxPatch

    path = copy_of(tmp_path, RELEASES[0], "plain")
    assert main(["refresh", str(path)]) == 0  # SET_FORMAT in row 9, SET_SCOPE in 10, the note in 11
    patch = XlsxPatch(path)
    try:
        said = add_setting(patch, "SET_JAN_FEB", "auto")  # any cell of the schema will do
        save_patch(patch)
    finally:
        patch.close()
    assert "设置!B11" in said
    book = load_workbook(path)
    ws = book["设置"]
    assert ws["B11"].value == "auto" and ws["A12"].value.startswith("数据")
    assert ws["A13"].value == "=CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)"
    assert next(iter(book.defined_names["数据"].destinations))[1] == "$A$13"


def test_a_format_2_workbook_gets_the_scope_cell_chips_with_its_drop_down(tmp_path, capsys):
    """Format 3 brought 设置!SET_SCOPE: an older workbook is a chips report, and says so."""
    path = copy_of(tmp_path, RELEASES[0], "plain")
    assert main(["refresh", str(path)]) == 0
    out = capsys.readouterr().out
    assert "the 设置 cell SET_SCOPE at 设置!B10" in out and "to 3" in out
    book = load_workbook(path)
    ws = book["设置"]
    assert next(iter(book.defined_names["SET_SCOPE"].destinations)) == ("设置", "$B$10")
    assert ws["B10"].value == "chips" and ws["B9"].value == 3
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert lists["B10"] == '"chips,equipment"'
    assert main(["refresh", str(path)]) == 0  # a second refresh adds nothing
    assert "upgraded" not in capsys.readouterr().out


def _without_history(source: Path, target: Path) -> None:
    """A workbook as made before the history and charts sheets existed."""
    book = load_workbook(source)
    for sheet in ("图表", "月度数据"):
        del book[sheet]
    for name in ("HIST_TITLE", "HIST_NOTE", "HIST_HEAD", "HIST_BODY", "CHART_TITLE", "SET_FORMAT"):
        if name in book.defined_names:
            del book.defined_names[name]
    book.save(target)


def history_rows(path: Path) -> list[tuple]:
    book = load_workbook(path)
    sheet, ref = next(iter(book.defined_names["HIST_BODY"].destinations))
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return list(book[sheet].iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2, values_only=True))


def test_a_workbook_without_the_history_sheet_refreshes_after_the_upgrade(tmp_path, capsys):
    reference = copy_of(tmp_path, RELEASES[0], "plain")
    assert main(["refresh", str(reference)]) == 0
    old = tmp_path / "old.xlsx"
    _without_history(RELEASES[0] / "plain.xlsx", old)
    ribbon = FakeBook(old)  # the ribbon cannot add sheets: it says what to run
    from xladdin.excel.addin import refresh_book

    assert refresh_book(ribbon) is None
    assert "xladdin refresh" in ribbon.app.alerts[-1][1] and "older xladdin" in ribbon.app.alerts[-1][1]
    capsys.readouterr()
    assert main(["refresh", str(old)]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("upgraded old.xlsx") and "月度数据" in line and "图表" in line
    rows = history_rows(old)
    assert len(rows) == 19 and rows == history_rows(reference)  # Jan 2024 – Jul 2025
    names = load_workbook(old).sheetnames
    assert names.index("月度数据") < names.index("原始数据") and names.index("图表") < names.index("月度数据")


def test_the_ribbon_refreshes_an_older_workbook_and_says_it_is_older(tmp_path):
    from xladdin.excel.addin import refresh_book

    book = FakeBook(copy_of(tmp_path, RELEASES[0], "plain"))
    report = refresh_book(book)
    assert report is not None
    assert any("format 1" in w and "xladdin refresh" in w for w in report.warnings)


def test_steps_end_at_the_current_format_and_say_what_they_add():
    assert max(step.version for step in STEPS) == WORKBOOK_FORMAT
    assert [s.version for s in STEPS] == sorted(s.version for s in STEPS)
    assert all(step.what for step in STEPS)


def test_a_workbook_from_a_newer_xladdin_is_refused(tmp_path, capsys):
    path = copy_of(tmp_path, RELEASES[0], "plain")
    assert main(["refresh", str(path)]) == 0
    book = load_workbook(path)
    book["设置"]["B9"].value = WORKBOOK_FORMAT + 1
    book.save(path)
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"format {WORKBOOK_FORMAT + 1}" in err and "newer xladdin" in err
    assert path.read_bytes() == before


def test_the_fixtures_are_as_released():
    """Kept forever: a test that changed them would upgrade nothing."""
    for release in RELEASES:
        for kind in KINDS:
            with zipfile.ZipFile(release / f"{kind}.xlsx") as z:
                assert "SET_FORMAT" not in z.read("xl/workbook.xml").decode()


def _narrower_history(source: Path, target: Path, analyst_cell: str | None = None) -> None:
    """A workbook whose 月度数据 has two columns fewer than the history holds now (as one made
    before columns were added would)."""
    book = load_workbook(source)
    ws = book["月度数据"]
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(merged))
    for row in ws.iter_rows(min_col=12, max_col=13):
        for cell in row:
            cell.value = None
    for ref in ("A1:K1", "A2:K2", "A3:A4", "B3:G3", "H3:K3"):
        ws.merge_cells(ref)
    book.defined_names["HIST_HEAD"].attr_text = "'月度数据'!$A$3:$K$4"
    book.defined_names["HIST_BODY"].attr_text = "'月度数据'!$A$5:$K$23"
    if analyst_cell:
        ws[analyst_cell] = "我的备注"
    book.save(target)


def test_a_narrower_history_is_widened_and_an_analysts_cell_in_the_way_refuses(tmp_path, capsys):
    reference = copy_of(tmp_path, RELEASES[0], "plain")
    assert main(["refresh", str(reference)]) == 0
    narrow = tmp_path / "narrow.xlsx"
    _narrower_history(RELEASES[0] / "plain.xlsx", narrow)
    capsys.readouterr()
    assert main(["refresh", str(narrow)]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    from openpyxl.utils import get_column_letter

    from xladdin.engine.history import COLUMNS

    width = 1 + len(COLUMNS)  # the month, then the figures; the narrowed history ends at K (11)
    last = get_column_letter(width)
    assert f"{width - 11} columns of 月度数据" in line
    assert history_rows(narrow) == history_rows(reference)
    book = load_workbook(narrow)
    assert next(iter(book.defined_names["HIST_HEAD"].destinations))[1] == f"$A$3:${last}$4"
    assert f"A1:{last}1" in {str(m) for m in book["月度数据"].merged_cells.ranges}
    blocked = tmp_path / "blocked.xlsx"
    _narrower_history(RELEASES[0] / "plain.xlsx", blocked, analyst_cell="L10")
    before = blocked.read_bytes()
    assert main(["refresh", str(blocked)]) == 2
    err = capsys.readouterr().err
    assert "L10" in err and "月度数据" in err and len(err.strip().splitlines()) == 1
    assert blocked.read_bytes() == before


def _resave_with_libreoffice(source: Path, outdir: Path, profile: Path) -> Path:
    import subprocess

    from tests.office import soffice

    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(source)],
                   check=True, capture_output=True, timeout=180)
    return outdir / source.name


def test_the_format_survives_another_programs_save_and_so_does_the_upgrade(tmp_path, capsys, tables_json):
    """A 0.1.0 workbook saved by LibreOffice (shared strings, its own part names) upgrades; saved
    again, its format cell is still there and the next refresh upgrades nothing."""
    first = _resave_with_libreoffice(copy_of(tmp_path, RELEASES[0], "analyst"), tmp_path / "lo1",
                                     tmp_path / "profile")
    assert main(["refresh", str(first)]) == 0
    assert "SET_FORMAT" in capsys.readouterr().out
    assert_tables_equal_json(first, tables_json)
    assert load_workbook(first)["我的分析"]["B2"].value.replace("'", "") == "=表1!B5*10"  # as LibreOffice writes it
    second = _resave_with_libreoffice(first, tmp_path / "lo2", tmp_path / "profile")
    assert main(["refresh", str(second)]) == 0
    assert "upgraded" not in capsys.readouterr().out
    assert_tables_equal_json(second, tables_json)
