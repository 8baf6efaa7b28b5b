"""The =CHIP_* cell functions, called as Excel calls them, on the sample in a (fake) live book.

The data cell =CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY) gets the raw table as Excel
passes it (header row, numbers as floats); every other function takes its handle first.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.excel_checks import figures_equal_tables_json
from tests.fake_xlwings import FakeBook, FakeCaller
from xladdin.cli import main
from xladdin.excel import udf
from xladdin.excel.cells import content_digest
from xladdin.excel.functions import FUNCTIONS as FUNCTION_DECLARATIONS
from xladdin.excel.live import DatasetCache
from xladdin.excel.udf import CHIP_DATA, CHIP_RANK, CHIP_SHARE, CHIP_TABLE, CHIP_VALUE, CHIP_YOY, DATASETS
from xladdin.excel.vba import decorated_udf_module, xlwings_udfs

FUNCTIONS = (CHIP_DATA, CHIP_VALUE, CHIP_YOY, CHIP_SHARE, CHIP_RANK, CHIP_TABLE)
PARTNER_NAME, FLOW, PERIOD, PARTNER_CODE, VALUE = 4, 1, 0, 3, 7  # columns of 原始数据


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("udf") / "月报.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    return path


@pytest.fixture(scope="module")
def shared_book(workbook):
    """The sample workbook as opened in Excel, for the tests that do not change it."""
    return FakeBook(workbook)


@pytest.fixture
def book(workbook):
    """A fresh copy, for tests that edit cells."""
    return FakeBook(workbook)


@pytest.fixture
def caller(shared_book):
    return FakeCaller(shared_book)


def data_cell(book) -> str:
    """The template's 数据 cell, computed as Excel computes it."""
    return CHIP_DATA(book.raw_table(), book.setting("SET_PERIOD"), book.setting("SET_NET_YOY"))


@pytest.fixture
def data(shared_book):
    return data_cell(shared_book)


def approx(x):
    return pytest.approx(x, rel=1e-9, abs=1e-7)  # tables --json rounds to 8 decimals


def test_the_data_cell_shows_a_short_handle(data):
    assert data.startswith("原始数据 3,318 行 2024-01…2025-07 报告期 2025-07 #")
    digest = data.rpartition("#")[2]
    assert len(digest) == 12 and int(digest, 16) >= 0


def test_nothing_is_volatile_and_data_comes_first():
    """The metadata xlwings' Windows decorators record, which its VBA wrapper generator reads."""
    registered = decorated_udf_module(xlwings_udfs())
    CHIP_DATA, CHIP_VALUE, CHIP_RANK, CHIP_TABLE = (getattr(registered, f.__name__) for f in
                                                    (udf.CHIP_DATA, udf.CHIP_VALUE, udf.CHIP_RANK, udf.CHIP_TABLE))
    for func in FUNCTIONS:
        func = getattr(registered, func.__name__)
        meta = func.__xlfunc__
        assert meta["volatile"] is False, func.__name__
        names = [a["name"] for a in meta["args"]]
        assert names[0] == ("raw" if func is CHIP_DATA else "data"), names
    assert [a["name"] for a in CHIP_VALUE.__xlfunc__["args"]] == \
        ["data", "flow", "period", "product", "partner", "province", "span", "caller"]
    assert [a["name"] for a in CHIP_RANK.__xlfunc__["args"]] == ["data", "flow", "period", "by", "n", "span", "caller"]
    assert [a["name"] for a in CHIP_TABLE.__xlfunc__["args"]] == ["data", "table_no", "period", "caller"]
    assert [a["name"] for a in CHIP_DATA.__xlfunc__["args"]] == ["raw", "period", "net_yoy"]
    assert CHIP_DATA.__xlfunc__["argmap"]["raw"]["options"] == {"ndim": 2}
    assert all("optional" in a for a in CHIP_VALUE.__xlfunc__["args"][2:])  # period on: optional


def test_every_figure_equals_tables_json(data, caller, tables_json):
    assert figures_equal_tables_json(udf, data, tables_json, caller) > 150


