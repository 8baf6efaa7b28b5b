"""Benchmark: headless ``refresh``, ``init --lite`` and ``lite update`` of a monthly workbook
whose 原始数据 holds ~1M rows.

Run: ``python benchmarks/bench_refresh.py [--rows 1000000]``. Prints figures only.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_engine import raw_cube, timed

from xladdin.jobs import init, refresh, update_lite


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="xladdin-refresh-"))
    raw = folder / "raw.csv"
    raw_cube(args.rows).to_csv(raw, index=False)
    work = folder / "月报.xlsx"
    timed(f"init a workbook with {args.rows:,} raw rows", lambda: init(work, [raw]))
    print(f"  workbook size: {work.stat().st_size / 1e6:.1f} MB")
    start = time.perf_counter()
    outcome = refresh(work)
    took = time.perf_counter() - start
    print(f"{'refresh (read raw, open, render, save, finished copy)':<48} {took:8.2f} s")
    print(f"  wrote {', '.join(p.name for p in outcome.written)}")
    # the Lite part: init --lite and lite update copy 原始数据 as its compressed bytes
    timed("init --lite (the same rows)", lambda: init(folder / "月报-lite.xlsx", [raw], lite=True))
    timed("lite update of the plain workbook", lambda: update_lite(work))


if __name__ == "__main__":
    main()
