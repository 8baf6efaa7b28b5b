"""Customs downloads as they come, the audit, and importing re-downloads into a workbook."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.customs import sample_as_downloads, write_download
from xladdin.cli import main
from xladdin.engine.load import sample_path
from xladdin.engine.raw import read_xlsx_table


def tables_json(capsys, *args) -> dict:
    capsys.readouterr()
    assert main(["tables", *map(str, args), "--period", "2025-07", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def canonical(tmp_path_factory):
    from xladdin.engine.load import demo
    from xladdin.engine.tables import compute_tables

    return json.loads(json.dumps(compute_tables(demo(), "2025-07"), ensure_ascii=False))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_customs_downloads_give_identical_tables(tmp_path, capsys, canonical, lang):
    files = sample_as_downloads(sample_path(), tmp_path, lang)
    assert len(files) == 6  # one file per flow and extract, all months, split by month
    raw = files[0].read_bytes()
    assert raw.endswith(b",\r\n") and b'"' in raw and "集成电路".encode("gb18030") in raw
    assert tables_json(capsys, *files) == canonical


def test_downloads_without_month_column_use_the_given_month_or_range(tmp_path, capsys, canonical):
    """Unsplit downloads: Jan–Jul totals and July alone, for both years, per flow and extract."""
    raw = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    files = []
    for year in ("2024", "2025"):
        for label, months in (("range", [f"{year}{m:02d}" for m in range(1, 8)]), ("month", [f"{year}07"])):
            part = raw[raw["period"].isin(months)]
            key = ["flow", "hs_code", "partner_code", "province_code"]
            summed = part.assign(value_usd=part["value_usd"].astype(float)).groupby(key, as_index=False)[
                "value_usd"].sum()
            for flow in ("出口", "进口"):
                rows = summed[summed["flow"] == flow]
                for dim, mask in (("product", rows["hs_code"] != "8542"),
                                  ("partner", rows["partner_code"] != ""),
                                  ("province", rows["province_code"] != "")):
                    path = tmp_path / f"{flow}_{dim}_{year}_{label}.csv"
                    period = f"{year}-01..{year}-07" if label == "range" else f"{year}-07"
                    write_download(path, rows[mask].assign(period=""), () if dim == "product" else (dim,),
                                   with_period=False)
                    files.append((path, period))
    # one command per data period: import them into an empty workbook, then compare its tables
    from xladdin.report.template import make_template

    work = tmp_path / "work.xlsx"
    make_template().save(work)
    for path, period in files:
        assert main(["import", str(path), "--into", str(work), "--data-period", period]) == 0
    got = tables_json(capsys, work)
    assert [r["month"].pop("mom") for r in got["tables"]["1"]] == [None] * 4  # no June: no 环比
    expected = json.loads(json.dumps(canonical))
    assert all(r["month"].pop("mom") is not None for r in expected["tables"]["1"])
    assert _close(got, expected)


def _close(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return a == b


def test_audit_is_silent_on_the_clean_sample(capsys):
    assert main(["audit", "--demo", "--period", "2025-07"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "0 errors, 0 warnings" in err


def test_audit_finds_each_planted_problem(tmp_path, capsys):
    text = sample_path().read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("202503,进口,8542,")) + "\n"
    text += ("202507,出口,85423190,133,韩国,44,广东省,5\n" * 2          # pasted twice
             + "202507,出口,854290,,,,,-7\n"                            # negative
             + "209912,出口,854231,,,,,1\n"                             # future
             + "202507,出口,8542,998,神秘国,,,1\n"                       # unknown partner code
             + "202507,出口,84713000,,,,,1\n"                           # another chapter
             + "202505,出口,8542,322,冰岛,,,300000000\n")               # extracts disagree
    raw = tmp_path / "planted.csv"
    raw.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["audit", str(raw), "--period", "2025-07", "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    whats = [(f["severity"], f["what"]) for f in findings]

    def has(severity, pattern):
        import re

        return any(s == severity and re.search(pattern, w) for s, w in whats)

    assert has("error", r"1 rows appear more than once")
    assert has("error", r"1 negative values \(first: -7\)")
    assert has("error", r"rows for months after .* \(first: 2099-12\)")
    assert has("warning", r"partner codes not in the reference list: 998")
    assert has("warning", r"1 rows of other HS chapters \(first: 84713000\)")
    assert has("warning", r"the extracts disagree")
    assert has("error", r"import data \(by partner, by province\) lacks 2025-03")
    assert all(f["where"] and f["fix"] for f in findings)


def test_build_stops_on_audit_errors_unless_forced(tmp_path, capsys):
    raw = tmp_path / "raw.csv"
    raw.write_text(sample_path().read_text(encoding="utf-8") + "202507,出口,854290,,,,,-7\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["build", str(raw), "-o", str(out)]) == 2 and not out.exists()
    assert main(["build", str(raw), "-o", str(out), "--force"]) == 0 and out.exists()


def test_import_twice_replaces_and_lists_revisions(tmp_path, capsys):
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    rows_before = len(read_xlsx_table(work)[0])
    july = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    july = july[(july["period"] == "202507") & (july["flow"] == "出口") & (july["partner_code"] != "")]
    revised = july.copy()
    revised.loc[revised["partner_code"] == "133", "value_usd"] = "2070000000"
    download = write_download(tmp_path / "出口_国别_202507.csv", revised, ("partner",))
    capsys.readouterr()
    assert main(["import", str(download), "--into", str(work)]) == 0
    out = capsys.readouterr().out
    revisions = [line for line in out.splitlines() if line.startswith("revision:")]
    assert len(revisions) == 1 and "2025-07 出口 韩国（133）: " in revisions[0] and "2,070,000,000 USD" in revisions[0]
    assert len(read_xlsx_table(work)[0]) == rows_before
    assert main(["import", str(download), "--into", str(work)]) == 0  # the same download again
    out = capsys.readouterr().out
    assert "revision:" not in out and f"imported {len(july)} rows" in out
    assert len(read_xlsx_table(work)[0]) == rows_before
    assert main(["refresh", str(work)]) == 0
    from openpyxl import load_workbook

    korea = [r for r in load_workbook(work)["表4"].iter_rows(values_only=True) if r[0] == "韩国"]
    assert korea and korea[0][1] == pytest.approx(20.7)


def test_import_replaces_the_right_rows_below_a_blank_row(tmp_path, capsys):
    from openpyxl import load_workbook

    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    book = load_workbook(work)
    for cell in book["原始数据"][10]:
        cell.value = None  # an emptied row in the middle of the table
    book.save(work)
    before = read_xlsx_table(work)[0]
    july = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    july = july[(july["period"] == "202507") & (july["flow"] == "出口") & (july["partner_code"] == "133")]
    revised = july.assign(value_usd="2070000000")
    download = write_download(tmp_path / "出口_韩国_202507.csv", revised, ("partner",))
    assert main(["import", str(download), "--into", str(work)]) == 0
    after = read_xlsx_table(work)[0]
    korea = after[(after["数据年月"] == "202507") & (after["进出口"] == "出口") & (after["贸易伙伴编码"] == "133")]
    assert korea["美元"].astype(float).tolist() == [2070000000.0]
    filled = before.dropna(how="all")
    assert len(after) == len(filled)  # the blank row is gone, every other row kept
    key = ["数据年月", "进出口", "商品编码", "贸易伙伴编码", "注册地编码"]
    def korea_july(frame):
        return (frame["数据年月"] == "202507") & (frame["进出口"] == "出口") & (frame["贸易伙伴编码"] == "133")

    others_before, others_after = filled[~korea_july(filled)], after[~korea_july(after)]
    assert sorted(map(tuple, others_before[key].fillna("").values.tolist())) == \
        sorted(map(tuple, others_after[key].fillna("").values.tolist()))
