"""The cache of validated raw tables: used when the raw sheet is unchanged, never stale.

Every route by which the raw sheet changes (import, LibreOffice re-saving an edited copy,
openpyxl, a shared-string edit that leaves the sheet part itself as it was) must make the
next refresh read the new data.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.customs import write_download
from xladdin.cli import main
from xladdin.engine import raw as raw_module
from xladdin.engine.load import sample_path
from xladdin.engine.raw import read_raw
from xladdin.files import rawcache
from xladdin.files.rawcache import read_raw_cached


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XLADDIN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def workbook(tmp_path, cache) -> Path:
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    return work


def same_raw(a, b) -> None:
    assert a.frame.equals(b.frame) and list(a.frame.dtypes) == list(b.frame.dtypes)
    assert [f.line() for f in a.findings] == [f.line() for f in b.findings]
    assert (a.partner_labels, a.files) == (b.partner_labels, b.files)


def no_sheet_reads(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the raw sheet was read although the cache holds it")

    monkeypatch.setattr(raw_module, "read_xlsx_table", refuse)


def exports(work: Path, period: str = "2025-07") -> float:
    """Table 1's July exports as refresh wrote them."""
    assert main(["refresh", str(work)]) == 0
    return load_workbook(work)["表1"]["B6"].value


def test_unchanged_raw_sheet_is_served_from_the_cache(workbook, cache, monkeypatch):
    first = exports(workbook)  # reads the sheet and keeps the table
    entries = list(cache.glob("*.arrow"))
    assert len(entries) == 1
    fresh = read_raw([workbook])
    no_sheet_reads(monkeypatch)
    same_raw(read_raw_cached([workbook]), fresh)
    book = load_workbook(workbook)
    assert exports(workbook) == first  # a second refresh: same numbers, no sheet read
    assert load_workbook(workbook)["表2"]["B5"].value == book["表2"]["B5"].value


def test_cache_keeps_findings_labels_and_row_counts(tmp_path, cache, monkeypatch):
    """A workbook whose raw rows raise warnings: the cached read says the same."""
    rows = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    rows.loc[rows.index[:3], "partner_code"] = "888"  # unknown partner codes: warnings, labels
    rows.loc[rows.index[3], "hs_code"] = "85411000"  # another chapter: left out
    csv = tmp_path / "raw.csv"
    rows.to_csv(csv, index=False)
    work = tmp_path / "w.xlsx"
    assert main(["init", str(work), str(csv)]) == 0
    fresh = read_raw([work])
    assert fresh.findings.of("warning")
    read_raw_cached([work])  # stores
    no_sheet_reads(monkeypatch)
    same_raw(read_raw_cached([work]), fresh)


def test_import_makes_the_next_refresh_read_the_new_rows(tmp_path, workbook, cache):
    before = exports(workbook)
    july = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    july = july[(july["period"] == "202507") & (july["flow"] == "出口") & (july["hs_code"] == "85423190")]
    assert len(july) == 1
    raised = july.assign(value_usd=str(float(july["value_usd"].iloc[0]) + 1e9))
    download = write_download(tmp_path / "出口_产品_202507.csv", raised, ())
    assert main(["import", str(download), "--into", str(workbook)]) == 0
    assert exports(workbook) == pytest.approx(before + 10.0)


def test_openpyxl_edit_makes_the_next_refresh_read_the_new_rows(workbook, cache):
    before = exports(workbook)
    book = load_workbook(workbook)
    target = next(r for r in book["原始数据"].iter_rows(min_row=2) if r[0].value == "202507"
                  and r[1].value == "出口" and r[2].value == "85423190")
    target[7].value += 2_000_000_000
    book.save(workbook)
    assert exports(workbook) == pytest.approx(before + 20.0)


def _libreoffice_resave(path: Path, folder: Path) -> Path:
    from tests.office import soffice

    subprocess.run([soffice(), f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder), str(path)],
                   check=True, capture_output=True, timeout=180)
    return folder / path.name


