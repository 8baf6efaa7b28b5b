"""What the commands write and say: every input row kept in 原始数据, the finished copy
recognised wherever a monthly workbook or raw data is needed, writes through symbolic links,
output that cannot encode Chinese, strict JSON, --force offered only where it helps, the month
audit checks, one file per edition, --docx without a name, the add-in's folder, the Word
edition's CJK font.

Each case asserts the exit status, exactly one `error:` line naming the place and the fix (or
the right result), no traceback, inputs byte-identical and nothing left behind (the harness of
test_bad_inputs), or, where the command changes its workbook by design, what changed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.test_bad_inputs import Case, run_case, sample_plus
from tests.test_hostile_inputs import monthly
from xladdin.cli import main
from xladdin.engine.load import sample_path
from xladdin.engine.raw import read_xlsx_table
from xladdin.files.workbook import save_patch
from xladdin.ooxml.xlsxpatch import XlsxPatch
from xladdin.report.render import Block

COMMAND = [sys.executable, "-m", "xladdin"]
#: rows written as the tables do not take them: a partner name no list or alias knows, a
#: city-level registration code (the tables roll it up to its province), a chapter other than 8542
UNUSABLE = ("202507,出口,85423190,,亚特兰蒂斯,44,广东省,1000000000\n"
            "202507,出口,85423190,,,4401,,2000000\n"
            "202507,出口,84713000,,,,,777\n")


def csv_rows(path: Path) -> list[list[str]]:
    """The data rows of a CSV as text, read with the csv module (not xladdin's reader)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def sheet_rows(path: Path) -> list[list[str]]:
    """The 原始数据 rows of a workbook as text (blank cells as ''), read with openpyxl."""
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True)["原始数据"]
    def text(v) -> str:
        return "" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    rows = [[text(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    return [r for r in rows if any(r)]


def as_written(row: list[str]) -> list[str]:
    """A canonical CSV row as 原始数据 holds it: the value as a whole number of dollars."""
    return [*row[:7], str(int(float(row[7])))]


def as_kept(rows: list[list[str]]) -> list[list[str]]:
    """UNUSABLE's rows as 原始数据 keeps them: the unknown partner and the other chapter as
    written; the city-level code 4401 as the tables read it, rolled up to 广东 (44)."""
    rows = [as_written(r) for r in rows]
    rows[1][5:7] = ["44", "广东省"]
    return rows


# --- 1. every input row stays in the workbook ---------------------------------------------------

def test_init_keeps_every_input_row_matched_or_not(tmp_path, capsys):
    raw = sample_plus(tmp_path, UNUSABLE)
    book = tmp_path / "月报.xlsx"
    before = raw.read_bytes()
    assert main(["init", str(book), str(raw)]) == 0
    err = capsys.readouterr().err
    errors = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert "Traceback" not in err and len(errors) == 1 and "rows 3320" in errors[0]  # the unknown partner
    assert "holds every input row, but its tables leave out" in err  # and what to do about it
    given, kept = csv_rows(raw), sheet_rows(book)
    assert len(kept) == len(given) == len(sample_path().read_text(encoding="utf-8").splitlines()) - 1 + 3
    assert kept[-3:] == as_kept(given[-3:])  # in the order given
    assert raw.read_bytes() == before


def test_import_keeps_unmatched_rows_and_a_redownload_replaces_them(tmp_path, capsys):
    book = monthly(tmp_path)
    rows_before = len(sheet_rows(book))
    download = tmp_path / "出口_202507.csv"
    download.write_text("数据年月,商品编码,贸易伙伴名称,美元\n202507,85423190,亚特兰蒂斯,5000\n"
                        "202507,85423190,韩国,7000\n", encoding="utf-8")
    for _ in range(2):  # the second import is a re-download of the same rows
        assert main(["import", str(download), "--into", str(book)]) == 0
    out = capsys.readouterr().out
    kept = sheet_rows(book)
    assert len(kept) == rows_before + 2
    assert kept[-2][4] == "亚特兰蒂斯" and kept[-2][7] == "5000"
    assert "(2 replaced" in out.splitlines()[-1]


# --- 2. the finished copy is recognised everywhere ---------------------------------------------

def _finished_beside(tmp: Path, include_raw: bool = True) -> tuple[Path, Path]:
    book = monthly(tmp)
    assert main(["refresh", str(book), *(["--include-raw"] if include_raw else [])]) == 0
    return book, tmp / "月报_发布版.xlsx"


def refresh_the_finished_copy(tmp: Path) -> Case:
    _, finished = _finished_beside(tmp)
    return Case(["refresh", str(finished)], 2,
                r"月报_发布版\.xlsx: this is a finished copy.*use the monthly workbook .*月报\.xlsx instead")


def refresh_the_plain_finished_copy(tmp: Path) -> Case:
    """Without 原始数据: the advice is the monthly workbook, not 'put the raw rows in a sheet'."""
    _, finished = _finished_beside(tmp, include_raw=False)
    return Case(["refresh", str(finished)], 2,
                r"^(?!.*put the raw rows)error: .*月报_发布版\.xlsx: this is a finished copy.*月报\.xlsx instead")


def import_into_the_finished_copy(tmp: Path) -> Case:
    book, finished = _finished_beside(tmp)
    book.unlink()  # no monthly workbook beside it: say where one comes from
    download = tmp / "出口_202507.csv"
    download.write_text("数据年月,商品编码,贸易伙伴编码,美元\n202507,85423190,133,5000\n", encoding="utf-8")
    return Case(["import", str(download), "--into", str(finished)], 2,
                r"月报_发布版\.xlsx: this is a finished copy.*made by 'xladdin init'")


def build_from_the_finished_copy(tmp: Path) -> Case:
    _, finished = _finished_beside(tmp)
    out = tmp / "again.xlsx"
    return Case(["build", str(finished), "-o", str(out)], 2,
                r"月报_发布版\.xlsx: this is a finished copy.*月报\.xlsx instead", out)


def init_from_the_finished_copy(tmp: Path) -> Case:
    _, finished = _finished_beside(tmp)
    new = tmp / "新.xlsx"
    return Case(["init", str(new), str(finished)], 2, r"月报_发布版\.xlsx: this is a finished copy", new)


def tables_from_a_copy_made_before_the_mark(tmp: Path) -> Case:
    """A finished copy written before it carried the mark: known by its names."""
    out = tmp / "报告.xlsx"
    assert main(["build", str(sample_path()), "-o", str(out), "--include-raw"]) == 0
    with zipfile.ZipFile(out) as src:
        items = [(i, src.read(i)) for i in src.infolist() if i.filename != "docProps/custom.xml"]
    assert len(items) < len(zipfile.ZipFile(out).infolist())  # the mark was there
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, data)
    return Case(["tables", str(out)], 2, r"报告\.xlsx: this is a finished copy")


# --- 5. strict JSON, finite figures ---------------------------------------------------------------

def _sample_with_values(tmp: Path, rows: str, value: str) -> Path:
    """The sample as raw.csv, with the value of every row matching ``rows`` (the start of a
    line, up to the value) set to ``value``."""
    text, changed = re.subn(rf"(?m)^({rows},,,,,)\d+$", rf"\g<1>{value}",
                            sample_path().read_text(encoding="utf-8"))
    assert changed, rows  # the sample holds such rows, or the case tests nothing
    path = tmp / "raw.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _overflowing(tmp: Path) -> Path:
    """The sample with one product's 2025 exports at 1e308: the year-to-date sum overflows."""
    return _sample_with_values(tmp, r"2025\d\d,出口,85423111", "1e308")


def _each_flow_near_the_limit(tmp: Path) -> Path:
    """Exports and imports each 1.7e308 in July (finite), so their sum, total trade, is not."""
    return _sample_with_values(tmp, "202507,(?:出口|进口),85423111", "1.7e308")


def no_json_printed(folder: Path, out: str) -> None:
    assert out == ""  # neither Infinity nor half a document


#: a value no trade figure reaches is refused where it is read, naming its cell, so no sum can
#: overflow to infinity (the figures' own finite check stays behind it)
HUGE_CELL = r"^(?!.*--force)error: raw\.csv row \d+, column value_usd: 1e\+308 USD is more than ten " \
    r"trillion dollars.*check the cell for extra digits"


def json_never_says_infinity(tmp: Path) -> Case:
    return Case(["tables", str(_overflowing(tmp)), "--json"], 2, HUGE_CELL, check=no_json_printed)


def the_audit_finds_what_build_refuses(tmp: Path) -> Case:
    return Case(["audit", str(_overflowing(tmp))], 2, HUGE_CELL)


def json_names_the_cell_that_would_overflow(tmp: Path) -> Case:
    return Case(["tables", str(_each_flow_near_the_limit(tmp)), "--json"], 2,
                HUGE_CELL.replace("1e\\+308", "1\\.7e\\+308"), check=no_json_printed)


def build_names_the_cell_not_the_text(tmp: Path) -> Case:
    out = tmp / "out.xlsx"
    return Case(["build", str(_each_flow_near_the_limit(tmp)), "-o", str(out)], 2,
                r"^(?!.*drafted text)" + HUGE_CELL.replace("1e\\+308", "1\\.7e\\+308"), out)


# --- 6. --force only where it can help ----------------------------------------------------------

def _missing_prior_july(tmp: Path) -> Path:
    return sample_plus(tmp, drop=r"^202407,")


def force_with_a_missing_month_is_one_line(tmp: Path) -> Case:
    return Case(["tables", str(_missing_prior_july(tmp)), "--force", "--json"], 2,
                r"^(?!.*--force)error: export 2025-07: .*lacks 2024-07.*download and add the customs rows")


def a_missing_month_does_not_offer_force(tmp: Path) -> Case:
    out = tmp / "out.xlsx"
    return Case(["build", str(_missing_prior_july(tmp)), "-o", str(out)], 2,
                r"^(?!.*--force)error: export 2025-07: .*lacks 2024-07", out)


def a_forceable_error_still_offers_force(tmp: Path) -> Case:
    twice = "202507,出口,85423190,133,韩国,44,广东省,5\n" * 2
    out = tmp / "out.xlsx"
    return Case(["build", str(sample_plus(tmp, twice)), "-o", str(out)], 2,
                r"appear more than once.*; or pass --force to publish anyway", out)


# --- 9, 10: --docx without a name, the add-in's folder ------------------------------------------

def addin_folder_blocked_by_a_file(tmp: Path) -> Case:
    (tmp / "plain").write_text("a file, not a folder")
    return Case(["addin", "build", "-o", str(tmp / "plain" / "sub" / "xladdin.xlam")], 2,
                r"xladdin\.xlam: the folder cannot be made: .*a part of the path is a file")


# --- 11: no CJK font ----------------------------------------------------------------------------

class FakeFonts:
    """matplotlib's font manager as far as the font finder uses it."""

    class Entry:
        def __init__(self, name: str, fname: str) -> None:
            self.name, self.fname = name, fname

    def __init__(self, names: list[str], on_disk: dict[str, str] | None = None) -> None:
        self.ttflist = [self.Entry(n, f"/fonts/{n}.ttf") for n in names]
        self.on_disk = on_disk or {}
        self.added: list[str] = []

    def addfont(self, path: str) -> None:
        self.added.append(path)
        self.ttflist.append(self.Entry(self.on_disk[path], path))


@pytest.fixture
def fonts(monkeypatch):
    """Install a fake font list: ``fonts(names, on_disk)``; the real cache file is never written."""
    from matplotlib import font_manager

    from xladdin.files import cjkfont

    saved: list[object] = []

    def install(names: list[str], on_disk: dict[str, str] | None = None) -> FakeFonts:
        fake = FakeFonts(names, on_disk)
        monkeypatch.setattr(font_manager, "fontManager", fake)
        monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: list((on_disk or {}).keys()))
        monkeypatch.setattr(font_manager, "json_dump", lambda data, path: saved.append(path))
        monkeypatch.setattr(cjkfont._Looked, "done", False)
        return fake
    install.saved = saved
    return install


def test_no_cjk_font_refuses_the_chinese_word_edition_before_writing(fonts, tmp_path, capsys):
    fonts(["DejaVu Sans"])
    out = tmp_path / "out.xlsx"
    case = Case(["build", str(sample_path()), "-o", str(out), "--docx"], 2,
                r"Word edition's charts need a font with Chinese characters.*fonts-wqy-microhei", out)
    run_case(case, tmp_path, capsys)
    assert not out.with_suffix(".docx").exists()


def test_a_font_installed_after_the_cache_was_made_is_found_by_one_rescan(fonts):
    from xladdin.files.cjkfont import cjk_font, require_cjk_font

    fake = fonts(["DejaVu Sans"], {"/usr/share/fonts/wqy-microhei.ttc": "WenQuanYi Micro Hei"})
    assert require_cjk_font() == "WenQuanYi Micro Hei"
    assert fake.added == ["/usr/share/fonts/wqy-microhei.ttc"] and len(fonts.saved) == 1
    assert cjk_font() == "WenQuanYi Micro Hei" and len(fake.added) == 1  # no second scan


def test_the_system_is_scanned_once_when_it_has_no_cjk_font(fonts):
    from xladdin.files.cjkfont import cjk_font

    fake = fonts(["DejaVu Sans"], {"/fonts/latin.ttf": "Liberation Sans"})
    assert cjk_font() is None and fake.added == ["/fonts/latin.ttf"]
    assert cjk_font() is None and fake.added == ["/fonts/latin.ttf"]


def test_the_english_word_edition_needs_no_cjk_font(tmp_path, capsys, monkeypatch):
    from xladdin.files import cjkfont

    monkeypatch.setattr(cjkfont, "cjk_font", lambda: None)  # a system without any
    out = tmp_path / "report.xlsx"
    assert main(["build", str(sample_path()), "-o", str(out), "--lang", "en", "--docx"]) == 0
    assert out.with_suffix(".docx").exists() and "error:" not in capsys.readouterr().err


CASES = {
    "refresh the finished copy": refresh_the_finished_copy,
    "refresh the plain finished copy": refresh_the_plain_finished_copy,
    "import into the finished copy (--include-raw)": import_into_the_finished_copy,
    "build from the finished copy": build_from_the_finished_copy,
    "init from the finished copy": init_from_the_finished_copy,
    "a finished copy made before the mark": tables_from_a_copy_made_before_the_mark,
    "JSON never says Infinity": json_never_says_infinity,
    "audit finds the overflow build refuses": the_audit_finds_what_build_refuses,
    "JSON names the cell that would overflow": json_names_the_cell_that_would_overflow,
    "build names the cell, not the text": build_names_the_cell_not_the_text,
    "--force with a missing month is one line": force_with_a_missing_month_is_one_line,
    "a missing month does not offer --force": a_missing_month_does_not_offer_force,
    "a forceable error still offers --force": a_forceable_error_still_offers_force,
    "the add-in's folder is blocked by a file": addin_folder_blocked_by_a_file,
}


@pytest.mark.parametrize("name", list(CASES))
def test_refused_with_one_sentence(name, tmp_path, capsys):
    run_case(CASES[name](tmp_path), tmp_path, capsys)


# --- 3. writes go through a symbolic link -------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="symbolic links")
@pytest.mark.parametrize("command", ["import", "refresh"])
def test_a_link_is_written_through_to_its_target(command, tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    book = monthly(real)
    link = tmp_path / "月报.xlsx"
    link.symlink_to(book)
    before = book.read_bytes()
    if command == "import":
        download = tmp_path / "出口_202507.csv"
        download.write_text("数据年月,商品编码,贸易伙伴编码,美元\n202507,85423190,133,5000\n", encoding="utf-8")
        argv = ["import", str(download), "--into", str(link)]
    else:
        argv = ["refresh", str(link)]
        patch = XlsxPatch(book)  # make refresh change something: the issuer on the cover
        try:
            patch.write(Block("SET_ISSUER", [["某某研究院"]], [["@"]]))
            save_patch(patch)
        finally:
            patch.close()
        before = book.read_bytes()
    assert main(argv) == 0, capsys.readouterr()
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert book.read_bytes() != before
    assert not [p for p in tmp_path.rglob("*") if ".tmp" in p.name]
    if command == "import":
        assert sheet_rows(book)[-1][:4] == ["202507", "出口", "85423190", "133"]


# --- 4. output that cannot encode Chinese --------------------------------------------------------

def _cp1252(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    return subprocess.run([*COMMAND, *argv], cwd=cwd, env=env, capture_output=True, timeout=300)


def test_build_finishes_when_the_output_cannot_encode_chinese(tmp_path):
    raw = Path(shutil.copy(sample_path(), tmp_path / "raw.csv"))
    proc = _cp1252(["build", str(raw), "-o", "月报.xlsx"], tmp_path)
    out, err = proc.stdout.decode("cp1252"), proc.stderr.decode("cp1252")
    assert proc.returncode == 0 and "Traceback" not in err and "error:" not in err, err
    assert out == "wrote \\u6708\\u62a5.xlsx (2025-07)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw.csv", "月报.xlsx"]


def test_an_error_in_chinese_is_one_line_when_the_output_cannot_encode_it(tmp_path):
    proc = _cp1252(["refresh", "没有.xlsx"], tmp_path)
    err = proc.stderr.decode("cp1252")
    assert proc.returncode == 2 and "Traceback" not in err
    assert err.splitlines() == ["error: \\u6ca1\\u6709.xlsx: no such workbook; check the path or create "
                                "one with 'xladdin init'"]
    assert list(tmp_path.iterdir()) == []


def test_the_streams_are_set_up_in_one_place(monkeypatch, capsys):
    from xladdin import cli

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stream)
    cli.readable_streams()
    print("表1 ok")
    stream.flush()
    assert raw.getvalue() == b"\\u88681 ok\n"


# --- 7. audit checks the month the other commands report ----------------------------------------

def test_audit_without_period_checks_the_month_build_reports(tmp_path, capsys):
    raw = _missing_prior_july(tmp_path)
    rows = len(csv_rows(raw))
    assert main(["audit", str(raw)]) == 1
    out, err = capsys.readouterr()
    assert re.search(r"^error: export 2025-07: .*lacks 2024-07", out, re.M)
    assert err.splitlines()[-1] == (f"checked {rows:,} rows in 1 file for the 2025-07 report (the latest "
                                    "month in the data): 2 errors, 0 warnings")
    out_xlsx = tmp_path / "out.xlsx"
    assert main(["build", str(raw), "-o", str(out_xlsx)]) == 2  # what build refuses, audit found
    assert not out_xlsx.exists()


def test_audit_of_clean_data_says_which_month_it_checked(capsys):
    assert main(["audit", "--demo"]) == 0
    out, err = capsys.readouterr()
    rows = len(pd.read_csv(sample_path(), dtype=str))
    assert out == "" and err == (f"checked {rows:,} rows in 1 file for the 2025-07 report (the latest "
                                 "month in the data): 0 errors, 0 warnings\n")


# --- 8. one file per edition --------------------------------------------------------------------

def test_refresh_in_english_keeps_the_chinese_copy_and_says_what_it_changed(tmp_path, capsys):
    book = monthly(tmp_path)
    assert main(["refresh", str(book)]) == 0
    chinese = tmp_path / "月报_发布版.xlsx"
    before = chinese.read_bytes()
    capsys.readouterr()
    assert main(["refresh", str(book), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert chinese.read_bytes() == before
    assert (tmp_path / "月报_发布版_en.xlsx").exists()
    assert err.splitlines() == ["changed 设置 language: zh → en; later refreshes and the ribbon make this "
                                "edition until the cell is changed back"]
    assert main(["refresh", str(book), "--lang", "en"]) == 0  # already English: nothing to say
    assert capsys.readouterr().err == ""


def test_demo_editions_have_their_own_default_names(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    chinese = tmp_path / "月报-2025-07.xlsx"
    before = chinese.read_bytes()
    assert main(["demo", "--lang", "en"]) == 0
    assert chinese.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["月报-2025-07.xlsx", "月报-2025-07_en.xlsx"]


# --- 9. --docx without a name ---------------------------------------------------------------------

def test_docx_without_a_name_goes_beside_the_workbook(tmp_path, capsys):
    out = tmp_path / "report.xlsx"
    assert main(["build", str(sample_path()), "-o", str(out), "--docx"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx", "report.xlsx"]
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote {tmp_path / 'report.docx'} (2025-07)"


def test_refresh_docx_without_a_name_goes_beside_the_finished_copy(tmp_path, capsys):
    book = monthly(tmp_path)
    assert main(["refresh", str(book), "--docx"]) == 0
    assert (tmp_path / "月报_发布版.docx").exists()


# --- 10. addin build into a new folder ------------------------------------------------------------

def test_addin_build_makes_the_missing_folder(tmp_path, capsys):
    target = tmp_path / "new" / "folder" / "xladdin.xlam"
    assert main(["addin", "build", "-o", str(target)]) == 0
    assert zipfile.is_zipfile(target)
    assert capsys.readouterr().out == f"wrote {target}\n"


def test_new_cases_number_at_least_fifteen():
    tests = [name for name in globals() if name.startswith("test_")]
    assert len(CASES) + len(tests) - 2 >= 15


def test_sheet_reader_agrees_with_xladdins(tmp_path):
    """The independent reader above reads what xladdin's own reader reads."""
    book = monthly(tmp_path)
    table, _ = read_xlsx_table(book)
    assert len(sheet_rows(book)) == len(table)


def test_the_ribbon_never_offers_a_force_option_it_does_not_have(tmp_path, capsys):
    from tests.fake_xlwings import FakeBook
    from xladdin.excel.addin import refresh_book

    book = tmp_path / "月报.xlsx"
    twice = "202507,出口,85423190,133,韩国,44,广东省,5\n" * 2
    assert main(["init", str(book), str(sample_plus(tmp_path, twice))]) == 0
    fake = FakeBook(book)
    assert refresh_book(fake) is None
    message = fake.app.alerts[-1][1]
    assert "appear more than once" in message and "--force" not in message


def test_rows_left_out_survive_the_raw_cache(tmp_path, monkeypatch, capsys):
    """A workbook read a second time comes from the cache: its left-out rows must too."""
    monkeypatch.setenv("XLADDIN_CACHE_DIR", str(tmp_path / "cache"))
    raw = sample_plus(tmp_path, UNUSABLE)
    book = tmp_path / "月报.xlsx"
    assert main(["init", str(book), str(raw)]) == 0
    copies = [tmp_path / "first.xlsx", tmp_path / "second.xlsx"]
    for copy in copies:
        assert main(["build", str(book), "-o", str(copy), "--include-raw", "--force"]) == 0
    assert list((tmp_path / "cache").iterdir())  # the second read was the cache's
    given = csv_rows(raw)
    kept = sheet_rows(book)
    assert sheet_rows(copies[0]) == sheet_rows(copies[1]) == kept
    assert len(kept) == len(given) and kept[-3:] == as_kept(given[-3:])