def test_arguments_as_a_person_types_them(data, caller, tables_json):
    t1, t2, t4, t7 = (tables_json[n] for n in ("1", "2", "4", "7"))
    assert CHIP_VALUE(data, "import", 202507.0, None, None, None, "累计", caller) == approx(t1[2]["ytd"]["value"])
    assert CHIP_VALUE(data, "出口", datetime(2025, 7, 1), caller=caller) == approx(t1[1]["month"]["value"])
    assert CHIP_YOY([[data]], "出口", [["2025-07"]], caller=caller) == approx(t1[1]["month"]["yoy"])
    memory = next(r for r in t2 if r["label"] == "存储器")
    for product in ("存储器", 854232.0, "854232", "Memories"):
        assert CHIP_VALUE(data, "出口", "2025-07", product, caller=caller) == approx(memory["month"]["value"])
    asean = t4["regions"][0]
    assert CHIP_YOY(data, "export", "2025-07", None, "ASEAN", None, "ytd", caller) == approx(asean["ytd"]["yoy"])
    korea = next(e for e in t4["month"] if e["label"] == "韩国")
    for partner in ("韩国", 133.0, "133"):
        assert CHIP_VALUE(data, "出口", None, None, partner, caller=caller) == approx(korea["value"])
    for province in ("广东", "广东省", 44.0):
        assert CHIP_VALUE(data, "进口", "", None, None, province, "累计", caller) == approx(t7["ytd"][0]["value"])
    assert CHIP_SHARE(data, "进口", caller=caller) == pytest.approx(100.0)
    assert CHIP_VALUE(data, "出口", "2024-03", caller=caller) > 0  # 2023 is not in the sample


def test_names_are_matched_as_the_raw_reader_matches_them(data, caller, tables_json):
    """Aliases and English names through the one name-matching path (aliases.csv), desktop and Lite."""
    from xladdin import lite

    t4, t6 = tables_json["4"], tables_json["6"]
    hong_kong = next(e for e in t4["month"] if e["key"] == "110")["value"]
    for partner in ("香港", "Hong Kong SAR", "hong kong, china", "中国香港", 110.0):
        assert CHIP_VALUE(data, "出口", None, None, partner, caller=caller) == approx(hong_kong)
    assert lite.CHIP_VALUE(lite.CHIP_DATA(caller.sheet.book.raw_table()), "出口", partner="香港") == approx(hong_kong)
    guangdong = next(e for e in t6["month"] if e["key"] == "44")["value"]
    for province in ("Guangdong", "广东省", "广东", "4401", 440106.0):
        assert CHIP_VALUE(data, "出口", "", "", "", province, caller=caller) == approx(guangdong)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "out.xlsx"
    assert main(["demo", "-o", str(out)]) == 0
    return load_workbook(out)


@pytest.mark.parametrize("no", range(1, 8))
def test_table_spills_the_body_as_the_workbook_shows_it(data, caller, built, no, tables_json):
    sheet, ref = next(iter(built.defined_names[f"T{no}_BODY"].destinations))
    shown = [["" if c.value is None else c.value for c in row] for row in built[sheet][ref.replace("$", "")]]
    spilled = CHIP_TABLE(data, float(no), None, caller)
    assert spilled == [[pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in row]
                       for row in shown]  # xlsx keeps 15 significant digits
    assert CHIP_TABLE(data, float(no), "2025-07", caller) == spilled
    if no == 1:
        assert spilled[0][1] == approx(tables_json["1"][0]["month"]["value"])


@pytest.mark.parametrize("call,message", [
    (lambda d, c: CHIP_VALUE(d, "出入", "2025-07", caller=c), "#CHIP! unknown flow '出入': use 出口 or 进口"),
    (lambda d, c: CHIP_VALUE(d, "出口", "2025-07", None, "韩", caller=c), "#CHIP! unknown partner '韩'"),
    (lambda d, c: CHIP_VALUE(d, "出口", "July", caller=c), "#CHIP! 'July' is not a month: write 2025-07 or 202507"),
    (lambda d, c: CHIP_VALUE(d, "出口", "2025-07", "存储器", "韩国", caller=c),
     "#CHIP! give only one of product, partner and province"),
    (lambda d, c: CHIP_VALUE(d, "出口", "2025-07", [["存储器", "放大器"]], caller=c),
     "#CHIP! product must be one cell, not a range"),
    (lambda d, c: CHIP_VALUE(d, "出口", "2025-07", None, None, "火星", caller=c), "#CHIP! unknown province '火星'"),
    (lambda d, c: CHIP_VALUE(d, "出口", "2025-07", None, None, None, "季度", caller=c),
     "#CHIP! unknown span '季度': use 当月 (month) or 累计 (ytd)"),
    (lambda d, c: CHIP_YOY(d, "出口", "2024-07", caller=c), "#CHIP! no export data total for 2023-07"),
    (lambda d, c: CHIP_RANK(d, "出口", "2025-07", "city", caller=c), "#CHIP! unknown by 'city'"),
    (lambda d, c: CHIP_RANK(d, "出口", "2025-07", "partner", 0.0, caller=c), "#CHIP! n must be a whole number"),
    (lambda d, c: CHIP_TABLE(d, 8.0, "2025-07", caller=c), "#CHIP! table_no must be 1 to 7, not '8'"),
    (lambda d, c: CHIP_VALUE("出口", "2025-07", caller=c),
     "#CHIP! the first argument must be the data cell (数据, =CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)), "
     "not '出口'"),
    (lambda d, c: CHIP_VALUE(None, "出口", caller=c), "#CHIP! the first argument must be the data cell"),
    (lambda d, c: CHIP_VALUE("#CHIP! 原始数据, row 9, column 美元: 'abc' is not a number", "出口", caller=c),
     "#CHIP! the data cell has an error: 原始数据, row 9, column 美元: 'abc' is not a number"),
])
def test_bad_arguments_give_a_readable_cell_error(data, caller, call, message):
    result = call(data, caller)
    assert isinstance(result, str) and result.startswith(message), result


