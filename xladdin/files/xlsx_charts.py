"""Native Excel charts (openpyxl's chart module) from the chart specs.

A spec says what a chart shows (``report/charts.py``); where its data sit in the workbook is
said here (``cells_of``: a block by its defined name, its columns and rows). Charts are added
after the plan is written, when the history block's size is known; each series reads its
cells through the block's defined name, so a chart shows what the sheet holds. openpyxl
drops charts when it loads a workbook, so a restyled template gets them here too. Three
charts fill an A4 page; a page break keeps each chart whole on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart
from openpyxl.chart.data_source import (
    AxDataSource,
    NumData,
    NumDataSource,
    NumFmt,
    NumRef,
    NumVal,
    StrData,
    StrRef,
    StrVal,
)
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.descriptors import Typed
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.worksheet.pagebreak import Break

from xladdin.engine.history import COLUMNS
from xladdin.engine.tables import SPECS
from xladdin.errors import XladdinError
from xladdin.report.charts import (
    AXIS_PT,
    CHARTS_PER_PAGE,
    HISTORY,
    LABEL_PT,
    TITLE_PT,
    ChartSpec,
    product_colour,
)
from xladdin.report.layout import HIST_BODY, REGION_ROWS

WIDTH_CM, HEIGHT_CM = 16.5, 7.0
ROWS_PER_CHART = 15  # rows of 15 pt (7.9 cm) a chart and its gap take
PER_PAGE = CHARTS_PER_PAGE


@dataclass(frozen=True)
class ChartCells:
    """Where a chart's data sit in the workbook: a block (by defined name), its category
    column and one column per series (1-based, in the block), the first row of the block
    to read and how many rows (None: to the block's end; never past it)."""

    block: str
    categories: int
    series: tuple[int, ...]
    first: int = 1
    count: int | None = None


def cells_of(spec: ChartSpec) -> ChartCells:
    """A chart's cells: a history chart reads its columns of HIST_BODY, every month; a table
    chart the names and the first span group's values (column 2) of a table's body, a
    ranking's from its top places (after the region rows and the two section rows)."""
    if spec.table == HISTORY:
        return ChartCells(HIST_BODY, 1, tuple(2 + COLUMNS.index(what) for what, _ in spec.series))
    table = SPECS[spec.table]
    columns = tuple(2 for _ in spec.series)  # a table's value: the first span group's, after the name
    if table.kind != "ranking":
        return ChartCells(f"T{table.no}_BODY", 1, columns)
    first = REGION_ROWS + 3 if table.regions else 1
    return ChartCells(f"T{table.no}_BODY", 1, columns, first, spec.places)


def block_area(book: Workbook, name: str) -> tuple[str, int, int, int, int]:
    """(sheet, first column, first row, last column, last row) of a defined name."""
    defined = book.defined_names.get(name)
    if defined is None:
        raise XladdinError(f"the workbook has no defined name {name}; start from the xladdin template "
                           "or restore the name (公式 > 名称管理器)")
    sheet, ref = next(iter(defined.destinations))
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return sheet, c1, r1, c2, r2


class _Labels(DataLabelList):
    """Data labels whose number format says it is the labels' own (``sourceLinked="0"``):
    without it viewers show the cells' format (a pie's 47.6 % as 48 %)."""

    tagname = "dLbls"
    numFmt = Typed(expected_type=NumFmt, allow_none=True)
    __elements__ = DataLabelList.__elements__
    __nested__ = tuple(n for n in DataLabelList.__nested__ if n != "numFmt")


def _text(size: float, bold: bool = False) -> RichText:
    """Text properties that give a chart's words a size (without one, viewers draw titles
    at their own, much larger, default and wrap them)."""
    props = CharacterProperties(sz=int(size * 100), b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props, r=[])])


def _title(text: str, size: float, bold: bool = False) -> Title:
    props = CharacterProperties(sz=int(size * 100), b=bold)
    run = RegularTextRun(rPr=props, t=text)
    rich = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), r=[run])])
    return Title(tx=Text(rich=rich), overlay=False)


def _fill(colour: str) -> GraphicalProperties:
    props = GraphicalProperties(solidFill=colour)
    props.line.solidFill = colour
    return props


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _ref(ws, col: int, first: int, last: int) -> str:
    return f"{quote_sheetname(ws.title)}!${get_column_letter(col)}${first}:${get_column_letter(col)}${last}"


def _values(ws, col: int, first: int, last: int, fmt: str) -> NumDataSource:
    """A series' values: the cells' reference and their cache (the figures as written, so a
    viewer that does not recalculate shows the chart)."""
    cells = [_number(ws.cell(r, col).value) for r in range(first, last + 1)]
    cache = NumData(formatCode=fmt, ptCount=len(cells),
                    pt=[NumVal(idx=i, v=v) for i, v in enumerate(cells) if v is not None])
    return NumDataSource(numRef=NumRef(f=_ref(ws, col, first, last), numCache=cache))


