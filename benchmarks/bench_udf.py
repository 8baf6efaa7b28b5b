"""Benchmark: cost of the =CHIP_* cell functions, on the sample and on a 1M-row raw table.

Run: ``python benchmarks/bench_udf.py [--rows 1000000]``. Uses the fake live workbook of the
tests (no Excel here), so the figures are xladdin's own cost; in Excel each call adds xlwings'
COM round trip, and the data cell adds moving ``RawData[#All]`` across COM once per change.
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
from xladdin.excel.live import DATASETS  # noqa: E402
from xladdin.excel.udf import CHIP_DATA, CHIP_RANK, CHIP_TABLE, CHIP_VALUE, CHIP_YOY  # noqa: E402
from xladdin.jobs import init  # noqa: E402


def report(label: str, start: float) -> None:
    print(f"{label:<58} {(time.perf_counter() - start) * 1e3:9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows

    work = Path(tempfile.mkdtemp(prefix="xladdin-udf-")) / "月报.xlsx"
    init(work, [sample_path()])
    book = FakeBook(work)
    caller = FakeCaller(book)
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

    DATASETS.entries.clear()
    start = time.perf_counter()
    CHIP_VALUE(data, "出口", caller=caller)
    report("a handle not in memory: rebuilt from the workbook", start)

    cube = raw_cube(rows)
    big = [list(cube.columns)] + cube.to_numpy().tolist()
    for r in big[1:]:
        r[-1] = float(r[-1])  # Excel passes numbers as floats
    start = time.perf_counter()
    handle = CHIP_DATA(big, None, "net_import_pct")
    report(f"data cell, {len(big) - 1:,} rows: hash, validate, build", start)
    start = time.perf_counter()
    assert CHIP_DATA(big, None, "net_import_pct") == handle
    report(f"data cell again, {len(big) - 1:,} rows, same content (hash only)", start)
    print(handle)


if __name__ == "__main__":
    main()
