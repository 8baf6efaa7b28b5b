"""Benchmark: cost of the =CHIP_* cell functions, on the sample and on a 1M-row raw table, and
of a workbook of 200 =CHIP_SERIES cells over a 100,000-row 原始数据.

Run: ``python benchmarks/bench_udf.py [--rows 1000000] [--series-rows 100000] [--series 200]
[--only-series]``. Uses the fake live workbook of the tests (no Excel here), so the figures
are xladdin's own cost; in Excel each call adds xlwings' COM round trip, and the data cell adds
moving ``RawData[#All]`` across COM once per change.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_engine import raw_cube  # noqa: E402
from tests.fake_xlwings import FakeBook, FakeCaller  # noqa: E402
from xladdin.engine.load import sample_path  # noqa: E402
from xladdin.excel.udf import (  # noqa: E402
    CHIP_DATA,
    CHIP_RANK,
    CHIP_SERIES,
    CHIP_TABLE,
    CHIP_VALUE,
    CHIP_YOY,
    DATASETS,
)
from xladdin.jobs import init  # noqa: E402


def report(label: str, start: float) -> None:
    print(f"{label:<58} {(time.perf_counter() - start) * 1e3:9.1f} ms")


def excel_raw(rows: int) -> list[list]:
    """RawData[#All] of a crossed cube as Excel passes it: a header row, numbers as floats."""
    cube = raw_cube(rows)
    big = [list(cube.columns)] + cube.to_numpy().tolist()
    for r in big[1:]:
        r[-1] = float(r[-1])
    return big


def series_workbook(rows: int, cells: int, caller) -> None:
    """A sheet of ``cells`` =CHIP_SERIES over one data cell, recalculated as Excel does it: the
    data cell once, then every series cell (all flows, spans, measures; the total, partners,
    provinces, products, 东盟 and 欧盟), first against a fresh engine, then again."""
    raw = excel_raw(rows)
    partners = sorted({r[3] for r in raw[1:]})
    provinces = sorted({r[5] for r in raw[1:]})[:10]
    products = ["其它集成电路", "存储器", "处理器及控制器", "放大器", "854290"]
    whos = [{}] + [{"partner": p} for p in partners + ["东盟", "欧盟"]] + \
        [{"province": p} for p in provinces] + [{"product": p} for p in products]
    measures = ("value", "yoy", "mom", "share")
    combos = [(flow, measure, span) for flow in ("出口", "进口") for measure in measures
              for span in ("当月", "累计") if not (measure == "mom" and span == "累计")]
    formulas = [(combos[i % len(combos)], whos[i % len(whos)]) for i in range(cells)]
    DATASETS.clear()
    loads = DATASETS.loads
    start = time.perf_counter()
    handle = CHIP_DATA(raw, None, "net_import_pct")
    report(f"series sheet: data cell, {rows:,} rows (validate once)", start)
    for label in ("first recalc", "recalc again"):
        start = time.perf_counter()
        months = 0
        for (flow, measure, span), who in formulas:
            out = CHIP_SERIES(handle, flow, "2024-01", "2025-07", measure=measure, span=span,
                              caller=caller, **who)
            assert isinstance(out, list), out
            months += len(out) - 1
        took = time.perf_counter() - start
        print(f"{f'{cells} CHIP_SERIES, {label} ({months:,} months)':<58} {took * 1e3:9.1f} ms "
              f"({took / cells * 1e3:.2f} ms per cell, {took / months * 1e6:.0f} µs per month)")
    assert DATASETS.loads - loads == 1, "a series cell re-validated the raw data"
    print(f"{'validations of the raw table for the whole sheet':<58} {DATASETS.loads - loads:9d}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--series-rows", type=int, default=100_000)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--only-series", action="store_true", help="time only the CHIP_SERIES sheet")
    args = parser.parse_args()
    rows = args.rows

    work = Path(tempfile.mkdtemp(prefix="xladdin-udf-")) / "月报.xlsx"
    init(work, [sample_path()])
    book = FakeBook(work)
    caller = FakeCaller(book)
    series_workbook(args.series_rows, args.series, caller)
    if args.only_series:
        return
    raw = book.raw_table()

    start = time.perf_counter()
    data = CHIP_DATA(raw, None, "net_import_pct")
    report("data cell, sample: hash, validate, build the engine", start)
    start = time.perf_counter()
    assert CHIP_DATA(raw, None, "net_import_pct") == data
    report("data cell again, same content (hash only)", start)

    start = time.perf_counter()
    CHIP_VALUE(data, "出口", "2025-07", None, "韩国", caller=caller)
    report("first CHIP_VALUE (warm engine)", start)
    calls = [
        lambda: CHIP_VALUE(data, "出口", "2025-07", None, "韩国", caller=caller),
        lambda: CHIP_YOY(data, "进口", "2025-07", "存储器", None, None, "累计", caller=caller),
        lambda: CHIP_VALUE(data, "进口", 202507.0, None, None, "广东", caller=caller),
        lambda: CHIP_YOY(data, "出口", None, None, "东盟", caller=caller),
    ]
    for call in calls:
        call()
    n = 10_000
    start = time.perf_counter()
    for i in range(n):
        calls[i % len(calls)]()
    took = time.perf_counter() - start
    print(f"{f'{n:,} warm calls':<58} {took * 1e3:9.1f} ms ({took / n * 1e6:.1f} µs per call)")
    start = time.perf_counter()
    CHIP_RANK(data, "进口", "2025-07", "partner", 10.0, caller=caller)
    CHIP_TABLE(data, 4.0, "2025-07", caller=caller)
    report("CHIP_RANK + CHIP_TABLE(4), first time", start)

    DATASETS.clear()
    start = time.perf_counter()
    CHIP_VALUE(data, "出口", caller=caller)
    report("a handle not in memory: rebuilt from the workbook", start)

    big = excel_raw(rows)
    start = time.perf_counter()
    handle = CHIP_DATA(big, None, "net_import_pct")
    report(f"data cell, {len(big) - 1:,} rows: hash, validate, build", start)
    start = time.perf_counter()
    assert CHIP_DATA(big, None, "net_import_pct") == handle
    report(f"data cell again, {len(big) - 1:,} rows, same content (hash only)", start)
    print(handle)


if __name__ == "__main__":
    main()