def _categories(ws, col: int, first: int, last: int) -> AxDataSource:
    cells = [ws.cell(r, col).value for r in range(first, last + 1)]
    cache = StrData(ptCount=len(cells), pt=[StrVal(idx=i, v=str(v)) for i, v in enumerate(cells)
                                            if v not in (None, "")])
    return AxDataSource(strRef=StrRef(f=_ref(ws, col, first, last), strCache=cache))


def first_value_row(ws, where: ChartCells, c1: int, first: int, last: int) -> int:
    """The first row of ``first``..``last`` where a series has a figure (``first`` if none)."""
    for r in range(first, last + 1):
        if any(_number(ws.cell(r, c1 + col - 1).value) is not None for col in where.series):
            return r
    return first


def _chart(book: Workbook, spec: ChartSpec):
    where = cells_of(spec)
    sheet, c1, r1, _, r2 = block_area(book, where.block)
    ws = book[sheet]
    first = r1 + where.first - 1
    last = r2 if where.count is None else min(first + where.count - 1, r2)
    if spec.from_first_value:
        first = first_value_row(ws, where, c1, first, last)
    chart = {"column": lambda: BarChart(), "bar": lambda: BarChart(), "line": LineChart,
             "pie": PieChart}[spec.kind]()
    if spec.kind in ("column", "bar"):
        chart.type = "col" if spec.kind == "column" else "bar"
        chart.gapWidth = 60 if spec.kind == "column" else 40
    fmt = "0.0"
    categories = _categories(ws, c1 + where.categories - 1, first, last)
    for k, (col, (_, title)) in enumerate(zip(where.series, spec.series)):
        series = Series(idx=k, order=k, tx=SeriesLabel(v=title), cat=categories,
                        val=_values(ws, c1 + col - 1, first, last, fmt))
        if spec.kind != "pie" and k < len(spec.colours):
            series.graphicalProperties = _fill(spec.colours[k])
        chart.series.append(series)
    chart.title = _title(spec.title, TITLE_PT, bold=True)
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    if spec.kind == "pie":
        names = [ws.cell(r, c1 + where.categories - 1).value for r in range(first, last + 1)]
        series = chart.series[0]
        series.dPt = [DataPoint(idx=i, spPr=_fill(product_colour(name, i))) for i, name in enumerate(names)]
        # percent labels outside the pie, with leader lines: small slices do not collide
        series.dLbls = _Labels(showPercent=True, showVal=False, showCatName=False, showSerName=False,
                               showLegendKey=False, showLeaderLines=True, dLblPos="bestFit",
                               numFmt=NumFmt(formatCode="0.0%", sourceLinked=False), txPr=_text(LABEL_PT))
        chart.firstSliceAng = 90  # the small slices end near three o'clock, their labels stacked
        chart.legend.position = "r"
        chart.legend.txPr = _text(AXIS_PT)
        return chart
    chart.display_blanks = "gap"
    chart.y_axis.title = _title(spec.y_title, AXIS_PT) if spec.y_title else None
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides axes unless told
    chart.y_axis.numFmt = "0"
    chart.x_axis.txPr = chart.y_axis.txPr = _text(AXIS_PT)
    chart.x_axis.tickLblPos = chart.y_axis.tickLblPos = "low"  # beside the plot, below negatives
    if spec.kind == "bar":
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 on top
        chart.x_axis.tickLblSkip = 1  # every partner named, one label per bar
        chart.y_axis.delete = True  # each bar carries its value; the title gives the unit
        chart.y_axis.title = None
        chart.legend = None
        chart.series[0].dLbls = _Labels(showVal=True, showPercent=False, showCatName=False,
                                        showSerName=False, showLegendKey=False, dLblPos="outEnd",
                                        numFmt=NumFmt(formatCode="#,##0.0", sourceLinked=False),
                                        txPr=_text(LABEL_PT))
        chart.y_axis.majorGridlines = None
    else:
        chart.legend.position = "b"
        chart.legend.txPr = _text(AXIS_PT)
    if spec.kind == "line":
        for series in chart.series:
            series.smooth = False
            series.marker.symbol = "circle"
            series.marker.size = 4
            series.marker.graphicalProperties = series.graphicalProperties
    return chart


def add_charts(book: Workbook, specs: Sequence[ChartSpec]) -> None:
    """Put every chart of the edition (``specs``: the report document's) on its charts sheet,
    found by its title's defined name (the sheet is named in the edition's language; a
    workbook without one gets none)."""
    if book.defined_names.get("CHART_TITLE") is None:
        return
    sheet = block_area(book, "CHART_TITLE")[0]
    if sheet not in book.sheetnames:
        return
    ws = book[sheet]
    ws._charts.clear()
    ws.row_breaks.brk = []
    for i, spec in enumerate(specs):
        row = 3 + i * ROWS_PER_CHART + (i // PER_PAGE) * 2
        if i and i % PER_PAGE == 0:
            ws.row_breaks.append(Break(id=row - 2))
        ws.add_chart(_chart(book, spec), f"A{row}")
    last = 3 + len(specs) * ROWS_PER_CHART + (len(specs) // PER_PAGE) * 2
    ws.print_area = f"A1:J{last}"