def test_bad_raw_data_or_settings_show_in_the_data_cell(shared_book):
    book = shared_book
    raw = book.raw_table()
    raw[9][VALUE] = "abc"
    assert CHIP_DATA(raw, None, "net_import_pct").startswith(
        "#CHIP! sheet 原始数据 row 10, column 美元: 'abc' is not a number")
    assert CHIP_DATA(book.raw_table(), "July", None).startswith(
        "#CHIP! the report month 'July' in 设置 is not a month")
    assert CHIP_DATA(book.raw_table()[:1], None, None).startswith("#CHIP! sheet 原始数据: there are no data rows")
    assert CHIP_DATA(book.raw_table(), None, "abs").startswith("#CHIP! unknown net YoY convention 'abs'")


# --- the handle: fresh results through Excel's dependency graph ------------------------------------

def changed(raw, row, col, value):
    copy = [list(r) for r in raw]
    copy[row][col] = value
    return copy


def test_the_handle_changes_with_any_single_raw_cell(shared_book):
    book = shared_book
    raw = book.raw_table()
    same = data_cell(book)
    assert CHIP_DATA(book.raw_table(), None, "net_import_pct") == same  # nothing changed
    assert CHIP_DATA(FakeBook(book.fullname).raw_table(), None, "net_import_pct") == same
    row = next(i for i, r in enumerate(raw) if r[PARTNER_CODE] == "133" and r[PARTNER_NAME] in (None, "韩国"))
    korea = raw[row]
    variants = {
        "value": changed(raw, row, VALUE, korea[VALUE] + 1.0),
        "partner code": changed(raw, row, PARTNER_CODE, "116"),  # 日本
        "partner name, same length": changed(raw, row, PARTNER_NAME, "日本" if korea[PARTNER_NAME] else None),
        "flow": changed(raw, row, FLOW, "进口" if korea[FLOW] == "出口" else "出口"),
        "period": changed(raw, row, PERIOD, "202406" if korea[PERIOD] != "202406" else "202407"),
        "row added below the table": raw + [["202507", "出口", "85423100", "133", "韩国", "", "", 1.0]],
    }
    if korea[PARTNER_NAME] is None:  # the sample's partner extract gives codes; name one, then rename it
        named = changed(raw, row, PARTNER_NAME, "韩国")
        same_named = CHIP_DATA(named, None, "net_import_pct")
        renamed = CHIP_DATA(changed(named, row, PARTNER_NAME, "日本"), None, "net_import_pct")
        assert same_named.startswith("原始数据") and renamed.startswith("原始数据")
        assert same_named != renamed and same_named != same
        del variants["partner name, same length"]
    handles = {name: CHIP_DATA(rows, None, "net_import_pct") for name, rows in variants.items()}
    for name, handle in handles.items():
        assert handle.startswith("原始数据 "), (name, handle)
        assert handle != same, name
    assert len(set(handles.values())) == len(handles)
    assert CHIP_DATA(raw, "2025-06", "net_import_pct") != same  # and the settings
    assert CHIP_DATA(raw, None, "abs_diff") != same


@settings(max_examples=25, deadline=None)
@given(row=st.integers(0, 3318), col=st.integers(0, 7),
       new=st.one_of(st.text(min_size=1, max_size=4), st.floats(allow_nan=False, allow_infinity=False), st.none()))
def test_the_content_hash_sees_every_cell(sample_frame, row, col, new):
    import pandas as pd

    frame = sample_frame
    old = frame.iat[row, col]
    if new == old or (new is None and old in (None, "")) or (new == "" and old is None):
        return
    copy = frame.copy()
    copy.iat[row, col] = new
    assert content_digest(copy, ()) != content_digest(frame, ())
    assert content_digest(pd.DataFrame(frame.values.tolist(), dtype=object), ()) == content_digest(frame, ())


