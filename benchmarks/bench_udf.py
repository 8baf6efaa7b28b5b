"""Benchmark: cost of =CHIP_* cell functions on the sample, cold and warm.

Run: ``python benchmarks/bench_udf.py``. Uses the fake live workbook of the tests (no Excel
here), so the figures are xladdin's own cost; in Excel each call adds xlwings' COM round trip
and one read of the RAW_TOKEN cell.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fake_xlwings import FakeBook, FakeCaller  # noqa: E402
from xladdin.engine.load import sample_path  # noqa: E402
from xladdin.excel.live import CACHE  # noqa: E402
from xladdin.excel.udf import CHIP_RANK, CHIP_TABLE, CHIP_VALUE, CHIP_YOY  # noqa: E402
from xladdin.jobs import init  # noqa: E402


def report(label: str, start: float) -> None:
    print(f"{label:<52} {(time.perf_counter() - start) * 1e3:8.1f} ms")


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="xladdin-udf-")) / "月报.xlsx"
    init(work, [sample_path()])
    caller = FakeCaller(FakeBook(work))

    start = time.perf_counter()
    CHIP_VALUE("出口", "2025-07", None, "韩国", caller=caller)
    report("cold call (read 原始数据, validate, build the engine)", start)

    start = time.perf_counter()
    CHIP_YOY("进口", "2025-07", "存储器", None, None, "累计", caller=caller)
    report("first call of a new question (warm engine)", start)

    calls = [
        lambda: CHIP_VALUE("出口", "2025-07", None, "韩国", caller=caller),
        lambda: CHIP_YOY("进口", "2025-07", "存储器", None, None, "累计", caller=caller),
        lambda: CHIP_VALUE("进口", 202507.0, None, None, "广东", caller=caller),
        lambda: CHIP_YOY("出口", "2025-07", None, "东盟", caller=caller),
    ]
    for call in calls:
        call()
    n = 10_000
    start = time.perf_counter()
    for i in range(n):
        calls[i % len(calls)]()
    took = time.perf_counter() - start
    print(f"{f'{n:,} warm calls':<52} {took * 1e3:8.1f} ms ({took / n * 1e6:.1f} µs per call)")
    start = time.perf_counter()
    CHIP_RANK("进口", "2025-07", "partner", 10.0, caller=caller)
    CHIP_TABLE(4.0, "2025-07", caller=caller)
    report("CHIP_RANK + CHIP_TABLE(4), first time", start)
    print(f"raw-table loads during all of this: {CACHE.loads}")


if __name__ == "__main__":
    main()
