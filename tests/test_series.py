"""CHIP_SERIES and CHIP_MOM through the desktop and Lite functions, against plain pandas sums of a
crossed cube; and the declarations every wrapper is made from."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from xladdin import lite
from xladdin.excel import udf
from xladdin.excel.functions import (
    FIGURE_ARGS,
    FUNCTIONS,
    REQUIRED,
    Arg,
    CellFunction,
    check,
    main_py_imports,
)

PRODUCTS = ["854231", "854232", "854233", "854239", "854290"]
PARTNERS = ["116", "133", "132", "141", "304", "305", "502", "110"]  # 132, 141 ASEAN; 304, 305 EU
PROVINCES = ["11", "31", "44", "32"]
#: 2024-06 is missing: its month, the month-on-month of 2024-07 and the YoY of 2025-06 are undefined
MONTHS = [m for m in pd.period_range("2024-01", "2025-07", freq="M").strftime("%Y-%m") if m != "2024-06"]
CALLER = SimpleNamespace(sheet=SimpleNamespace(book=None))  # the calling cell (unused: the data is cached)


@pytest.fixture(scope="module")
def cube() -> pd.DataFrame:
    """Month × flow × product × partner × province, in whole dollars; Korea's exports of
    2025-02 are all zero, so its March month-on-month is undefined."""
    index = pd.MultiIndex.from_product([MONTHS, ["出口", "进口"], PRODUCTS, PARTNERS, PROVINCES],
                                       names=["period", "flow", "hs_code", "partner_code", "province_code"])
    values = np.random.default_rng(20).integers(10**5, 10**8, len(index)).astype("float64")
    frame = pd.DataFrame({"value_usd": values}, index=index).reset_index()
    zero = (frame["period"] == "2025-02") & (frame["flow"] == "出口") & (frame["partner_code"] == "133")
    frame.loc[zero, "value_usd"] = 0.0
    return frame


@pytest.fixture(scope="module")
def raw(cube) -> list[list]:
    """RawData[#All] as Excel passes it: a header row, codes as text, dollars as floats."""
    header = ["数据年月", "进出口", "商品编码", "贸易伙伴编码", "注册地编码", "美元"]
    return [header, *cube[["period", "flow", "hs_code", "partner_code", "province_code", "value_usd"]]
            .itertuples(index=False, name=None)]


@pytest.fixture(scope="module")
def handles(raw):
    return {"desktop": udf.CHIP_DATA(raw, "2025-07", "net_import_pct"),
            "lite": lite.CHIP_DATA(raw, [["2025-07"]], [["net_import_pct"]])}


def call(runtime: str, handles: dict, name: str, *args, **kwargs):
    if runtime == "desktop":
        return getattr(udf, name)(handles[runtime], *args, caller=CALLER, **kwargs)
    return getattr(lite, name)(handles[runtime], *args, **kwargs)


def expected(cube: pd.DataFrame, flow: str, column: str | None, keys: set[str] | None,
             measure: str, span: str) -> dict[str, float | None]:
    """The series by plain pandas: monthly sums, summed to the year to date, compared."""
    f = cube[cube["flow"] == flow]
    whole = f.groupby("period")["value_usd"].sum()
    part = whole if column is None else f[f[column].isin(keys)].groupby("period")["value_usd"].sum()
    months = pd.period_range("2024-01", "2025-07", freq="M").strftime("%Y-%m")
    held = set(MONTHS)

    def at(series: pd.Series, month: str) -> float | None:
        if span == "当月":
            return series[month] if month in held else None
        year_so_far = [m for m in months if m[:4] == month[:4] and m <= month]
        return sum(series[m] for m in year_so_far) if all(m in held for m in year_so_far) else None

    def growth(now, before):
        return None if now is None or before is None or before <= 0 else (now / before - 1) * 100

    out = {}
    for i, month in enumerate(months):
        now = at(part, month)
        if measure == "value":
            out[month] = None if now is None else now / 1e8
        elif measure == "share":
            total = at(whole, month)
            out[month] = None if now is None or not total else now / total * 100
        elif measure == "yoy":
            before = f"{int(month[:4]) - 1}{month[4:]}"
            out[month] = growth(now, at(part, before)) if before >= "2024-01" else None
        else:
            out[month] = growth(now, at(part, months[i - 1])) if i else None
    return out


SELECTIONS = [
    ("total", {}, None, None),
    ("partner", {"partner": "韩国"}, "partner_code", {"133"}),
    ("asean", {"partner": "东盟"}, "partner_code", {"132", "141"}),
    ("province", {"province": 44.0}, "province_code", {"44"}),
    ("product", {"product": "854232"}, "hs_code", {"854232"}),
]


@pytest.mark.parametrize("runtime", ["desktop", "lite"])
@pytest.mark.parametrize("flow", ["出口", "进口"])
@pytest.mark.parametrize("selection", SELECTIONS, ids=[s[0] for s in SELECTIONS])
def test_series_equals_sums_of_the_cube(runtime, handles, cube, flow, selection):
    _, chosen, column, keys = selection
    checked = 0
    for measure in ("value", "yoy", "mom", "share"):
        for span in ("当月", "累计"):
            if measure == "mom" and span == "累计":
                continue
            rows = call(runtime, handles, "CHIP_SERIES", flow, "2024-01", "2025-07", measure=measure,
                        span=span, **chosen)
            want = expected(cube, flow, column, keys, measure, span)
            assert rows[0][0] == "月份" and flow in rows[0][1]
            assert [r[0] for r in rows[1:]] == list(want)
            for month, got in rows[1:]:
                if want[month] is None:
                    assert got == "", (measure, span, month)  # an empty cell, not 0
                else:
                    assert got == pytest.approx(want[month], rel=1e-12), (measure, span, month)
                    checked += 1
    assert checked >= 80


def test_series_is_positional_in_excel_order_and_empty_where_undefined(handles):
    """Excel passes every argument by position, in the declared order; 2024-06 is missing, so
    its value and the next month's 环比 are empty; Korea's March 2025 环比 is over a zero."""
    rows = udf.CHIP_SERIES(handles["desktop"], "出口", "2024-05", "2024-08", None, None, None, "mom", "当月", CALLER)
    assert [r[0] for r in rows] == ["月份", "2024-05", "2024-06", "2024-07", "2024-08"]
    assert isinstance(rows[1][1], float) and rows[2][1] == rows[3][1] == "" and isinstance(rows[4][1], float)
    korea = lite.CHIP_SERIES(handles["lite"], "出口", "2025-02", "2025-04", partner="133", measure="环比")
    assert korea[1][1] != "" and korea[2][1] == "" and isinstance(korea[3][1], float)
    assert rows == lite.CHIP_SERIES(handles["lite"], "出口", "2024-05", "2024-08", None, None, None, "mom", "当月")


@pytest.mark.parametrize("runtime", ["desktop", "lite"])
def test_chip_mom_equals_the_series_mom(runtime, handles):
    for chosen in ({}, {"partner": "东盟"}, {"province": "广东"}, {"product": "存储器"}):
        rows = call(runtime, handles, "CHIP_SERIES", "出口", "2024-02", "2025-07", measure="mom", **chosen)
        for month, figure in rows[1:]:
            if month == "2024-06":  # a month the data lack: an error in a one-figure cell, as CHIP_VALUE
                continue
            got = call(runtime, handles, "CHIP_MOM", "出口", month, **chosen)
            assert got == ("—" if figure == "" else pytest.approx(figure, rel=1e-12)), (chosen, month)


def test_series_errors_are_the_cell_sentences(handles):
    data = handles["desktop"]
    assert udf.CHIP_MOM(data, "出口", "2024-06", caller=CALLER).startswith("#CHIP! no export data total for 2024-06")
    assert udf.CHIP_SERIES(data, "出口", "2025-07", "2025-01", caller=CALLER).startswith(
        "#CHIP! the series starts (2025-07) after it ends (2025-01)")
    assert "no 累计" in udf.CHIP_SERIES(data, "出口", measure="mom", span="累计", caller=CALLER)
    assert "no 累计" in udf.CHIP_MOM(data, "出口", span="累计", caller=CALLER)
    assert udf.CHIP_SERIES(data, "出口", measure="avg", caller=CALLER).startswith("#CHIP! unknown measure 'avg'")
    assert udf.CHIP_SERIES(data, "出口", partner="韩国", province="广东", caller=CALLER) == \
        "#CHIP! give only one of product, partner and province"
    assert udf.CHIP_SERIES(data, "出入", caller=CALLER).startswith("#CHIP! unknown flow")
    with pytest.raises(Exception, match="unknown partner 'Atlantis'"):
        lite.CHIP_SERIES(handles["lite"], "出口", partner="Atlantis")
    defaults = udf.CHIP_SERIES(data, "进口", caller=CALLER)  # the first month held to the report month
    assert defaults[1][0] == "2024-01" and defaults[-1][0] == "2025-07"


# --- one declaration per function -------------------------------------------------------------

def test_desktop_and_lite_signatures_are_equal():
    check()
    for declared in FUNCTIONS:
        desktop = [p for p in inspect.signature(getattr(udf, declared.name)).parameters.values()
                   if p.name != "caller"]
        mine = list(inspect.signature(getattr(lite, declared.name)).parameters.values())
        assert [(p.name, p.default) for p in desktop] == [(p.name, p.default) for p in mine], declared.name
        assert getattr(udf, declared.name).__doc__ == getattr(lite, declared.name).__doc__ == declared.doc
    assert set(n for n in vars(udf) if n.startswith("CHIP_")) == {f.name for f in FUNCTIONS}
    assert set(n for n in vars(lite) if n.startswith("CHIP_")) == {f.name for f in FUNCTIONS}


def test_one_declaration_gives_both_wrapper_sets(handles):
    """A function added as one declaration appears in the VBA wrappers, the wizard's help, the
    desktop function, the Lite function and main.py's imports."""
    from xladdin.excel.vba import help_source, udf_wrappers

    extra = CellFunction("CHIP_GROWTH", "Month-on-month growth again, declared only here.",
                         (Arg("data", "the 数据 cell", REQUIRED, kind="data"),
                          Arg("flow", "出口 or 进口", REQUIRED, ("出口", "进口")),
                          Arg("month", "a month"), *FIGURE_ARGS[3:]),
                         "figure", ("mom",))
    functions = (*FUNCTIONS, extra)
    check(functions)
    vba = udf_wrappers(functions)
    assert ("Function CHIP_GROWTH(data, flow, Optional month, Optional product, Optional partner, "
            "Optional province, Optional span)") in vba
    assert ('CHIP_GROWTH = XLPy.CallUDF("xladdin.excel.udf", "CHIP_GROWTH", Array(data, flow, month, product, '
            "partner, province, span, Nothing)") in vba
    assert 'Register "CHIP_GROWTH", d, aCHIP_GROWTH, wasAddin' in help_source(functions)
    assert "Dim aCHIP_GROWTH(1 To 7) As String" in help_source(functions)
    desktop, mine = udf.desktop_function(extra), lite.lite_function(extra)
    assert list(inspect.signature(desktop).parameters) == ["data", "flow", "month", "product", "partner", "province", "span", "caller"]
    assert list(inspect.signature(mine).parameters) == ["data", "flow", "month", "product", "partner", "province", "span"]
    assert desktop.__doc__ == mine.__doc__ == extra.doc
    assert "    CHIP_GROWTH,\n" in main_py_imports(functions)
    mom = udf.CHIP_MOM(handles["desktop"], "进口", "2025-03", caller=CALLER)
    assert desktop(handles["desktop"], "进口", "2025-03", caller=CALLER) == mom
    assert mine(handles["lite"], "进口", "2025-03") == pytest.approx(mom, rel=1e-12)


def test_tables_json_carries_mom_on_table_1s_month_rows(cube, handles, tmp_path, capsys):
    """环比 of table 1 against pandas: the month on the month before; none for 累计; January on
    the December before."""
    from xladdin.cli import main

    june = cube[cube["period"] == "2024-05"].assign(period="2024-06")
    june = june.assign(value_usd=june["value_usd"] * 1.5)
    whole = pd.concat([cube, june], ignore_index=True)
    path = tmp_path / "cube.csv"
    whole.to_csv(path, index=False, float_format="%.0f")
    sums = whole.groupby(["flow", "period"])["value_usd"].sum()
    for period, before in (("2025-07", "2025-06"), ("2025-01", "2024-12")):
        assert main(["tables", str(path), "--period", period, "--json"]) == 0
        t1 = {r["key"]: r for r in __import__("json").loads(capsys.readouterr().out)["tables"]["1"]}
        ex, im = sums["出口"][period], sums["进口"][period]
        ex0, im0 = sums["出口"][before], sums["进口"][before]
        assert t1["export"]["month"]["mom"] == pytest.approx((ex / ex0 - 1) * 100, rel=1e-12)
        assert t1["import"]["month"]["mom"] == pytest.approx((im / im0 - 1) * 100, rel=1e-12)
        assert t1["total"]["month"]["mom"] == pytest.approx(((ex + im) / (ex0 + im0) - 1) * 100, rel=1e-12)
        net = t1["net"]["month"]["mom"]  # the net row's convention: growth of net imports
        assert net == (pytest.approx(((im - ex) / (im0 - ex0) - 1) * 100, rel=1e-12) if im0 > ex0 else None)
        assert all("mom" not in r["ytd"] for r in t1.values())
    engine = handles["lite"].obj.engine  # the cube without June 2024
    assert [engine.month_on_month(k, "2024-07") for k in ("total", "export", "import", "net")] == [None] * 4
    assert engine.month_on_month("export", "2024-08") is not None


def test_a_sheet_of_series_validates_the_raw_table_once(raw):
    """Every series cell finds the engine by the handle's hash: the raw table is validated for
    the data cell only, however many series read it (their cost: benchmarks/bench_udf.py)."""
    from xladdin.excel.udf import DATASETS

    handle = udf.CHIP_DATA(raw, "2025-07", "net_import_pct")
    loads = DATASETS.loads
    for i, who in enumerate([{}, {"partner": "东盟"}, {"province": "44"}, {"product": "存储器"}] * 10):
        measure = ("value", "yoy", "mom", "share")[i % 4]
        assert isinstance(udf.CHIP_SERIES(handle, "出口", measure=measure, caller=CALLER, **who), list)
    assert DATASETS.loads == loads
