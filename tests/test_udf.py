"""The =CHIP_* cell functions, called as Excel calls them, on the sample in a (fake) live book."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.fake_xlwings import FakeBook, FakeCaller
from xladdin.cli import main
from xladdin.excel.live import CACHE
from xladdin.excel.udf import CHIP_RANK, CHIP_SHARE, CHIP_TABLE, CHIP_VALUE, CHIP_YOY


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("udf") / "月报.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    return path


@pytest.fixture
def caller(workbook):
    CACHE.entries.clear()
    return FakeCaller(FakeBook(workbook))


def t(result, no):
    return result["tables"][str(no)]


def test_values_equal_the_engine(caller, demo_result):
    t1, t2, t4, t7 = (t(demo_result, n) for n in (1, 2, 4, 7))
    assert CHIP_VALUE("出口", "2025-07", caller=caller) == pytest.approx(t1[1]["month"]["value"])
    assert CHIP_VALUE("import", 202507.0, None, None, None, "累计", caller=caller) == \
        pytest.approx(t1[2]["ytd"]["value"])
    assert CHIP_VALUE("出口", datetime(2025, 7, 1), caller=caller) == pytest.approx(t1[1]["month"]["value"])
    assert CHIP_YOY("出口", [["2025-07"]], caller=caller) == pytest.approx(t1[1]["month"]["yoy"])
    memory = next(r for r in t2 if r["label"] == "存储器")
    for product in ("存储器", 854232.0, "854232", "Memories"):
        assert CHIP_VALUE("出口", "2025-07", product, caller=caller) == pytest.approx(memory["month"]["value"])
    assert CHIP_SHARE("出口", "2025-07", "存储器", None, None, "ytd", caller=caller) == \
        pytest.approx(memory["ytd"]["share"])
    assert CHIP_YOY("出口", "2025-07", "存储器", caller=caller) == pytest.approx(memory["month"]["yoy"])
    asean = t4["regions"][0]
    assert CHIP_VALUE("出口", "2025-07", None, "东盟", caller=caller) == pytest.approx(asean["month"]["value"])
    assert CHIP_YOY("export", "2025-07", None, "ASEAN", None, "累计", caller=caller) == \
        pytest.approx(asean["ytd"]["yoy"])
    korea = next(e for e in t4["month"] if e["label"] == "韩国")
    for partner in ("韩国", 133.0, "133"):
        assert CHIP_VALUE("出口", "2025-07", None, partner, caller=caller) == pytest.approx(korea["value"])
    guangdong = t7["ytd"][0]
    for province in ("广东", "广东省", 44.0):
        assert CHIP_VALUE("进口", "2025-07", None, None, province, "累计", caller=caller) == \
            pytest.approx(guangdong["value"])
    assert CHIP_SHARE("进口", "2025-07", caller=caller) == pytest.approx(100.0)


def test_rank_spills_name_value_yoy(caller, demo_result):
    expected = [[e["label"], pytest.approx(e["value"]), pytest.approx(e["yoy"])] for e in t(demo_result, 5)["month"]]
    assert CHIP_RANK("进口", "2025-07", caller=caller) == expected
    ytd = CHIP_RANK("出口", "2025-07", "省市", 3.0, "累计", caller=caller)
    assert [r[0] for r in ytd] == [e["label"] for e in t(demo_result, 6)["ytd"][:3]]
    products = CHIP_RANK("出口", "2025-07", "product", 5.0, caller=caller)
    assert [r[0] for r in products] == [r["label"] for r in t(demo_result, 2)]


@pytest.mark.parametrize("no", range(1, 8))
def test_table_spills_the_body_as_the_workbook_shows_it(caller, tmp_path_factory, no, demo_result):
    out = tmp_path_factory.mktemp("build") / "out.xlsx"
    assert main(["demo", "-o", str(out)]) == 0
    book = load_workbook(out)
    sheet, ref = next(iter(book.defined_names[f"T{no}_BODY"].destinations))
    shown = [["" if c.value is None else c.value for c in row] for row in book[sheet][ref.replace("$", "")]]
    spilled = CHIP_TABLE(float(no), "2025-07", caller=caller)
    assert spilled == [[pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in row]
                       for row in shown]  # xlsx keeps 15 significant digits
    if no == 1:
        assert spilled[0][1] == pytest.approx(t(demo_result, 1)[0]["month"]["value"])


@pytest.mark.parametrize("call,message", [
    (lambda c: CHIP_VALUE("出入", "2025-07", caller=c), "#CHIP! unknown flow '出入': use 出口 or 进口"),
    (lambda c: CHIP_VALUE("出口", "2025-07", None, "韩", caller=c), "#CHIP! unknown partner '韩'"),
    (lambda c: CHIP_VALUE("出口", "July", caller=c), "#CHIP! 'July' is not a month: write 2025-07 or 202507"),
    (lambda c: CHIP_VALUE("出口", "2025-07", "存储器", "韩国", caller=c),
     "#CHIP! give only one of product, partner and province"),
    (lambda c: CHIP_VALUE("出口", "2025-07", [["存储器", "放大器"]], caller=c),
     "#CHIP! product must be one cell, not a range"),
    (lambda c: CHIP_VALUE("出口", "2025-07", None, None, "火星", caller=c), "#CHIP! unknown province '火星'"),
    (lambda c: CHIP_VALUE("出口", "2025-07", None, None, None, "季度", caller=c),
     "#CHIP! unknown span '季度': use 当月 (month) or 累计 (ytd)"),
    (lambda c: CHIP_YOY("出口", "2024-07", caller=c), "#CHIP! no export data total for 2023-07"),
    (lambda c: CHIP_RANK("出口", "2025-07", "city", caller=c), "#CHIP! unknown by 'city'"),
    (lambda c: CHIP_RANK("出口", "2025-07", "partner", 0.0, caller=c), "#CHIP! n must be a whole number"),
    (lambda c: CHIP_TABLE(8.0, "2025-07", caller=c), "#CHIP! table_no must be 1 to 7, not '8'"),
])
def test_bad_arguments_give_a_readable_cell_error(caller, call, message):
    result = call(caller)
    assert isinstance(result, str) and result.startswith(message), result


def test_value_needs_no_prior_year(caller):
    assert CHIP_VALUE("出口", "2024-03", caller=caller) > 0  # 2023 is not in the sample


def test_warm_calls_do_not_read_the_raw_table(caller):
    book = caller.sheet.book
    first = CHIP_VALUE("出口", "2025-07", caller=caller)
    cold_reads, loads = book.raw_cells_read, CACHE.loads
    assert cold_reads > 3000 * 8
    for _ in range(200):
        assert CHIP_VALUE("出口", "2025-07", caller=caller) == first
        CHIP_YOY("进口", "2025-07", None, "韩国", caller=caller)
    assert book.raw_cells_read == cold_reads and CACHE.loads == loads


def test_a_changed_raw_value_changes_the_results(caller):
    book = caller.sheet.book
    before = CHIP_VALUE("出口", "2025-07", "集成电路的零件", caller=caller)
    ws = book.wb["原始数据"]
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == "202507" and r[1].value == "出口"
               and r[2].value == "85429000")
    cell = book.sheets["原始数据"].range(f"H{row}")
    cell.value = cell.value + 100_000_000  # the analyst types a new figure: +1 亿美元
    after = CHIP_VALUE("出口", "2025-07", "集成电路的零件", caller=caller)
    assert after == pytest.approx(before + 1.0)
    book.sheets["设置"].range("B4").value = "abs_diff"  # a settings change also reloads
    table = CHIP_TABLE(1.0, "2025-07", caller=caller)
    assert isinstance(table[3][2], float) and abs(table[3][2]) < 100  # now an absolute change


def test_empty_period_means_the_latest_month(caller, demo_result):
    assert CHIP_VALUE("出口", None, caller=caller) == pytest.approx(t(demo_result, 1)[1]["month"]["value"])


def test_excel_recomputes_the_raw_token_when_data_change(workbook, tmp_path):
    """The real RAW_TOKEN formula, evaluated by a spreadsheet (LibreOffice), changes when one
    value, one partner code or one flow changes, and stays the same otherwise."""
    from tests.office import sheets_as_shown

    variants = {"same": None, "value": ("H", 1), "code": ("D", None), "flow": ("B", None)}
    tokens = {}
    for name, change in variants.items():
        book = load_workbook(workbook)
        ws = book["原始数据"]
        if change:
            column, delta = change
            row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[3].value == "133")
            cell = ws[f"{column}{row}"]
            if column == "H":
                cell.value += delta
            elif column == "D":
                cell.value = "116"
            else:
                cell.value = "进口" if cell.value == "出口" else "出口"
        path = tmp_path / f"{name}.xlsx"
        book.save(path)
        shown = sheets_as_shown(path, tmp_path / name)
        tokens[name] = next(r[1] for r in shown["设置"] if r and r[0].startswith("原始数据指纹"))
    assert tokens["same"].count("|") == 10 and not tokens["same"].startswith("#")
    assert len({tokens["same"], tokens["value"], tokens["code"], tokens["flow"]}) == 4
    again = sheets_as_shown(workbook, tmp_path / "again")
    assert next(r[1] for r in again["设置"] if r and r[0].startswith("原始数据指纹")) == tokens["same"]