@pytest.fixture(scope="module")
def sample_frame(workbook):
    import pandas as pd

    return pd.DataFrame(FakeBook(workbook).raw_table(), dtype=object)


def test_results_follow_a_changed_raw_value(book):
    caller = FakeCaller(book)
    before = data_cell(book)
    args = ("出口", "2025-07", "集成电路的零件")
    value = CHIP_VALUE(before, *args, caller=caller)
    ws = book.wb["原始数据"]
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == "202507" and r[1].value == "出口"
               and r[2].value == "85429000")
    ws[f"H{row}"].value += 100_000_000  # the analyst types a new figure: +1 亿美元
    after = data_cell(book)  # Excel recomputes the data cell, then the cells that take it
    assert after != before
    assert CHIP_VALUE(after, *args, caller=caller) == pytest.approx(value + 1.0)
    book.names["SET_NET_YOY"].refers_to_range.value = "abs_diff"  # a settings change: a new handle too
    table = CHIP_TABLE(data_cell(book), 1.0, None, caller)
    assert isinstance(table[3][2], float) and abs(table[3][2]) < 100  # now an absolute change


def test_period_defaults_to_the_report_month_in_settings(book, tables_json):
    caller = FakeCaller(book)
    book.names["SET_PERIOD"].refers_to_range.value = "2025-03"
    data = data_cell(book)
    assert "报告期 2025-03 #" in data
    march = CHIP_VALUE(data, "出口", "2025-03", caller=caller)
    assert CHIP_VALUE(data, "出口", caller=caller) == march != CHIP_VALUE(data, "出口", "2025-07", caller=caller)
    assert CHIP_TABLE(data, 1.0, None, caller) == CHIP_TABLE(data, 1.0, "2025-03", caller)
    book.names["SET_PERIOD"].refers_to_range.value = None  # empty: the latest month
    latest = data_cell(book)
    assert "报告期 2025-07 #" in latest
    assert CHIP_VALUE(latest, "出口", caller=caller) == approx(tables_json["1"][1]["month"]["value"])


def test_warm_calls_do_not_read_the_raw_table(shared_book):
    book, caller, data = shared_book, FakeCaller(shared_book), data_cell(shared_book)
    book.raw_cells_read = 0
    loads = DATASETS.loads
    first = CHIP_VALUE(data, "出口", "2025-07", caller=caller)
    for _ in range(200):
        assert CHIP_VALUE(data, "出口", "2025-07", caller=caller) == first
        CHIP_YOY(data, "进口", "2025-07", None, "韩国", caller=caller)
    assert book.raw_cells_read == 0 and DATASETS.loads == loads


def test_a_handle_not_in_memory_is_rebuilt_from_the_calling_workbook(shared_book, tables_json):
    book = shared_book
    data = data_cell(book)
    DATASETS.clear()  # Excel was closed and the workbook reopened: the cell keeps its text
    book.raw_cells_read = 0
    caller = FakeCaller(book, "表4")
    loads = DATASETS.loads
    assert CHIP_VALUE(data, "出口", caller=caller) == approx(tables_json["1"][1]["month"]["value"])
    assert DATASETS.loads == loads + 1 and book.raw_cells_read == 3319 * 8  # one bulk read
    assert CHIP_RANK(data, "进口", None, caller=caller)[0][0] == tables_json["5"]["month"][0]["label"]
    assert DATASETS.loads == loads + 1 and book.raw_cells_read == 3319 * 8


def test_a_stale_handle_is_refused_not_guessed(book):
    data = data_cell(book)
    DATASETS.clear()
    book.wb["原始数据"]["H2"].value += 1  # changed while the add-in was not running
    result = CHIP_VALUE(data, "出口", caller=FakeCaller(book))
    assert result.startswith(f"#CHIP! the data cell shows #{data[-12:]} but 原始数据 now hashes to #")
    assert result.endswith("recalculate the workbook (Ctrl+Alt+F9)")


def test_the_cache_keeps_a_few_engines(shared_book):
    """Functions made over their own cache share nothing with the add-in's (udf.DATASETS)."""
    book = shared_book
    raw = book.raw_table()
    cache = DatasetCache()
    made = {f.name: udf.desktop_function(f, datasets=cache) for f in FUNCTION_DECLARATIONS}
    shared = dict(DATASETS.entries)
    handles = [made["CHIP_DATA"](raw, f"2025-0{m}", None) for m in range(1, 7)]
    assert len(set(handles)) == 6 and len(cache.entries) == cache.keep == 4
    assert list(cache.entries) == [h[-12:] for h in handles[-4:]]
    assert made["CHIP_VALUE"](handles[-1], "出口", caller=FakeCaller(book)) > 0
    assert dict(DATASETS.entries) == shared
