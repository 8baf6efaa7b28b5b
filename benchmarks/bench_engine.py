"""Benchmark: all seven tables on a 1M-row raw table, and reading that table from xlsx.

Run: ``python benchmarks/bench_engine.py [--rows 1000000] [--xlsx PATH]``. Prints figures;
it asserts nothing (speed targets live here, not in tests). The xlsx is written once with
openpyxl's write-only mode and reused from the temp folder on later runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from xladdin.engine.load import from_raw
from xladdin.engine.raw import RAW_SHEET, read_csv_table, read_xlsx_table, validate_table
from xladdin.engine.reference import load_reference
from xladdin.engine.tables import compute_tables

COLUMNS = ["数据年月", "进出口", "商品编码", "贸易伙伴编码", "贸易伙伴名称", "注册地编码", "注册地名称",
           "美元"]


def raw_cube(rows: int, seed: int = 7) -> pd.DataFrame:
    """A fully crossed HS8 × partner × province cube, Jan 2024 – Jul 2025, ~``rows`` rows."""
    ref = load_reference()
    rng = np.random.default_rng(seed)
    months = [f"2024{m:02d}" for m in range(1, 13)] + [f"2025{m:02d}" for m in range(1, 8)]
    hs8 = " ".join(ref.products["hs8_codes"]).split()
    provinces = ref.provinces["code"].tolist()
    per_partner = len(months) * 2 * len(hs8) * len(provinces)
    partners = ref.partners["code"].tolist()[: max(1, round(rows / per_partner))]
    grid = pd.MultiIndex.from_product(
        [months, ["出口", "进口"], hs8, partners, provinces],
        names=["数据年月", "进出口", "商品编码", "贸易伙伴编码", "注册地编码"]).to_frame(index=False)
    grid = grid.head(rows)
    names = dict(zip(ref.partners["code"], ref.partners["name"]))
    grid["贸易伙伴名称"] = grid["贸易伙伴编码"].map(names)
    provinces = dict(zip(ref.provinces["code"], ref.provinces["customs_name"]))
    grid["注册地名称"] = grid["注册地编码"].map(provinces)
    grid["美元"] = rng.integers(0, 5_000_000, len(grid)).astype("str")
    return grid[COLUMNS].astype("str")


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<48} {time.perf_counter() - start:8.2f} s")
    return result


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(RAW_SHEET)
    sheet.append(COLUMNS)
    values = frame.to_numpy()
    for row in values:
        sheet.append([*row[:-1], int(row[-1])])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx", type=Path, default=Path(tempfile.gettempdir()) / "xladdin-bench-1m.xlsx")
    args = parser.parse_args()

    cube = timed(f"make {args.rows:,} raw rows", lambda: raw_cube(args.rows))
    raw = timed("validate (validate_table) raw rows", lambda: validate_table(cube, "bench"))
    engine = timed("build model (grain selection, sums)", lambda: from_raw(raw))
    timed("compute tables 1-7 for 2025-07", lambda: compute_tables(engine, "2025-07"))
    timed("compute tables 1-7 again (memoised)", lambda: compute_tables(engine, "2025-07"))
    total = timed("all seven tables from validated rows (cold)",
                  lambda: compute_tables(from_raw(raw), "2025-07"))
    print(f"  export total 2025-07: {total['tables']['1'][1]['month']['value']:.1f} 亿美元")

    csv_path = args.xlsx.with_suffix(".csv")
    cube.to_csv(csv_path, index=False)
    table = timed("read the same rows from CSV", lambda: read_csv_table(csv_path))
    timed("  + validate", lambda: validate_table(table, "bench.csv"))

    if not args.xlsx.exists() or args.rows != 1_000_000:
        timed(f"write xlsx ({args.xlsx.name}, openpyxl write-only)", lambda: write_xlsx(cube, args.xlsx))
    print(f"  xlsx size: {args.xlsx.stat().st_size / 1e6:.1f} MB")
    table, first = timed(f"read sheet {RAW_SHEET} from xlsx (fastexcel)", lambda: read_xlsx_table(args.xlsx))
    raw_x = timed("  + validate", lambda: validate_table(table, "bench.xlsx", first))
    timed("  + seven tables", lambda: compute_tables(from_raw(raw_x), "2025-07"))


if __name__ == "__main__":
    main()
