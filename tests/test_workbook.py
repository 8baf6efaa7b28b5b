"""The finished workbook, checked as a reader sees it (LibreOffice) and as a file (zip)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from tests.office import render_png, sheets_as_shown
from xladdin.cli import main
from xladdin.engine import load
from xladdin.engine.load import sample_path
from xladdin.engine.raw import read_raw, read_xlsx_table
from xladdin.engine.tables import compute_tables
from xladdin.report.template import TEMPLATE_PATH

# The titles as the published report words them (written out here, not taken from the code).
TITLES = {
    "1": "表1：2025年7月中国芯片产品贸易进出口概况（亿美元）",
    "2": "表2：2025年7月中国芯片分产品出口情况（亿美元）",
    "3": "表3：2025年7月中国芯片分产品进口情况（亿美元）",
    "4": "表4：2025年7月中国主要芯片产品贸易出口目的地（亿美元）",
    "5": "表5：2025年7月中国前十大芯片产品贸易进口来源地（亿美元）",
    "6": "表6：2025年7月中国芯片产品分省出口情况（亿美元）",
    "7": "表7：2025年7月中国芯片产品分省进口情况（亿美元）",
}


def shown(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def expected_rows(no: str, body) -> list[list[str]]:
    """The table body as a reader should see it, from the engine's JSON."""
    if no == "1":
        return [[r["label"], shown(r["month"]["value"]), shown(r["month"]["yoy"]),
                 shown(r["ytd"]["value"]), shown(r["ytd"]["yoy"])] for r in body]
    if no in ("2", "3"):
        return [[r["label"]] + [shown(r[s][k]) for s in ("month", "ytd") for k in ("value", "share", "yoy")]
                for r in body]
    rows = []
    if "regions" in body:
        rows.append(["重点区域", "", "", "", "", ""])
        rows += [[r["label"], shown(r["month"]["value"]), shown(r["month"]["yoy"]),
                  r["label"], shown(r["ytd"]["value"]), shown(r["ytd"]["yoy"])] for r in body["regions"]]
        rows.append(["排名前10地区", "", "", "", "", ""])
    rows += [[m["label"], shown(m["value"]), shown(m["yoy"]), y["label"], shown(y["value"]), shown(y["yoy"])]
             for m, y in zip(body["month"], body["ytd"])]
    return rows


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "月报.xlsx"
    assert main(["demo", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def as_shown(finished, tmp_path_factory):
    return sheets_as_shown(finished, tmp_path_factory.mktemp("csv"))


def test_libreoffice_shows_every_number_title_and_label(as_shown, demo_result):
    assert_shown_report(as_shown, demo_result)


def assert_values_only(path: Path, raw_sheet: bool = False) -> None:
    """No formula, macro or external link; the raw sheet only when asked for."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert not [n for n in names if "vbaProject" in n or "externalLink" in n]
        workbook = z.read("xl/workbook.xml").decode()
        assert ("原始数据" in workbook) == raw_sheet and "设置" not in workbook
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml


def assert_shown_report(as_shown: dict, result: dict) -> None:
    """What LibreOffice shows equals the engine's result rounded to 0.1, with every text."""
    assert set(as_shown) == {"封面", "正文", "表1", "表2", "表3", "表4", "表5", "表6", "表7", "图表", "月度数据"}
    text = [r[0] for r in as_shown["正文"] if r and r[0]]
    assert text[:2] == ["一、贸易总体情况", f"{result['period'][:4]}年{int(result['period'][5:])}月，"
                        "中国芯片产品（即：HS编码8542的商品）贸易进出口"
                        f"{result['tables']['1'][0]['month']['value']:.1f}亿美元，" + text[1].split("亿美元，", 1)[1]]
    assert len(text) == 25 and "四、分省变化情况" in text
    for no, title in TITLES.items():
        grid = as_shown[f"表{no}"]
        assert grid[0][0] == title
        width = len(grid[4])
        body = expected_rows(no, result["tables"][no])
        assert [row[:width] for row in grid[4:4 + len(body)]] == body, f"table {no}"
        assert grid[2][0 if no in "4567" else 1] == "7月当月"
        assert "1至7月累计" in grid[2]
    assert as_shown["表1"][3] == ["", "绝对值", "同比变化（%）", "绝对值", "同比变化（%）"]
    assert as_shown["表2"][3][:4] == ["", "出口额", "占比（%）", "同比变化（%）"]
    assert as_shown["表5"][3] == ["区域", "进口额", "同比变化（%）"] * 2
    assert as_shown["表7"][3] == ["省市", "进口额", "同比变化（%）"] * 2
    notes = [r[0] for r in as_shown["表1"][9:]]
    assert "数据来源：中国海关总署，下文同。" in notes
    assert any("净进口额" in n and "2024年同期" in n for n in notes)
    assert any(r[0].startswith("注：表中省市按照进口额大小") for r in as_shown["表7"])
    cover = [r[0] for r in as_shown["封面"] if r]
    assert "中国芯片产品贸易月度监测报告" in cover and "（2025年1-7月）" in cover
    assert "数据来源：中国海关总署" in cover and "对外经济贸易大学 数字经济实验室" in cover
    assert any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line) for line in cover)
    assert all(title in cover for title in TITLES.values())


