"""Benchmark: xladdin against the read floor and the alternatives, in one interleaved run.

Run: ``python benchmarks/compare.py [--rows 100000 300000 1000000] [--repeat 3]``. For each
size it makes the same raw data (a crossed cube, as ``bench_engine.py``) as a CSV and as a
monthly workbook, then times every command as the user runs it (a fresh Python process
each time) and prints the best of ``--repeat`` runs, interleaved: every repetition runs all
tasks once, so a busy machine slows them alike. The ratios are to the read floor (fastexcel
alone reading the 原始数据 sheet) or, for ``tables`` on a CSV, to naive pandas. The
alternatives: naive pandas (``read_csv`` + ``groupby``), pandas with openpyxl's reader, and
LibreOffice headless recalculating an equivalent workbook of 400 SUMIFS over the raw sheet
(these two are slow: ``--slow-repeat`` runs, by default once; openpyxl only up to
``--openpyxl-max-rows``). It prints the README's speed
section as Markdown at the end. It asserts nothing. Temporary files are deleted.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import raw_cube  # noqa: E402

from xladdin.ooxml.xlsxpatch import XlsxPatch  # noqa: E402
from xladdin.ooxml.zipcopy import copy_compressed  # noqa: E402

PY = sys.executable
GROUPS = ("[['数据年月','进出口','商品编码'],['数据年月','进出口','贸易伙伴编码'],"
          "['数据年月','进出口','注册地编码']]")
NAIVE = ("import pandas as pd, sys\nf = pd.read_csv(sys.argv[1])\n"
         f"[f.groupby(g)['美元'].sum() for g in {GROUPS}]")
OPENPYXL = ("import pandas as pd, sys\n"
            "f = pd.read_excel(sys.argv[1], sheet_name='原始数据', engine='openpyxl')\n"
            f"[f.groupby(g)['美元'].sum() for g in {GROUPS}]")
FLOOR = "import fastexcel, sys\nfastexcel.read_excel(sys.argv[1]).load_sheet_by_name('原始数据').to_arrow()"


def run(argv: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env={**os.environ, **(env or {})}, cwd=cwd, capture_output=True,
                          timeout=3600)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, argv))}\n{done.stderr.decode()[-2000:]}")
    return took


def xladdin(*args, env: dict | None = None) -> list[str]:
    return [PY, "-m", "xladdin", *map(str, args)]


def sumifs_workbook(work: Path, out: Path, rows: int) -> None:
    """The monthly workbook with its first sheet replaced by 400 SUMIFS over 原始数据
    (flow × month × 100 partners), without cached results, so LibreOffice computes them."""
    last = rows + 1
    cells = []
    from xladdin.engine.reference import load_reference

    partners = load_reference().partners["code"].tolist()[:100]
    r = 0
    for flow in ("出口", "进口"):
        for period in ("202507", "202407"):
            for code in partners:
                r += 1
                formula = (f"SUMIFS('原始数据'!$H$2:$H${last},'原始数据'!$B$2:$B${last},\"{flow}\","
                           f"'原始数据'!$A$2:$A${last},\"{period}\",'原始数据'!$D$2:$D${last},\"{code}\")")
                cells.append(f'<row r="{r}"><c r="A{r}"><f>{formula.replace("&", "&amp;")}</f></c></row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{"".join(cells)}</sheetData></worksheet>').encode()
    patch = XlsxPatch(work)
    first = next(iter(patch.parts.values()))
    patch.close()
    with zipfile.ZipFile(work) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == first:
                dst.writestr(item, sheet)
            elif item.filename == "xl/calcChain.xml":
                continue
            else:
                copy_compressed(work, item, dst)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def best_of(tasks: dict[str, callable], repeat: int, slow: set[str], slow_repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for i in range(repeat):
        for name, task in tasks.items():
            if name in slow and i >= slow_repeat:
                continue
            times[name].append(task())
            print(f"  {name:<34} {times[name][-1]:8.2f} s", file=sys.stderr, flush=True)
    return {name: min(values) for name, values in times.items() if values}


def size_tasks(rows: int, folder: Path, skip_openpyxl: bool) -> tuple[dict, set[str]]:
    csv = folder / "raw.csv"
    raw_cube(rows).to_csv(csv, index=False)
    work = folder / "月报.xlsx"
    run(xladdin("init", work, csv), env={"XLADDIN_CACHE_DIR": "off"})
    sumifs = folder / "sumifs.xlsx"
    sumifs_workbook(work, sumifs, rows)
    warm = folder / "cache-warm"
    run(xladdin("refresh", work), env={"XLADDIN_CACHE_DIR": str(warm)})
    off = {"XLADDIN_CACHE_DIR": "off"}

    def init() -> float:
        target = folder / "new.xlsx"
        target.unlink(missing_ok=True)
        return run(xladdin("init", target, csv), env=off)

    def refresh_cold() -> float:
        cold = Path(tempfile.mkdtemp(prefix="cache-cold-", dir=folder))
        try:  # an empty cache: what a refresh after a raw edit meets
            return run(xladdin("refresh", work), env={"XLADDIN_CACHE_DIR": str(cold)})
        finally:
            shutil.rmtree(cold)

    def libreoffice() -> float:
        outdir = folder / "lo"
        profile = folder / "lo-profile"
        took = run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "csv", "--outdir", str(outdir), str(sumifs)])
        first = (outdir / "sumifs.csv").read_text(encoding="utf-8", errors="replace").split()
        if not first or not any(c not in "0" for c in first[0]):
            raise SystemExit("LibreOffice did not compute the SUMIFS")
        return took

    tasks = {
        "read floor (fastexcel)": lambda: run([PY, "-c", FLOOR, str(work)]),
        "build (xlsx)": lambda: run(xladdin("build", work, "-o", folder / "out.xlsx"), env=off),
        "init (csv)": init,
        "refresh after a raw edit": refresh_cold,
        "refresh, raw data unchanged": lambda: run(xladdin("refresh", work),
                                                   env={"XLADDIN_CACHE_DIR": str(warm)}),
        "tables (csv)": lambda: run(xladdin("tables", csv, "--period", "2025-07", "--json"), env=off),
        "naive pandas (read_csv + groupby)": lambda: run([PY, "-c", NAIVE, str(csv)]),
    }
    if not skip_openpyxl:
        tasks["pandas + openpyxl reader"] = lambda: run([PY, "-c", OPENPYXL, str(work)])
    tasks["LibreOffice, 400 SUMIFS"] = libreoffice
    return tasks, {"pandas + openpyxl reader", "LibreOffice, 400 SUMIFS"}


def startup_tasks(folder: Path) -> dict:
    ribbon = "import xladdin\nimport xladdin.excel.addin\nxladdin.main"
    return {
        "python -c 'import argparse'": lambda: run([PY, "-c", "import argparse"]),
        "xladdin --version": lambda: run(xladdin("--version")),
        "ribbon entry (import xladdin; xladdin.main)": lambda: run([PY, "-c", ribbon]),
        "  + import xlwings (RunPython's own)": lambda: run([PY, "-c", ribbon + "\nimport xlwings"]),
        "xladdin demo": lambda: run(xladdin("demo", "-o", folder / "demo.xlsx"),
                                    env={"XLADDIN_CACHE_DIR": "off"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--slow-repeat", type=int, default=1,
                        help="runs of the slow alternatives (openpyxl, LibreOffice)")
    parser.add_argument("--openpyxl-max-rows", type=int, default=300_000,
                        help="leave out pandas with openpyxl's reader above this many rows (minutes)")
    args = parser.parse_args()
    started = datetime.now(UTC)
    loads = [load()]
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="xladdin-compare-") as temp:
        folder = Path(temp)
        print("start-up", file=sys.stderr)
        startup = best_of(startup_tasks(folder), args.repeat + 2, set(), 0)
        for rows in args.rows:
            print(f"{rows:,} rows", file=sys.stderr)
            size_folder = folder / str(rows)
            size_folder.mkdir()
            tasks, slow = size_tasks(rows, size_folder, rows > args.openpyxl_max_rows)
            results[rows] = best_of(tasks, args.repeat, slow, args.slow_repeat)
            loads.append(load())
            shutil.rmtree(size_folder)
    print(report(results, startup, started, loads, args))


def report(results: dict[int, dict[str, float]], startup: dict[str, float], started: datetime,
           loads: list[str], args: argparse.Namespace) -> str:
    sizes = list(results)
    head = "| | " + " | ".join(f"{n:,} rows" for n in sizes) + " |"
    lines = [
        "## Speed",
        "",
        f"Measured with `python benchmarks/compare.py` on {started:%Y-%m-%d} ({machine()}); "
        f"best of {args.repeat} interleaved runs (the openpyxl and LibreOffice alternatives: "
        f"{args.slow_repeat}), each command a fresh process as the user runs it; load average "
        f"during the run {' → '.join(loads)}. Seconds, and in brackets the ratio to the read floor "
        "(`tables`: to naive pandas).",
        "",
        head,
        "|---" * (len(sizes) + 1) + "|",
    ]
    floor_name, naive_name = "read floor (fastexcel)", "naive pandas (read_csv + groupby)"
    names = list(next(iter(results.values())))
    for name in names:
        cells = []
        for n in sizes:
            value = results[n].get(name)
            if value is None:
                cells.append("—")
                continue
            base = results[n][naive_name] if name == "tables (csv)" else results[n][floor_name]
            ratio = "" if name in (floor_name, naive_name) else f" ({value / base:.2f}×)"
            cells.append(f"{value:.2f}{ratio}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "| start-up | seconds |", "|---|---|"]
    base = startup["python -c 'import argparse'"]
    for name, value in startup.items():
        ratio = f" ({value / base:.1f}× `import argparse`)" if name == "xladdin --version" else ""
        lines.append(f"| {name} | {value:.2f}{ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