def test_libreoffice_saved_edit_and_shared_string_edit_are_read_anew(tmp_path, workbook, cache):
    """LibreOffice writes the raw text as shared strings. A refresh caches that workbook; an
    edited copy re-saved by LibreOffice under the same name is read anew; so is an edit of
    the shared-string table alone, which leaves the sheet part byte for byte as it was."""
    lo = tmp_path / "lo"
    resaved = _libreoffice_resave(workbook, lo)
    before = exports(resaved)
    assert len(list(cache.glob("*.arrow"))) == 1
    book = load_workbook(workbook)
    target = next(r for r in book["原始数据"].iter_rows(min_row=2) if r[0].value == "202507"
                  and r[1].value == "出口" and r[2].value == "85423190")
    target[7].value += 3_000_000_000
    edited = tmp_path / "edited" / workbook.name
    edited.parent.mkdir()
    book.save(edited)
    resaved = _libreoffice_resave(edited, lo)
    assert exports(resaved) == pytest.approx(before + 30.0)

    # the flow text 出口 becomes 进口 in the shared strings only: every row is an import
    swapped = tmp_path / "swapped.xlsx"
    with zipfile.ZipFile(resaved) as src, zipfile.ZipFile(swapped, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/sharedStrings.xml":
                flow = '<t xml:space="preserve">出口</t>'.encode()
                assert data.count(flow) == 1
                data = data.replace(flow, flow.replace("出口".encode(), "进口".encode()))
            dst.writestr(item, data)
    moved = tmp_path / "moved"
    moved.mkdir()
    target = moved / resaved.name
    resaved.replace(target)
    read_raw_cached([target])  # cached under the original shared strings
    swapped.replace(target)
    got = read_raw_cached([target])
    assert set(got.frame["flow"]) == {"import"}
    same_raw(got, read_raw([target]))


def test_new_version_or_other_options_do_not_use_old_entries(workbook, cache, monkeypatch):
    read_raw_cached([workbook])
    monkeypatch.setattr(rawcache, "__version__", "9.9.9")
    calls = []
    real = raw_module.read_xlsx_table
    monkeypatch.setattr(raw_module, "read_xlsx_table", lambda *a, **k: calls.append(1) or real(*a, **k))
    read_raw_cached([workbook])
    assert calls == [1]
    read_raw_cached([workbook], period="2025-07")  # a read option is part of the key
    assert calls == [1, 1]
    read_raw_cached([workbook])
    assert calls == [1, 1]


def test_damaged_entries_are_ignored_and_the_folder_stays_bounded(workbook, cache, monkeypatch):
    read_raw_cached([workbook])
    [entry] = cache.glob("*.arrow")
    entry.write_bytes(b"ARROW1 not really")
    same_raw(read_raw_cached([workbook]), read_raw([workbook]))  # read anew, entry rewritten
    assert entry.read_bytes()[:6] == b"ARROW1" and len(entry.read_bytes()) > 100
    for n in range(5):
        (cache / f"{n:032x}.arrow").write_bytes(b"x" * 1000)
        __import__("os").utime(cache / f"{n:032x}.arrow", (n, n))  # old
    rawcache._trim(cache, limit=entry.stat().st_size + 2500)
    left = sorted(p.name for p in cache.glob("*.arrow"))
    assert left == sorted([entry.name, f"{3:032x}.arrow", f"{4:032x}.arrow"])


def test_cache_can_be_turned_off(workbook, tmp_path, monkeypatch):
    monkeypatch.setenv("XLADDIN_CACHE_DIR", "off")
    assert rawcache.cache_dir() is None
    same_raw(read_raw_cached([workbook]), read_raw([workbook]))
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("*.arrow"))


def test_default_cache_folder_is_the_users(monkeypatch, tmp_path):
    monkeypatch.delenv("XLADDIN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = rawcache.cache_dir()
    if re.match("linux", __import__("sys").platform):
        assert folder == tmp_path / "xladdin"
