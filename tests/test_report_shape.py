"""Each output has the shape of what it shows: a 1-2月 issue's tables have one span group's
columns (sheet merges and Word grid alike), ``build --top N`` has N ranked places."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from xladdin.cli import main
from xladdin.engine.load import sample_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: columns of one span group's tables 1–7: the name column and value, YoY (table 1);
#: value, share, YoY (table 2, 3); name, value, YoY (rankings)
ONE_SPAN = [3, 4, 4, 3, 3, 3, 3]


@pytest.fixture(scope="module")
def jan_feb(tmp_path_factory) -> dict[str, Path]:
    """The 1-2月 issue as build writes it and as refresh of a monthly workbook writes it."""
    folder = tmp_path_factory.mktemp("janfeb")
    out = {name: folder / name for name in ("b.xlsx", "b.docx", "m.xlsx")}
    assert main(["build", "--demo", "--period", "2025-02", "--jan-feb", "-o", str(out["b.xlsx"]),
                 "--docx", str(out["b.docx"])]) == 0
    assert main(["init", "--demo", "--period", "2025-02", "--jan-feb", str(out["m.xlsx"])]) == 0
    assert main(["refresh", str(out["m.xlsx"]), "--docx"]) == 0
    out["m.docx"] = next(folder.glob("m_*.docx"))
    return out


def word_tables(path: Path) -> list[tuple[int, list[int]]]:
    """Each table's grid columns and the columns each of its rows covers (spans counted)."""
    from lxml import etree

    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    out = []
    for table in body.iter(f"{{{W}}}tbl"):
        grid = len(table.findall(f"{{{W}}}tblGrid/{{{W}}}gridCol"))
        widths = [sum(int((tc.find(f"{{{W}}}tcPr/{{{W}}}gridSpan") is not None and
                           tc.find(f"{{{W}}}tcPr/{{{W}}}gridSpan").get(f"{{{W}}}val")) or 1)
                      for tc in tr.findall(f"{{{W}}}tc")) for tr in table.findall(f"{{{W}}}tr")]
        out.append((grid, widths))
    return out


@pytest.mark.parametrize("name", ["b.docx", "m.docx"])
def test_jan_feb_word_tables_have_exactly_their_columns(jan_feb, name):
    tables = word_tables(jan_feb[name])
    assert [grid for grid, _ in tables] == ONE_SPAN
    for (_, rows), columns in zip(tables, ONE_SPAN):
        assert rows and all(width == columns for width in rows)
    # no empty column: every column of table 1's body has its figures
    from docx import Document

    first = Document(str(jan_feb[name])).tables[0]
    assert all(cell.text.strip() for row in first.rows[2:] for cell in row.cells)


def test_jan_feb_sheets_merge_only_their_columns(jan_feb):
    book = openpyxl.load_workbook(jan_feb["b.xlsx"])
    for no, columns in enumerate(ONE_SPAN, start=1):
        sheet = book[f"表{no}"]
        merges = [m for m in sheet.merged_cells.ranges]
        assert all(m.max_col <= columns for m in merges), (no, [str(m) for m in merges])
        header = sorted(str(m) for m in merges if m.min_row == 3)
        expected = {"overview": ["A3:A4", "B3:C3"], "composition": ["A3:A4", "B3:D3"], "ranking": ["A3:C3"]}
        kind = "overview" if no == 1 else "composition" if no in (2, 3) else "ranking"
        assert header == expected[kind]


def test_monthly_workbook_of_a_jan_feb_issue_keeps_both_groups(jan_feb):
    """The monthly workbook's blocks stay fixed (two span groups), the second left blank."""
    sheet = openpyxl.load_workbook(jan_feb["m.xlsx"])["表1"]
    assert sorted(str(m) for m in sheet.merged_cells.ranges if m.min_row == 3) == ["A3:A4", "B3:C3", "D3:E3"]


@pytest.fixture(scope="module")
def province_exports() -> pd.Series:
    """Plain sums of July 2025's province export rows, largest first."""
    frame = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    rows = frame[(frame["period"] == "202507") & (frame["flow"] == "出口") & (frame["province_name"] != "")]
    return rows.groupby("province_name")["value_usd"].apply(lambda v: v.astype("int64").sum()) \
        .sort_values(ascending=False)


def test_top_15_shows_15_rows(tmp_path, province_exports):
    out = tmp_path / "top.xlsx"
    assert main(["build", "--demo", "--top", "15", "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert len(province_exports) > 15
    table6 = book["表6"]
    names = [table6.cell(5 + i, 1).value for i in range(15)]
    # the report names a province short (广东 for 广东省, 新疆 for 新疆维吾尔自治区)
    assert all(full.startswith(short) for short, full in zip(names, province_exports.index[:15], strict=True))
    for i, total in enumerate(province_exports.iloc[:15]):
        assert table6.cell(5 + i, 2).value == pytest.approx(total / 1e8, abs=1e-6)
    assert table6.cell(20, 1).value is None  # the blank row before the notes
    assert "前15" in table6.cell(21, 1).value
    for no in (4, 5):  # regions, then 排名前15地区 and its 15 partners
        sheet = book[f"表{no}"]
        assert sheet.cell(8, 1).value == "排名前15地区"
        ranked = [sheet.cell(9 + i, 1).value for i in range(16)]
        assert all(ranked[:15]) and ranked[15] is None
        values = [sheet.cell(9 + i, 2).value for i in range(15)]
        assert values == sorted(values, reverse=True)
    for no in (6, 7):
        assert all(book[f"表{no}"].cell(5 + i, 1).value for i in range(15))


def test_top_is_refused_where_the_workbook_has_fixed_places(tmp_path, capsys):
    assert main(["init", "--demo", "--top", "15", str(tmp_path / "m.xlsx")]) == 2
    assert "--top 15" in capsys.readouterr().err and not (tmp_path / "m.xlsx").exists()
    template = tmp_path / "t.xlsx"
    from xladdin.report.template import make_template

    make_template().save(template)
    assert main(["build", "--demo", "--top", "15", "--template", str(template),
                 "-o", str(tmp_path / "b.xlsx")]) == 2
    assert re.search(r"--top 15 with --template", capsys.readouterr().err)
    assert not (tmp_path / "b.xlsx").exists()


def test_report_document_tables_cover_their_columns():
    """Every header row and body row of the document's tables covers exactly its columns, in
    a usual and a 1-2月 issue; a ranking has ``top`` places (empty ones where the data has fewer)."""
    from xladdin.engine.load import demo
    from xladdin.engine.settings import Settings
    from xladdin.report.compose import report_document
    from xladdin.report.document import Table

    for settings, period, columns in ((Settings(top_n=12), "2025-07", [5, 7, 7, 6, 6, 6, 6]),
                                      (Settings(jan_feb=True), "2025-02", ONE_SPAN)):
        document = report_document(demo(settings), period)
        tables = [piece for piece in document.body if isinstance(piece, Table)]
        assert [t.no for t in tables] == list(range(1, 8)) and [t.columns for t in tables] == columns
        for table in tables:
            assert sum(c.span for c in table.head[0]) == table.columns
            tall = sum(c.span for c in table.head[0] if c.rows == 2)
            assert sum(c.span for c in table.head[1]) + tall == table.columns
            for row in table.body:
                assert len(row.cells) == (1 if row.section else table.columns)
            if table.kind == "ranking":
                places = [r for r in table.body if not r.section]
                regions = 2 if table.no in (4, 5) else 0
                assert len(places) == regions + settings.top_n