def test_renders_to_png_one_page_per_sheet(finished, tmp_path):
    pages = render_png(finished, tmp_path)
    assert len(pages) == 13  # cover, the text (2 pages), 7 tables (1 page each), charts (2), history
    assert all(p.stat().st_size > 5_000 for p in pages)


def test_finished_zip_has_no_formula_macro_link_or_raw_sheet(finished):
    assert_values_only(finished)


def test_formula_like_text_from_data_stays_text(tmp_path):
    raw = tmp_path / "raw.csv"
    extra = "".join(f'{p},出口,8542,998,=1+2,,,9000000000\n' for p in ("202407", "202507"))
    raw.write_text(sample_path().read_text(encoding="utf-8") + extra, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["build", str(raw), "--period", "2025-07", "-o", str(out)]) == 0
    book = load_workbook(out)
    cell = book["表4"]["A9"]
    assert cell.value == "=1+2" and cell.data_type == "s"
    with zipfile.ZipFile(out) as z:
        assert all("<f>" not in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_include_raw_keeps_the_raw_sheet(tmp_path):
    out = tmp_path / "with-raw.xlsx"
    assert main(["build", str(sample_path()), "-o", str(out), "--include-raw"]) == 0
    table, _ = read_xlsx_table(out)
    assert len(table) == len(read_raw([sample_path()]).frame)


def test_moved_table_lands_where_its_name_points(tmp_path, demo_result):
    template = tmp_path / "restyled.xlsx"
    book = load_workbook(TEMPLATE_PATH)
    book.defined_names["T4_BODY"] = DefinedName("T4_BODY", attr_text="'表4'!$H$30:$M$43")
    book.save(template)
    out = tmp_path / "out.xlsx"
    assert main(["build", str(sample_path()), "--template", str(template), "-o", str(out)]) == 0
    ws = load_workbook(out)["表4"]
    moved = [[c.value for c in row] for row in ws["H30:M43"]]
    assert moved[1][0] == "东盟" and moved[1][1] == pytest.approx(
        demo_result["tables"]["4"]["regions"][0]["month"]["value"])
    assert [r[0] for r in moved[4:]] == [e["label"] for e in demo_result["tables"]["4"]["month"]]
    assert ws["A6"].value is None  # nothing written at the old place


@pytest.mark.parametrize("period,month,ytd", [("2025-03", "3月当月", "1至3月累计"),
                                              ("2025-01", "1月当月", "1月累计")])
def test_labels_follow_the_period(tmp_path, period, month, ytd):
    out = tmp_path / "out.xlsx"
    assert main(["build", str(sample_path()), "--period", period, "-o", str(out)]) == 0
    book = load_workbook(out)
    y, m = period.split("-")
    assert book["表2"]["A1"].value == f"表2：{y}年{int(m)}月中国芯片分产品出口情况（亿美元）"
    assert (book["表2"]["B3"].value, book["表2"]["E3"].value) == (month, ytd)
    assert (book["表6"]["A3"].value, book["表6"]["D3"].value) == (month, ytd)


def test_refresh_after_editing_raw_data(tmp_path):
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    book = load_workbook(work)
    ws = book["原始数据"]
    target = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "202507" and r[1].value == "出口"
                  and r[2].value == "85423190")
    target[7].value += 1_000_000_000  # +10 亿美元 of July exports
    book.save(work)
    before, _ = read_xlsx_table(work)
    engine_before = compute_tables(load.demo(), "2025-07")
    assert main(["refresh", str(work)]) == 0
    after, _ = read_xlsx_table(work)
    assert before.equals(after)  # the raw data is kept exactly as it was
    refreshed = load_workbook(work)
    export_july = refreshed["表1"]["B6"].value
    assert export_july == pytest.approx(engine_before["tables"]["1"][1]["month"]["value"] + 10.0)
    shown_tables = sheets_as_shown(work, tmp_path / "csv")
    assert shown_tables["表1"][5][1] == f"{export_july:.1f}"
    finished = tmp_path / "月报_发布版.xlsx"
    assert load_workbook(finished)["表1"]["B6"].value == pytest.approx(export_july)
    assert "原始数据" not in load_workbook(finished).sheetnames
    # every table equals a fresh build from the edited raw data
    rebuilt = tmp_path / "rebuilt.xlsx"
    assert main(["build", str(work), "-o", str(rebuilt)]) == 0
    fresh = load_workbook(rebuilt)
    original = tmp_path / "original.xlsx"
    assert main(["demo", "-o", str(original)]) == 0
    unedited = load_workbook(original)
    changed = 0
    for name in fresh.defined_names:
        if name.endswith("_BODY"):
            sheet, ref = next(iter(fresh.defined_names[name].destinations))
            got = [[c.value for c in row] for row in refreshed[sheet][ref.replace("$", "")]]
            want = [[c.value for c in row] for row in fresh[sheet][ref.replace("$", "")]]
            assert got == [[pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in r] for r in want]
            before_table = [[c.value for c in row] for row in unedited[sheet][ref.replace("$", "")]]
            bit = int(name[1]) if name[1].isdigit() else {"TEXT_BODY": 0, "HIST_BODY": 8}[name]
            changed += (before_table != want) * (1 << bit)
    # the edit is in the product extract: table 1 (its totals), table 2, the text and the
    # history change, no other
    assert changed == 1 | (1 << 1) | (1 << 2) | (1 << 8)


