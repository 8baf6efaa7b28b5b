"""Hostile input, as a user might give it: every case ends in the right numbers (exit 0) or
one `error:` sentence naming the place and the fix (exit 2), with no traceback, inputs
byte-identical and nothing left behind. The harness is the corpus's (test_bad_inputs).

Cases are grouped by what went wrong before: silently wrong numbers, corrupt output, lost
data, overwritten input, a broken values-only promise, crashes and internal errors,
refused valid input, and what a new user meets first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from tests.test_bad_inputs import E8, Case, build, run_case, sample_plus
from xladdin.cli import main
from xladdin.engine.load import demo, sample_path
from xladdin.engine.raw import read_xlsx_table
from xladdin.engine.tables import compute_tables
from xladdin.files.lock import WorkbookLock
from xladdin.ooxml.xlsxpatch import XlsxPatch

SAMPLE = sample_path().read_text(encoding="utf-8")


@cache
def sample_tables(period: str = "2025-07") -> str:
    """The sample's tables as JSON text: what a valid variant of it must reproduce."""
    return json.dumps(compute_tables(demo(), period)["tables"], ensure_ascii=False, sort_keys=True)


def same_tables_as_sample(tmp: Path, out: str) -> None:
    assert json.dumps(json.loads(out)["tables"], ensure_ascii=False, sort_keys=True) == sample_tables()


def variant(tmp: Path, text: str, name: str = "raw.csv") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def tables(path: Path, *extra: str) -> list[str]:
    return ["tables", str(path), "--period", "2025-07", "--json", *extra]


def sample_variant(edit, exit: int = 0, line: str = "", check=same_tables_as_sample, args=()):
    """A case: the sample rewritten by ``edit`` (text -> text), through ``tables --json``."""
    def make(tmp: Path) -> Case:
        return Case(tables(variant(tmp, edit(SAMPLE)), *args), exit, line, check=check if not exit else None)
    return make


def strict_xml(path: Path) -> None:
    """Every XML part of an xlsx parses as strict XML (what Excel and LibreOffice need)."""
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(book.read(name))


# --- monthly workbooks to attack ---------------------------------------------------------

@cache
def _monthly(period: str | None) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="xladdin-hostile-"))
    path = folder / "月报.xlsx"
    assert main(["init", str(path), str(sample_path()), *(["--period", period] if period else [])]) == 0
    return path


def monthly(tmp: Path, period: str | None = None, name: str = "月报.xlsx") -> Path:
    return Path(shutil.copy(_monthly(period), tmp / name))


