"""Native Excel charts (openpyxl's chart module) from the chart specs.

Charts are added after the plan is written, when the history block's size is known; each
series reads its cells through the block's defined name, so a chart shows what the sheet
holds. openpyxl drops charts when it loads a workbook, so a restyled template gets them here
too. Three charts fill an A4 page; a page break keeps each chart whole on paper.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.pagebreak import Break

from xladdin.errors import XladdinError
from xladdin.report.figures import CHARTS_PER_PAGE, ChartSpec, charts

WIDTH_CM, HEIGHT_CM = 16.5, 7.0
ROWS_PER_CHART = 15  # rows of 15 pt (7.9 cm) a chart and its gap take
PER_PAGE = CHARTS_PER_PAGE


def block_area(book: Workbook, name: str) -> tuple[str, int, int, int, int]:
    """(sheet, first column, first row, last column, last row) of a defined name."""
    defined = book.defined_names.get(name)
    if defined is None:
        raise XladdinError(f"the workbook has no defined name {name}; start from the xladdin template "
                           "or restore the name (公式 > 名称管理器)")
    sheet, ref = next(iter(defined.destinations))
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return sheet, c1, r1, c2, r2


def _chart(book: Workbook, spec: ChartSpec):
    sheet, c1, r1, _, r2 = block_area(book, spec.block)
    ws = book[sheet]
    first = r1 + spec.first - 1
    last = r2 if spec.count is None else first + spec.count - 1
    chart = {"column": lambda: BarChart(), "bar": lambda: BarChart(), "line": LineChart,
             "pie": PieChart}[spec.kind]()
    if spec.kind in ("column", "bar"):
        chart.type = "col" if spec.kind == "column" else "bar"
        chart.gapWidth = 60
    for col, title in spec.series:
        data = Reference(ws, min_col=c1 + col - 1, min_row=first, max_row=last)
        chart.add_data(data, titles_from_data=False)
        chart.series[-1].tx = SeriesLabel(v=title)
    chart.set_categories(Reference(ws, min_col=c1 + spec.categories - 1, min_row=first, max_row=last))
    chart.title = spec.title
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    if spec.kind == "pie":
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showPercent = True
        chart.dataLabels.showVal = chart.dataLabels.showCatName = False
        chart.dataLabels.showSerName = chart.dataLabels.showLegendKey = False
        chart.legend.position = "r"
        return chart
    chart.display_blanks = "gap"
    chart.y_axis.title = spec.y_title
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides axes unless told
    chart.y_axis.numFmt = "0"
    if spec.kind == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 on top
        chart.legend = None
    else:
        chart.legend.position = "b"
    if spec.kind == "line":
        for series in chart.series:
            series.smooth = False
    return chart


def add_charts(book: Workbook, lang: str = "zh") -> None:
    """Put every chart of the edition on its charts sheet, found by its title's defined name
    (the sheet is named in the edition's language; a workbook without one gets none)."""
    if book.defined_names.get("CHART_TITLE") is None:
        return
    sheet = block_area(book, "CHART_TITLE")[0]
    if sheet not in book.sheetnames:
        return
    ws = book[sheet]
    specs = charts(lang)
    ws._charts.clear()
    ws.row_breaks.brk = []
    for i, spec in enumerate(specs):
        row = 3 + i * ROWS_PER_CHART + (i // PER_PAGE) * 2
        if i and i % PER_PAGE == 0:
            ws.row_breaks.append(Break(id=row - 2))
        ws.add_chart(_chart(book, spec), f"A{row}")
    last = 3 + len(specs) * ROWS_PER_CHART + (len(specs) // PER_PAGE) * 2
    ws.print_area = f"A1:J{last}"