def test_output_errors_leave_nothing_behind(tmp_path, capsys):
    missing = tmp_path / "nope" / "out.xlsx"
    assert main(["demo", "-o", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "does not exist" in err and not missing.parent.exists()
    readonly = tmp_path / "ro.xlsx"
    readonly.write_bytes(b"old")
    readonly.chmod(0o444)
    if not __import__("os").access(readonly, __import__("os").W_OK):  # root may write anyway
        assert main(["demo", "-o", str(readonly)]) == 2
        assert "read-only" in capsys.readouterr().err and readonly.read_bytes() == b"old"
    src = tmp_path / "raw.csv"
    shutil.copy(sample_path(), src)
    assert main(["build", str(src), "-o", str(tmp_path / "raw.csv.xlsx")]) == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_committed_template_matches_the_generator():
    from xladdin.report.template import make_template

    committed = load_workbook(TEMPLATE_PATH)
    fresh = make_template()
    assert committed.sheetnames == fresh.sheetnames
    assert {n: str(committed.defined_names[n].attr_text) for n in committed.defined_names} == \
        {n: str(fresh.defined_names[n].attr_text) for n in fresh.defined_names}
    for name in fresh.sheetnames:
        assert [[c.value for c in r] for r in committed[name].iter_rows()] == \
            [[c.value for c in r] for r in fresh[name].iter_rows()]
        assert re.sub(r"\s", "", str(committed[name].merged_cells)) == \
            re.sub(r"\s", "", str(fresh[name].merged_cells))


def _part(path: Path, sheet: str) -> bytes:
    """The XML part of a sheet, found through workbook.xml and its relationships."""
    from xladdin.ooxml.xlsxpatch import XlsxPatch

    patch = XlsxPatch(path)
    try:
        return patch.zip.read(patch.parts[sheet])
    finally:
        patch.close()


def test_refresh_leaves_the_raw_sheet_byte_identical(tmp_path):
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    raw_before, settings_before = _part(work, "原始数据"), _part(work, "设置")
    assert main(["refresh", str(work)]) == 0
    assert _part(work, "原始数据") == raw_before and _part(work, "设置") == settings_before


def _compressed(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each member's CRC, compressed size and compressed bytes, read from the file itself."""
    import struct

    out = {}
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every member inflates to its recorded CRC
        for item in z.infolist():
            n, e = struct.unpack("<HH", data[item.header_offset + 26:item.header_offset + 30])
            start = item.header_offset + 30 + n + e
            out[item.filename] = (item.CRC, item.compress_size, data[start:start + item.compress_size])
    return out


def test_patch_copies_untouched_parts_as_their_compressed_bytes(tmp_path):
    """Untouched members are not inflated and deflated again: their compressed bytes are the
    source's own, and the written zip reads back (central directory, local headers, CRCs),
    also when the source was written by a streaming writer (data descriptors after members) at another compression level."""
    import io

    class Stream(io.RawIOBase):  # a pipe-like sink: zipfile cannot seek back in it
        def __init__(self, sink):
            self.sink = sink

        def writable(self):
            return True

        def write(self, data):
            return self.sink.write(data)

    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    streamed = tmp_path / "streamed.xlsx"
    with zipfile.ZipFile(work) as src, streamed.open("wb") as out, \
            zipfile.ZipFile(Stream(out), "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            with dst.open(item.filename, "w") as sink:
                sink.write(src.read(item))
    with zipfile.ZipFile(streamed) as z:
        assert all(i.flag_bits & 0x08 for i in z.infolist())
    before = _compressed(streamed)
    assert main(["refresh", str(streamed)]) == 0
    after = _compressed(streamed)
    raw_part = _raw_part_name(streamed)
    changed = {name for name in before if after.get(name) != before[name]}
    assert raw_part not in changed and after[raw_part] == before[raw_part]
    assert {_sheet_part(streamed, f"表{i}") for i in range(1, 8)} <= changed
    with zipfile.ZipFile(streamed) as z:
        assert not any(i.flag_bits & 0x08 for i in z.infolist() if i.filename == raw_part)
    assert load_workbook(streamed)["表1"]["A1"].value.startswith("表1：2025年7月")
    assert read_xlsx_table(streamed)[0].equals(read_xlsx_table(work)[0])


def _sheet_part(path: Path, sheet: str) -> str:
    from xladdin.ooxml.xlsxpatch import XlsxPatch

    patch = XlsxPatch(path)
    try:
        return patch.parts[sheet]
    finally:
        patch.close()


def _raw_part_name(path: Path) -> str:
    return _sheet_part(path, "原始数据")


def test_refresh_a_workbook_saved_by_another_program(tmp_path, demo_result):
    """LibreOffice writes shared strings, relative part names and its own XML; refresh patches
    such a file and it still opens, in LibreOffice and openpyxl, with the engine's numbers."""
    import subprocess

    from tests.office import soffice

    work = tmp_path / "原版.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    book = load_workbook(work)
    for row in book["表4"].iter_rows(min_row=5, max_row=18):
        for cell in row:
            if cell.coordinate not in book["表4"].merged_cells:
                cell.value = None  # start from empty table cells
    book.save(work)
    resaved = tmp_path / "lo"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(resaved), str(work)],
                   check=True, capture_output=True, timeout=180)
    target = resaved / "原版.xlsx"
    assert main(["refresh", str(target)]) == 0
    ws = load_workbook(target)["表4"]
    expected = [e["label"] for e in demo_result["tables"]["4"]["month"]]
    assert [ws.cell(r, 1).value for r in range(9, 19)] == expected
    shown = sheets_as_shown(target, tmp_path / "csv")
    assert shown["表4"][5][:3] == ["东盟", "42.6", "40.8"]


def test_refresh_writes_a_moved_table_into_empty_cells(tmp_path, demo_result):
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    book = load_workbook(work)
    book.defined_names["T6_BODY"] = DefinedName("T6_BODY", attr_text="'表6'!$J$40:$O$49")
    book.save(work)
    assert main(["refresh", str(work)]) == 0
    ws = load_workbook(work)["表6"]
    assert [ws.cell(r, 10).value for r in range(40, 50)] == [e["label"] for e in demo_result["tables"]["6"]["month"]]
    assert ws.cell(40, 11).value == pytest.approx(demo_result["tables"]["6"]["month"][0]["value"])


def test_init_writes_raw_rows_as_text_codes_in_a_resized_table(tmp_path):
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    ws = load_workbook(work)["原始数据"]
    rows = len(read_raw([sample_path()]).frame)
    assert ws.tables["RawData"].ref == f"A1:H{rows + 1}"
    assert (ws["A2"].value, ws["A2"].number_format) == ("202401", "@")
    codes = {ws.cell(r, 4).value for r in range(2, rows + 2)} - {None}
    assert codes and all(isinstance(c, str) and len(c) == 3 for c in codes)
    assert all(isinstance(ws.cell(r, 8).value, float) for r in range(2, rows + 2))
    settings = load_workbook(work)["设置"]
    assert settings["B3"].value is None and settings["B4"].value == "net_import_pct"  # follows the data
    chosen = tmp_path / "三月.xlsx"
    assert main(["init", str(chosen), "--demo", "--period", "2025-03"]) == 0
    assert load_workbook(chosen)["设置"]["B3"].value == "2025-03"
    assert main(["refresh", str(chosen)]) == 0
    assert load_workbook(chosen)["表1"]["A1"].value.startswith("表1：2025年3月")


def test_refresh_drops_a_stale_calculation_chain(tmp_path):
    """Workbooks saved by Excel carry xl/calcChain.xml; after cells are rewritten it is dropped
    with its references, so Excel rebuilds it instead of offering a repair."""
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    with_chain = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(work) as src, zipfile.ZipFile(with_chain, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdChain" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/calcChain" '
                                    b'Target="calcChain.xml"/></Relationships>')
            dst.writestr(item, data)
        dst.writestr("xl/calcChain.xml", b'<calcChain xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><c r="B5" i="2"/></calcChain>')
    assert main(["refresh", str(with_chain)]) == 0
    with zipfile.ZipFile(with_chain) as z:
        assert "xl/calcChain.xml" not in z.namelist()
        assert b"calcChain" not in z.read("[Content_Types].xml")
        assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels")
    assert load_workbook(with_chain)["表1"]["B5"].value == pytest.approx(553.2, abs=0.05)


def test_cover_issuer_and_date_come_from_settings(tmp_path):
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    book = load_workbook(work)
    for name, value in (("SET_ISSUER", "某大学 某实验室"), ("SET_DATE", "2025-08-24")):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")].value = value
    book.save(work)
    assert main(["refresh", str(work)]) == 0
    for path in (work, tmp_path / "月报_发布版.xlsx"):
        cover = [row[0] for row in load_workbook(path)["封面"].iter_rows(values_only=True)]
        assert "某大学 某实验室" in cover and "2025年8月24日" in cover


def test_publication_date_forms():
    from datetime import date, datetime

    from xladdin.report.compose import Publication, cover_date

    assert cover_date(datetime(2025, 8, 24, 9)) == cover_date("2025/8/24") == "2025年8月24日"
    assert cover_date(45893) == cover_date("45893") == "2025年8月24日"  # Excel's serial number
    assert cover_date("二〇二五年八月") == "二〇二五年八月"
    assert cover_date(None) == f"{date.today().year}年{date.today().month}月{date.today().day}日"
    assert Publication.of("  ", None).issuer == "对外经济贸易大学 数字经济实验室"


def test_contents_page_numbers_are_the_printed_pages(finished, tmp_path):
    """Print the whole workbook (LibreOffice): each table's title is on the page the cover's
    contents names, and that page's footer prints the same number."""
    import subprocess

    from tests.office import soffice

    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(finished)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / f"{finished.stem}.pdf"
    pages = []
    for number in range(1, 14):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages.append(text)
    assert "第" not in pages[0].replace("第一", "")  # the cover has no page number
    contents = {row[0]: row[1] for row in load_workbook(finished)["封面"].iter_rows(min_row=16, max_row=25,
                                                                                    values_only=True)}
    assert list(contents.values()) == [2, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    for title, page in contents.items():
        if title.startswith("表"):
            assert title in pages[page - 1] and title not in pages[page - 2]
        assert re.search(rf"第\s*{page}\s*页", pages[page - 1]), (title, page)
        assert "中国芯片产品贸易月度监测报告" in pages[page - 1]


def test_rows_xml_cells_by_kind():
    """Bulk-written rows: text escaped and cleaned, numbers as numbers, text in a number column
    kept as text, blanks left out, styles per column, row numbers from the first row given."""
    import numpy as np
    import pandas as pd

    from xladdin.ooxml.rows import rows_xml

    frame = pd.DataFrame({"a": pd.Series(["x&<>y", None, "  ", "a\x01b"], dtype="str"),
                          "v": pd.Series(["1", "abc", None, "2.5"], dtype="str"),
                          "w": [1.0, np.nan, 3.0, 4.0]})
    xml = rows_xml(frame, 10, ["3", None, None], {1, 2}).decode("utf-8")
    assert xml == (
        '<row r="10"><c r="A10" s="3" t="inlineStr"><is><t>x&amp;&lt;&gt;y</t></is></c>'
        '<c r="B10"><v>1.0</v></c><c r="C10"><v>1.0</v></c></row>'
        '<row r="11"><c r="B11" t="inlineStr"><is><t>abc</t></is></c></row>'
        '<row r="12"><c r="C12"><v>3.0</v></c></row>'
        '<row r="13"><c r="A13" s="3" t="inlineStr"><is><t>ab</t></is></c>'
        '<c r="B13"><v>2.5</v></c><c r="C13"><v>4.0</v></c></row>')
    assert rows_xml(frame.iloc[:0], 2, [None] * 3, set()) == b""