def edit_zip(path: Path, edits: dict) -> None:
    """Rewrite members of an xlsx in place: name -> function(bytes) -> bytes (None drops it)."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename in edits:
                data = edits[info.filename](data)
                if data is None:
                    continue
            dst.writestr(info, data)


def raw_part(path: Path) -> str:
    patch = XlsxPatch(path)
    try:
        return patch.parts["原始数据"]
    finally:
        patch.close()


def name_points_to(path: Path, name: str, target: str) -> None:
    def edit(xml: bytes) -> bytes:
        return re.sub(rf'(<definedName name="{name}"[^>]*>)[^<]*'.encode(), rb"\g<1>" + target.encode(), xml)
    edit_zip(path, {"xl/workbook.xml": edit})


# --- silently wrong numbers --------------------------------------------------------------

HS6_OF_HS8 = "202507,出口,854231,,,,,5720000000\n"  # = 85423111 + 85423119 + 85423190 of July


def hs6_beside_its_hs8(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, HS6_OF_HS8)), 0, "", check=same_tables_as_sample)


def hs6_disagrees_with_hs8(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "202507,出口,854231,,,,,5000000000\n")), 2,
                r"export 2025-07: product 854231: its HS6 rows say 5,000,000,000 USD but its HS8 rows "
                r"add up to 5,720,000,000 \(HS6 raw\.csv row 3320; HS8 raw\.csv rows .*delete its HS6 rows")


def hs6_beside_hs8_in_another_file(tmp: Path) -> Case:
    extra = variant(tmp, "period,flow,hs_code,value_usd\n" + HS6_OF_HS8.replace(",,,,,", ","), "hs6.csv")
    return Case(["tables", str(sample_plus(tmp)), str(extra), "--period", "2025-07", "--json"], 0, "",
                check=same_tables_as_sample)


def _floats(column: int):
    def edit(text: str) -> str:
        lines = text.splitlines(keepends=True)
        out = [lines[0]]
        for line in lines[1:]:
            cells = line.split(",")
            if cells[column].strip():
                cells[column] = cells[column] + ".0"
            out.append(",".join(cells))
        return "".join(out)
    return edit


def same_file_twice(tmp: Path) -> Case:
    path = sample_plus(tmp)
    return Case(["tables", str(path), str(path), "--period", "2025-07"], 2,
                r"rows appear more than once.*pass --force")


def ambiguous_period_cell(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, f"20257,出口,8542,,,,,{E8}\n")), 2,
                r"raw\.csv row 3320, column period: '20257' is not a month; write months as YYYYMM")


def ambiguous_period_argument(tmp: Path) -> Case:
    return Case(["tables", "--demo", "--period", "20257"], 2, r"'20257' is ambiguous.*write the month as YYYY-MM")


def one_month_range_cell(tmp: Path) -> Case:
    text = SAMPLE.replace("\n202507,", "\n2025-07..2025-07,")
    return Case(tables(variant(tmp, text)), 0, "", check=same_tables_as_sample)


def one_month_range_argument(tmp: Path) -> Case:
    july = [line for line in SAMPLE.splitlines() if line.startswith("202507,出口,8542,")]
    body = "".join(line.split(",", 1)[1] + "\n" for line in july)
    download = variant(tmp, "flow,hs_code,partner_code,partner_name,province_code,province_name,value_usd\n"
                       + body, "july.csv")
    rest = sample_plus(tmp, drop=r"^202507,出口,8542,")
    return Case(["tables", str(rest), str(download), "--data-period", "2025-07..2025-07",
                 "--period", "2025-07", "--json"], 0, "", check=same_tables_as_sample)


# --- corrupt output ----------------------------------------------------------------------

CONTROL_NAME = f"202507,出口,8542,998,神秘\x0b国\x00,,,{E8}\n202407,出口,8542,998,神秘\x0b国\x00,,,{E8}\n"


def control_characters_kept_out(tmp: Path) -> Case:
    out = tmp / "out.xlsx"

    def check(tmp: Path, _: str) -> None:
        strict_xml(out)
        table, _ = read_xlsx_table(out)
        assert len(table) == SAMPLE.count("\n") - 1 + 2  # every raw row is there
        assert "神秘国" in set(table["贸易伙伴名称"])
        body = json.dumps(XlsxPatch(out).read("T4_BODY"), ensure_ascii=False)
        assert "\\u000b" not in body

    return Case(["build", str(sample_plus(tmp, CONTROL_NAME)), "-o", str(out), "--include-raw"], 0,
                r"partner codes not in the reference list: 998", check=check)


def control_characters_in_init(tmp: Path) -> Case:
    out = tmp / "work.xlsx"

    def check(tmp: Path, _: str) -> None:
        strict_xml(out)
        assert len(read_xlsx_table(out)[0]) == SAMPLE.count("\n") - 1 + 2

    return Case(["init", str(out), str(sample_plus(tmp, CONTROL_NAME))], 0, r"not in the reference list: 998",
                check=check)


def control_character_in_a_ranked_name(tmp: Path) -> Case:
    out = tmp / "out.xlsx"

    def check(tmp: Path, _: str) -> None:
        strict_xml(out)
        from openpyxl import load_workbook

        names = [c.value for row in load_workbook(out)["表4"].iter_rows() for c in row]
        assert "大\t客户" in names or "大客户" in names

    big = f"202507,出口,8542,998,大\x01客户,,,90000000000\n202407,出口,8542,998,大\x01客户,,,{E8}\n"
    return Case(["build", str(sample_plus(tmp, big)), "-o", str(out)], 0, "", check=check)


def name_beyond_the_cell_limit(tmp: Path) -> Case:
    out = tmp / "out.xlsx"
    long = "长" * 40_000

    def check(tmp: Path, _: str) -> None:
        strict_xml(out)
        table, _ = read_xlsx_table(out)
        assert table["贸易伙伴名称"].str.len().max() == 32_767

    rows = f"202507,出口,8542,998,{long},,,{E8}\n202407,出口,8542,998,{long},,,{E8}\n"
    return Case(["build", str(sample_plus(tmp, rows)), "-o", str(out), "--include-raw"], 0, "", check=check)


# --- lost data ---------------------------------------------------------------------------

def import_keeps_text_values(tmp: Path) -> Case:
    work = monthly(tmp)
    part = raw_part(work)
    edit_zip(work, {part: lambda xml: re.sub(rb'(<c r="H2"[^>]*?)><v>[^<]*</v></c>',
                                              rb'\1 t="inlineStr"><is><t>2,074,900,000</t></is></c>', xml, count=1)})
    download = variant(tmp, "period,flow,hs_code,partner_code,value_usd\n209912,出口,8542,133,1\n".replace(
        "209912", "202508"), "new.csv")
    before = read_xlsx_table(work)[0]

    def check(tmp: Path, _: str) -> None:
        after = read_xlsx_table(work)[0]
        assert len(after) == len(before) + 1
        assert after.iloc[0].tolist() == before.iloc[0].tolist()
        assert after.iloc[0]["美元"] == "2,074,900,000"

    case = Case(["import", str(download), "--into", str(work)], 0, "", check=check)
    case.argv_inputs_change = True
    return case


def import_while_locked(tmp: Path) -> Case:
    work = monthly(tmp)
    download = variant(tmp, "period,flow,hs_code,partner_code,value_usd\n202508,出口,8542,133,1\n", "new.csv")
    lock = WorkbookLock(work).__enter__()
    LOCKS.append(lock)  # held for the run, released at the test's end
    return Case(["import", str(download), "--into", str(work)], 2,
                r"月报\.xlsx: another xladdin import or refresh is writing this workbook; wait")


def refresh_while_locked(tmp: Path) -> Case:
    work = monthly(tmp)
    LOCKS.append(WorkbookLock(work).__enter__())
    return Case(["refresh", str(work)], 2, r"another xladdin import or refresh is writing this workbook")


LOCKS: list[WorkbookLock] = []


# --- overwritten input -------------------------------------------------------------------

def name_into_raw_sheet(tmp: Path) -> Case:
    work = monthly(tmp)
    name_points_to(work, "T1_BODY", "'原始数据'!$A$2:$E$5")
    return Case(["refresh", str(work)], 2, r"the defined name T1_BODY points into the sheet 原始数据, which "
                r"holds data that would be overwritten; make it refer")


def name_into_settings(tmp: Path) -> Case:
    work = monthly(tmp)
    name_points_to(work, "T4_BODY", "'设置'!$A$1:$F$14")
    return Case(["refresh", str(work)], 2, r"T4_BODY points into the sheet 设置")


def names_overlap(tmp: Path) -> Case:
    work = monthly(tmp)
    name_points_to(work, "T2_BODY", "'表2'!$A$3:$G$7")
    return Case(["refresh", str(work)], 2, r"the defined names T2_HEAD and T2_BODY point to overlapping cells")


def name_off_the_sheet(tmp: Path) -> Case:
    work = monthly(tmp)
    name_points_to(work, "T6_BODY", "'表6'!$XFA$1048570:$XFD$1048576")
    return Case(["refresh", str(work)], 2, r"T6_BODY points so near the edge of sheet 表6")


def finished_copy_is_a_folder(tmp: Path) -> Case:
    work = monthly(tmp)
    (tmp / "月报_发布版.xlsx").mkdir()
    return Case(["refresh", str(work)], 2, r"月报_发布版\.xlsx: that is a folder; name the \.xlsx file")


def finished_copy_read_only(tmp: Path) -> Case:
    work = monthly(tmp)
    done = tmp / "月报_发布版.xlsx"
    done.write_bytes(b"last month")
    done.chmod(0o444)
    return Case(["refresh", str(work)], 2, r"月报_发布版\.xlsx: the file is read-only")


def refresh_name_too_long_for_finished_copy(tmp: Path) -> Case:
    work = monthly(tmp, name="月" * 82 + ".xlsx")  # 251 bytes; with _发布版 over 255
    return Case(["refresh", str(work)], 2, r"the file name is longer than 255 bytes; choose a shorter name")


# --- values only -------------------------------------------------------------------------

def _template_with(tmp: Path, edit) -> Path:
    from openpyxl import load_workbook

    from xladdin.report.template import TEMPLATE_PATH

    book = load_workbook(TEMPLATE_PATH)
    edit(book)
    path = tmp / "mine.xlsx"
    book.save(path)
    return path


def template_with_formula(tmp: Path) -> Case:
    template = _template_with(tmp, lambda b: b["表1"].cell(30, 2, "=1+1"))
    return build_with(tmp, template, r"sheet 表1, cell B30: the template holds a formula there, but the "
                      r"finished workbook holds values only; remove it from the template")


def template_with_link(tmp: Path) -> Case:
    def edit(book):
        cell = book["封面"].cell(25, 1, "官网")
        cell.hyperlink = "http://example.com/"
    template = _template_with(tmp, edit)
    return build_with(tmp, template, r"sheet 封面, cell A25: the template links outside the workbook")


def build_with(tmp: Path, template: Path, line: str) -> Case:
    case = build(tmp, sample_plus(tmp), extra=("--template", str(template)))
    case.line = line
    return case


# --- crashes and internal errors ---------------------------------------------------------

def stray_cell(tmp: Path) -> Case:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "原始数据"
    sheet.append(["数据年月", "进出口", "商品编码", "美元"])
    sheet.append(["202507", "出口", "854231", 5])
    sheet["XFD100000"] = "x"
    book.save(tmp / "stray.xlsx")
    return Case(tables(tmp / "stray.xlsx"), 2, r"stray\.xlsx, sheet 原始数据: the sheet reaches cell "
                r"XFD100000, far beyond a raw table; delete the stray cells")


def stray_cell_without_dimension(tmp: Path) -> Case:
    case = stray_cell(tmp)
    edit_zip(tmp / "stray.xlsx", {"xl/worksheets/sheet1.xml": lambda x: re.sub(rb"<dimension[^>]*/>", b"", x)})
    return case


def folder_as_input(tmp: Path) -> Case:
    (tmp / "downloads").mkdir()
    return Case(["tables", str(tmp / "downloads")], 2, r"downloads: that is a folder; name the raw files in it")


def long_output_name(tmp: Path) -> Case:
    return Case(["demo", "-o", str(tmp / ("报" * 90 + ".xlsx"))], 2, r"the file name is longer than 255 bytes")


def output_under_a_file(tmp: Path) -> Case:
    (tmp / "file.csv").write_text("a,b\n")
    return Case(["demo", "-o", str(tmp / "file.csv" / "out.xlsx")], 2, r"file\.csv is a file, not a folder; "
                r"check the output path")


def output_is_a_folder(tmp: Path) -> Case:
    (tmp / "out.xlsx").mkdir()
    return Case(["demo", "-o", str(tmp / "out.xlsx")], 2, r"out\.xlsx: that is a folder; name the \.xlsx file")


def refresh_a_folder(tmp: Path) -> Case:
    (tmp / "book.xlsx").mkdir()
    return Case(["refresh", str(tmp / "book.xlsx")], 2, r"book\.xlsx: that is a folder, not a workbook")


def import_into_a_folder(tmp: Path) -> Case:
    (tmp / "book.xlsx").mkdir()
    download = variant(tmp, "period,flow,hs_code,value_usd\n202508,出口,8542,1\n", "new.csv")
    return Case(["import", str(download), "--into", str(tmp / "book.xlsx")], 2,
                r"book\.xlsx: that is a folder, not a workbook")


def import_a_folder(tmp: Path) -> Case:
    work = monthly(tmp)
    (tmp / "downloads").mkdir()
    return Case(["import", str(tmp / "downloads"), "--into", str(work)], 2, r"downloads: that is a folder")


SST = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{}</t></si></sst>')


def period_as_shared_string(tmp: Path, index: int, text: str | None) -> Path:
    """A workbook whose report-month cell is shared text (as Excel saves it): string ``index``
    of a shared-strings part holding ``text`` (no such part when None)."""
    work = monthly(tmp, "2025-07")
    patch = XlsxPatch(work)
    sheet, row, col = patch.anchor("SET_PERIOD")
    part = patch.parts[sheet]
    patch.close()
    ref = f"{chr(64 + col)}{row}".encode()
    edits = {part: lambda x: re.sub(rb'(<c r="' + ref + rb'"[^>]*?) t="inlineStr"><is><t>[^<]*</t></is>',
                                    rb'\g<1> t="s"><v>' + str(index).encode() + b"</v>", x)}
    if text is not None:
        def types(xml: bytes) -> bytes:
            return xml.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                               b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')

        def rels(xml: bytes) -> bytes:
            return xml.replace(b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxml'
                               b'formats.org/officeDocument/2006/relationships/sharedStrings" Target="shared'
                               b'Strings.xml"/></Relationships>')
        edits |= {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels}
    edit_zip(work, edits)
    if text is not None:
        with zipfile.ZipFile(work, "a") as book:
            book.writestr("xl/sharedStrings.xml", SST.format(text))
    return work


def shared_strings_missing(tmp: Path) -> Case:
    work = period_as_shared_string(tmp, 0, None)
    return Case(["refresh", str(work)], 2, r"cell 设置!B3: the cell refers to shared text the workbook does "
                r"not hold \(the file is damaged\); open it in Excel")


def shared_string_out_of_range(tmp: Path) -> Case:
    work = period_as_shared_string(tmp, 99999, "2025-07")
    return Case(["refresh", str(work)], 2, r"cell 设置!B3: the cell refers to shared text the workbook does "
                r"not hold")


def period_setting_ambiguous(tmp: Path) -> Case:
    work = period_as_shared_string(tmp, 0, "20257")
    return Case(["refresh", str(work)], 2, r"'20257' is ambiguous")


def truncated_workbook(tmp: Path) -> Case:
    work = monthly(tmp)
    data = work.read_bytes()
    work.write_bytes(data[: len(data) // 2])
    return Case(["refresh", str(work)], 2, r"月报\.xlsx: not a readable xlsx workbook; open and save it again")


# --- refused valid input -----------------------------------------------------------------

def blank_lines(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(line + ("\n" if i % 500 == 7 else "") for i, line in enumerate(lines)) + "\n\n"


def comma_rows(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(line + (",,,,,,,\n" if i % 400 == 9 else "") for i, line in enumerate(lines)) + ",,,,,,,\n"


# --- a new user --------------------------------------------------------------------------

def build_demo(tmp: Path) -> Case:
    out = tmp / "demo.xlsx"
    return Case(["build", "--demo", "-o", str(out)], 0, "", check=lambda t, o: strict_xml(out))


def tables_latest_month(tmp: Path) -> Case:
    def check(tmp: Path, out: str) -> None:
        result = json.loads(out)
        assert result["period"] == "2025-07"
        same_tables_as_sample(tmp, out)
    return Case(["tables", "--demo", "--json"], 0, "", check=check)


def json_says_the_convention(tmp: Path) -> Case:
    def check(tmp: Path, out: str) -> None:
        assert json.loads(out)["net_yoy"] == "abs_diff"
    return Case(["tables", "--demo", "--json", "--net-yoy", "abs_diff", "--table", "1"], 0, "", check=check)


def month_beyond_the_demo(tmp: Path) -> Case:
    return Case(["tables", "--demo", "--period", "2025-09"], 2,
                r"lacks 2025-08, 2025-09 \(the data hold 2024-01 to 2025-07\).*choose a report month the data cover")


def forced_report_says_so(tmp: Path) -> Case:
    out = tmp / "out.xlsx"

    def check(tmp: Path, _: str) -> None:
        patch = XlsxPatch(out)
        try:
            assert patch.read("COVER_SUBTITLE") == "（2025年1-7月）〔数据审核发现1项错误，经 --force 强制生成〕"
        finally:
            patch.close()

    raw = sample_plus(tmp, "202507,出口,85423190,133,韩国,44,广东省,12345\n" * 2)
    return Case(["build", str(raw), "-o", str(out), "--force"], 0, "", check=check)


def forced_json_lists_the_errors(tmp: Path) -> Case:
    def check(tmp: Path, out: str) -> None:
        forced = json.loads(out)["forced"]
        assert len(forced) == 1 and "appear more than once" in forced[0]

    raw = sample_plus(tmp, "202507,出口,85423190,133,韩国,44,广东省,12345\n" * 2)
    return Case(tables(raw, "--force"), 0, "", check=check)


def line_break_in_a_value(tmp: Path) -> Case:
    path = sample_plus(tmp, "202507,出口,8542,,,,,12\x1c34\u202856\n")
    return Case(tables(path), 2, r"raw\.csv row 3320, column value_usd: '12\\x1c34\\u202856' is not a number")


def byte_order_mark_only(tmp: Path) -> Case:
    (tmp / "bom.csv").write_bytes(b"\xef\xbb\xbf")
    return Case(tables(tmp / "bom.csv"), 2, r"bom\.csv: the file is empty; download or export it again")


HOSTILE = {
    # silently wrong numbers
    "HS6 row beside its own HS8 rows": hs6_beside_its_hs8,
    "HS6 row disagrees with its HS8 rows": hs6_disagrees_with_hs8,
    "HS6 row in another file": hs6_beside_hs8_in_another_file,
    "partner codes as floats": sample_variant(_floats(3)),
    "province codes as floats": sample_variant(_floats(5)),
    "HS codes as floats": sample_variant(_floats(2)),
    "periods as floats": sample_variant(_floats(0)),
    "same file given twice to tables": same_file_twice,
    "period cell 20257": ambiguous_period_cell,
    "--period 20257": ambiguous_period_argument,
    "one-month range in the period column": one_month_range_cell,
    "--data-period of one month as a range": one_month_range_argument,
    # corrupt output
    "control characters in a name (build --include-raw)": control_characters_kept_out,
    "control characters in a name (init)": control_characters_in_init,
    "control character in a ranked name": control_character_in_a_ranked_name,
    "name longer than a cell holds": name_beyond_the_cell_limit,
    # lost data
    "import keeps a raw value written as text": import_keeps_text_values,
    "import while another import writes": import_while_locked,
    "refresh while another import writes": refresh_while_locked,
    # overwritten input
    "defined name edited into 原始数据": name_into_raw_sheet,
    "defined name edited into 设置": name_into_settings,
    "defined names overlap": names_overlap,
    "defined name off the sheet's edge": name_off_the_sheet,
    "finished copy's name is a folder": finished_copy_is_a_folder,
    "finished copy is read-only": finished_copy_read_only,
    "finished copy's name too long": refresh_name_too_long_for_finished_copy,
    # values only
    "template with a formula": template_with_formula,
    "template with a web link": template_with_link,
    # crashes and internal errors
    "stray cell at XFD100000": stray_cell,
    "stray cell, no dimension": stray_cell_without_dimension,
    "folder as raw input": folder_as_input,
    "output name over 255 bytes": long_output_name,
    "output under a file": output_under_a_file,
    "output is a folder": output_is_a_folder,
    "refresh a folder": refresh_a_folder,
    "import --into a folder": import_into_a_folder,
    "import a folder": import_a_folder,
    "shared strings missing": shared_strings_missing,
    "shared string index out of range": shared_string_out_of_range,
    "truncated workbook": truncated_workbook,
    "report month setting 20257": period_setting_ambiguous,
    "line separators in a bad value": line_break_in_a_value,
    "a file of a byte-order mark only": byte_order_mark_only,
    # refused valid input
    "blank lines in a CSV": sample_variant(blank_lines),
    "rows of commas in a CSV": sample_variant(comma_rows),
    # a new user
    "build --demo": build_demo,
    "tables without --period": tables_latest_month,
    "JSON names its net-YoY convention": json_says_the_convention,
    "month beyond the demo data": month_beyond_the_demo,
    "a forced report says so": forced_report_says_so,
    "forced JSON lists the errors": forced_json_lists_the_errors,
}


def test_the_corpus_grew_by_forty():
    assert len(HOSTILE) >= 40


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input(name, tmp_path, capsys):
    try:
        case = HOSTILE[name](tmp_path)
        if getattr(case, "argv_inputs_change", False):  # import changes its workbook by design
            capsys.readouterr()
            status = main(case.argv)
            out, err = capsys.readouterr()
            assert status == 0 and "Traceback" not in out + err, out + err
            case.check(tmp_path, out)
            return
        run_case(case, tmp_path, capsys)
    finally:
        while LOCKS:
            LOCKS.pop().__exit__()


def test_libreoffice_reads_every_raw_row_despite_control_characters(tmp_path):
    """The case that once lost half the rows: names with control characters in 原始数据."""
    from tests.office import sheets_as_shown

    out = tmp_path / "out.xlsx"
    assert main(["build", str(sample_plus(tmp_path, CONTROL_NAME)), "-o", str(out), "--include-raw"]) == 0
    raw = sheets_as_shown(out, tmp_path / "shown")["原始数据"]
    assert len([row for row in raw if any(row)]) == SAMPLE.count("\n") + 2  # header + every row
    assert sum(row.count("神秘国") for row in raw) == 2


def test_ribbon_refuses_a_name_edited_into_the_raw_sheet(tmp_path):
    """The Excel back end checks every target too, before its first write (replayed on the
    fake, whose ranges answer sheet, row and column as xlwings' Range does)."""
    from tests.fake_xlwings import FakeBook
    from xladdin.errors import XladdinError
    from xladdin.excel.live import XlwingsBackend
    from xladdin.report.render import apply, build_plan

    work = monthly(tmp_path)
    name_points_to(work, "T1_BODY", "'原始数据'!$A$2:$E$5")
    book = FakeBook(work)
    with pytest.raises(XladdinError, match="T1_BODY points into the sheet 原始数据"):
        apply(build_plan(demo(), "2025-07"), XlwingsBackend(book))
    assert book.writes == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_raw_file_is_a_sentence(tmp_path, capsys):
    raw = sample_plus(tmp_path)
    raw.chmod(0)
    run_case(Case(tables(raw), 2, r"raw\.csv: the file cannot be read \(permission denied\); check its "
                  r"permissions"), tmp_path, capsys)


def test_an_unreadable_raw_file_is_a_sentence_even_for_root(tmp_path, capsys, monkeypatch):
    """The same refusal where the system says no (replayed: the tests may run as root)."""
    import xladdin.engine.raw as raw_module

    raw = sample_plus(tmp_path)
    monkeypatch.setattr(raw_module.os, "access", lambda path, mode: Path(path) != raw)
    run_case(Case(tables(raw), 2, r"raw\.csv: the file cannot be read \(permission denied\)"), tmp_path, capsys)


def test_an_os_error_deep_inside_is_a_sentence(tmp_path, capsys, monkeypatch):
    """Any operating-system error that escapes the checks still ends as one sentence."""
    import errno

    import xladdin.engine.raw as raw_module

    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(raw_module, "read_csv_table", refuse)
    raw = sample_plus(tmp_path)
    run_case(Case(tables(raw), 2, r"raw\.csv: permission denied; check the file's and folder's permissions"),
             tmp_path, capsys)


def test_refresh_writes_both_files_or_neither(tmp_path, capsys, monkeypatch):
    """The finished copy is complete before the monthly workbook is replaced, and takes its
    name only after: a workbook that cannot be replaced leaves no finished copy either."""
    from xladdin.errors import XladdinError

    work = monthly(tmp_path)

    def changed(self) -> None:
        raise XladdinError(f"{self.path}: the workbook was changed by another program; run again")

    monkeypatch.setattr(WorkbookLock, "check_unchanged", changed)
    run_case(Case(["refresh", str(work)], 2, r"the workbook was changed by another program"), tmp_path, capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["月报.xlsx"]
