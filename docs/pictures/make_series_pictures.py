"""The pictures of docs/cell-function-examples.md, made without Excel.

Run: ``python docs/pictures/make_series_pictures.py``. The figures are what =CHIP_SERIES and
=CHIP_MOM return for the bundled sample (called here as plain Python functions, as the tests
do); they are written with openpyxl into a workbook laid out as the examples describe, with a
native Excel chart over the spilled range, and LibreOffice renders that workbook to PNG. Excel
itself draws its charts a little differently.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from xladdin import lite  # noqa: E402
from xladdin.engine.load import sample_path  # noqa: E402

BOLD = Font(bold=True)


def data_handle():
    """The data cell over the sample, as RawData[#All] arrives: a header row, then the rows."""
    frame = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    frame["value_usd"] = frame["value_usd"].astype(float)
    return lite.CHIP_DATA([list(frame.columns), *frame.itertuples(index=False, name=None)])


def asean_sheet(book: Workbook, data) -> None:
    ws = book.active
    ws.title = "东盟出口"
    ws["A1"] = 'A3: =CHIP_SERIES(数据,"出口","2024-01","2025-07",,"东盟")'  # shown as text
    ws["A1"].font = BOLD
    rows = lite.CHIP_SERIES(data, "出口", "2024-01", "2025-07", partner="东盟")
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value).number_format = "0.0"
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 10, 22
    chart = LineChart()
    chart.title, chart.y_axis.title = "对东盟芯片出口（亿美元）", "亿美元"
    chart.add_data(Reference(ws, min_col=2, min_row=3, max_row=2 + len(rows)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=4, max_row=2 + len(rows)))
    chart.legend = None
    chart.series[0].smooth = False
    chart.height, chart.width = 8, 15
    ws.add_chart(chart, "D3")
    ws.print_area = "A1:M24"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def mom_sheet(book: Workbook, data) -> None:
    ws = book.create_sheet("环比")
    formulas = ['=CHIP_SERIES(数据,"出口","2025-01","2025-07")',
                '=CHIP_SERIES(数据,"出口","2025-01","2025-07",,,,"mom")',
                '=CHIP_SERIES(数据,"进口","2025-01","2025-07")',
                '=CHIP_SERIES(数据,"进口","2025-01","2025-07",,,,"mom")']
    for i, text in enumerate(formulas, start=1):
        ws.cell(i, 1, f"{'ABCDEFGH'[2 * i - 2]}6: {text}").font = Font(size=9)
    column = 1
    for flow in ("出口", "进口"):
        for measure in ("value", "mom"):
            rows = lite.CHIP_SERIES(data, flow, "2025-01", "2025-07", measure=measure)
            for r, (month, value) in enumerate(rows, start=6):
                ws.cell(r, column, month)
                ws.cell(r, column + 1, value).number_format = "0.0"
                ws.cell(r, column + 1).font = BOLD if r == 6 else Font()
            column += 2
    ws.cell(14, 1, '7月出口环比 =CHIP_MOM(数据,"出口","2025-07") → '
                   f'{lite.CHIP_MOM(data, "出口", "2025-07"):.1f}%')
    for c in range(1, 9):
        ws.column_dimensions["ABCDEFGH"[c - 1]].width = 9 if c % 2 else 17
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def main() -> None:
    data = data_handle()
    book = Workbook()
    asean_sheet(book, data)
    mom_sheet(book, data)
    work = Path(tempfile.mkdtemp(prefix="xladdin-pictures-"))
    path = work / "series.xlsx"
    book.save(path)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), str(path)], check=True, capture_output=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(work / "series.pdf"), str(work / "page")], check=True)
    pages = sorted(work.glob("page*.png"))
    for page, name in zip(pages, ("series-asean.png", "series-mom.png")):
        shutil.copy(page, HERE / name)
        print(f"wrote {HERE / name}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
