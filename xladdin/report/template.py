"""The monthly workbook template, made by code so it is reproducible.

``python -m xladdin.report.template`` rewrites ``workbook_templates/chip_report_template.xlsx``;
``build`` makes the same template in memory. Sheets: 封面 (cover), 表1–表7, 原始数据 (an Excel
Table with the canonical columns) and 设置 (settings). Every block the renderer fills has a
defined name (see ``layout.py``). Other editions get their own template: the cover and table
sheets named in the edition's language, and one span group for the January–February issue.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from xladdin.engine.editions import Edition
from xladdin.engine.history import COLUMNS, GROUPS
from xladdin.engine.raw import CANONICAL_HEADERS, RAW_SHEET
from xladdin.engine.reference import load_reference
from xladdin.engine.scope import scope_cell
from xladdin.engine.setting_cells import SETTING_CELLS, WORKBOOK_FORMAT
from xladdin.engine.tables import SPECS, notes_of
from xladdin.report.layout import (
    DATA_FORMULA,
    DATA_NAME,
    DEFAULT_ISSUER,
    HIST_BODY,
    MARGINS,
    RAW_TABLE,
    REGION_ROWS,
    SETTING_CHOICES,
    SETTING_NAMES,
    SETTINGS_SHEET,
    SPAN_COLUMNS,
    TEXT_BODY,
    TOP_N,
    TableLayout,
    layouts,
)
from xladdin.report.narrative import text_row_kinds
from xladdin.report.render import report_pages, text_heights

CONTENTS_ROWS = 1 + len(SPECS) + 2  # 正文, the seven tables, 图表 and 月度数据

FONT = "Microsoft YaHei"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "workbook_templates" / "chip_report_template.xlsx"


def _name(book: Workbook, name: str, sheet: str, ref: str) -> None:
    book.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!{ref}")


def _abs(row: int, col: int, rows: int = 1, cols: int = 1) -> str:
    first = f"${get_column_letter(col)}${row}"
    if rows == 1 and cols == 1:
        return first
    return f"{first}:${get_column_letter(col + cols - 1)}${row + rows - 1}"


def _text_width(text: str) -> int:
    """Printed width in half-width characters (a CJK character counts two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table_sheet(book: Workbook, layout: TableLayout, edition: Edition) -> None:
    ws = book.create_sheet(layout.sheet)
    spec, width = layout.spec, layout.columns
    font, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    ws.merge_cells(start_row=layout.title_row, start_column=1, end_row=layout.title_row, end_column=width)
    title = ws.cell(layout.title_row, 1)
    title.font = Font(name=FONT, size=12, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    h = layout.head_row
    for r in (h, h + 1):
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.border = bold, HEAD_FILL, BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[h + 1].height = 30
    # each span group's header spans its columns; the name column (not in a ranking, which has
    # one per group) spans both header rows
    group_width, first = SPAN_COLUMNS[spec.kind], 1 if spec.kind == "ranking" else 2
    merges = [(h, first + g * group_width, h, first + (g + 1) * group_width - 1) for g in range(layout.spans)]
    if spec.kind != "ranking":  # (in the order the styles were first registered)
        merges.insert(len(merges) if spec.kind == "overview" else 0, (h, 1, h + 1, 1))
    for top, left, bottom, right in merges:
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    label_cols = {1 + g * group_width for g in range(layout.spans)} if spec.kind == "ranking" else {1}
    for i in range(layout.body_rows):
        r = layout.body_row + i
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.font, cell.border = font, BORDER
            cell.alignment = Alignment(horizontal="left" if c in label_cols else "right",
                                       vertical="center", indent=1)
            cell.number_format = "@" if c in label_cols else "0.0;-0.0;0.0"
    if spec.kind == "ranking" and spec.regions:
        for r in (layout.body_row, layout.body_row + REGION_ROWS + 1):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            cell = ws.cell(r, 1)
            cell.font, cell.fill = bold, SECTION_FILL
    group = edition.words["widths"][spec.kind]
    widths = (group[:1] if spec.kind != "ranking" else []) + \
        (group[1:] if spec.kind != "ranking" else group) * layout.spans
    scale = max(1.0, 70 / sum(widths))  # one span group: widen, so the title has room
    widths = [round(w * scale, 1) for w in widths]
    # the longest month words, to size the title and note rows
    longest = "2025-12" if layout.spans == 2 else "2025-02"
    words = Edition(edition.lang, layout.spans == 1, edition.scope).period_words(longest)
    ref, names = load_reference(edition.scope), edition.words["names"]["product"]
    products = edition.words["list_separator"].join(
        edition.words["product_item"].format(name=ref.name("product", code, names), code=code)
        for code in ref.product_names)
    notes = notes_of(spec, edition, words, "net_import_pct", products)
    title_text = edition.words["titles"][str(spec.no)].format(**words)
    per_line = sum(widths) * 1.1  # half-width characters per printed line of a merged cell
    ws.row_dimensions[layout.title_row].height = 18 * -(-_text_width(title_text) * 1.15 // per_line) + 6
    for i in range(layout.note_rows):
        r = layout.notes_row + i
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        cell = ws.cell(r, 1)
        cell.font = Font(name=FONT, size=9)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = -(-_text_width(notes[i]) // int(per_line)) if i < len(notes) else 1
        ws.row_dimensions[r].height = 13 * max(lines, 1) + 2
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = ws.cell(layout.body_row, 1)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{h}:{h + 1}"
    ws.print_options.horizontalCentered = True
    sheet = layout.sheet
    _name(book, layout.name("TITLE"), sheet, _abs(layout.title_row, 1))
    _name(book, layout.name("HEAD"), sheet, _abs(h, 1, 2, width))
    _name(book, layout.name("BODY"), sheet, _abs(layout.body_row, 1, layout.body_rows, width))
    if layout.note_rows:
        _name(book, layout.name("NOTES"), sheet, _abs(layout.notes_row, 1, layout.note_rows, 1))


def _cover(book: Workbook, edition: Edition) -> None:
    ws = book.active
    ws.title = edition.words["sheets"]["cover"]
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 6  # the contents' page numbers
    spots = {"COVER_TITLE": (2, 1, Font(name=FONT, size=20, bold=True)),
             "COVER_SUBTITLE": (3, 1, Font(name=FONT, size=14)),
             "COVER_ISSUER": (5, 1, Font(name=FONT, size=12)),
             "COVER_DATE": (6, 1, Font(name=FONT, size=12)),
             "COVER_SOURCE": (8, 1, Font(name=FONT, size=11)),
             "COVER_NOTES": (10, 4, Font(name=FONT, size=10)),
             "COVER_CONTENTS": (16, CONTENTS_ROWS, Font(name=FONT, size=11))}
    cover = edition.words["cover"]
    ws.cell(15, 1, cover["contents"]).font = Font(name=FONT, size=12, bold=True)
    words = edition.period_words("2025-12")  # the longest month words, to size the rows
    net = max((edition.words["notes"][k].format(**words) for k in ("net_import_pct", "abs_diff")), key=len)
    notes = [words["cover_period"], cover["unit"], net, cover["dash"]]
    for name, (row, rows, font) in spots.items():
        contents = name == "COVER_CONTENTS"
        for r in range(row, row + rows):
            ws.cell(r, 1).font = font
            if name == "COVER_NOTES":  # about 82 half-width characters per line at 10 pt
                ws.row_dimensions[r].height = 13 * max(2, -(-_text_width(notes[r - row]) // 82)) + 4
            ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="center",
                                                horizontal="center" if rows == 1 and row < 8 else "left")
            if contents:
                ws.cell(r, 2).font = font
                ws.cell(r, 2).alignment = Alignment(horizontal="right", vertical="center")
            else:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        _name(book, name, ws.title, _abs(row, 1, rows, 2 if contents else 1))
    # the contents' lines, sized from their longest text: about 72 half-width characters per
    # line at 11 pt in column A
    figure = edition.words["figures"]
    sheets = edition.words["sheets"]
    lines = [cover["contents_text"].format(sheet=sheets["text"], first="", last=""),
             *(edition.words["titles"][str(layout.spec.no)].format(**words)
               for layout in layouts(edition.lang, len(edition.spans)).values()),
             figure["charts_contents"].format(sheet=sheets["charts"]),
             figure["history_contents"].format(sheet=sheets["history"], first="2025-12", last="2025-12")]
    for i, line in enumerate(lines):
        ws.row_dimensions[spots["COVER_CONTENTS"][0] + i].height = \
            16 * -(-_text_width(line) // 72) + 2
    # about 30 half-width characters per line at 20 pt
    ws.row_dimensions[2].height = 30 * -(-_text_width(cover["title"]) // 30) + 6
    ws.row_dimensions[4].height = 30
    # the issuer's line: about 60 half-width characters per line at 12 pt
    issuer = edition.words["cover"]["issuer"]
    ws.row_dimensions[5].height = 18 * -(-_text_width(issuer) // 60) + 4
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _text_sheet(book: Workbook, edition: Edition) -> None:
    """正文: one wide column, a row per heading, paragraph or footnote, sized to read and print."""
    ws = book.create_sheet(edition.words["sheets"]["text"])
    ws.column_dimensions["A"].width = 76  # the width of A4 portrait at 100 %
    ws.sheet_view.showGridLines = False
    fonts = {"section": Font(name=FONT, size=12, bold=True),
             "subsection": Font(name=FONT, size=11, bold=True),
             "paragraph": Font(name=FONT, size=10.5), "footnote": Font(name=FONT, size=9)}
    kinds = text_row_kinds(edition.lang)
    row = 1
    for i, (kind, height) in enumerate(zip(kinds, text_heights(edition.lang))):
        cell = ws.cell(row + i, 1)
        cell.font = fonts[kind]
        indent = 2 if kind == "paragraph" else 0
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
        ws.row_dimensions[row + i].height = height
    _name(book, TEXT_BODY, ws.title, _abs(row, 1, len(kinds), 1))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.print_area = f"A1:A{len(kinds)}"


def _history_sheet(book: Workbook, edition: Edition) -> None:
    """月度数据: title, note, two header rows and a body that grows with the months held."""
    sheet = edition.words["sheets"]["history"]
    ws = book.create_sheet(sheet)
    width = 1 + len(COLUMNS)
    font, bold = Font(name=FONT, size=10), Font(name=FONT, size=10, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).font = Font(name=FONT, size=12, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 24
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(2, 1).font = Font(name=FONT, size=9)
    for r in (3, 4):
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.font, cell.fill, cell.border = bold, HEAD_FILL, BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    column = 2
    for _, columns in GROUPS:  # each group's name over its columns
        ws.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + len(columns) - 1)
        column += len(columns)
    for c in range(1, width + 1):
        cell = ws.cell(5, c)
        cell.font, cell.border = font, BORDER
        cell.number_format = "@" if c == 1 else edition.words["number_format"]  # as the tables'
        cell.alignment = Alignment(horizontal="center" if c == 1 else "right")
        ws.column_dimensions[get_column_letter(c)].width = 9 if c == 1 else 8.5
    ws.row_dimensions[4].height = 30
    ws.freeze_panes = "B5"
    _name(book, "HIST_TITLE", sheet, _abs(1, 1))
    _name(book, "HIST_NOTE", sheet, _abs(2, 1))
    _name(book, "HIST_HEAD", sheet, _abs(3, 1, 2, width))
    _name(book, HIST_BODY, sheet, _abs(5, 1, 1, width))  # resized to the months written
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:4"


def _chart_sheet(book: Workbook, edition: Edition) -> None:
    """图表: a title; the charts are added when the report is rendered (files/xlsx_charts.py)."""
    sheet = edition.words["sheets"]["charts"]
    ws = book.create_sheet(sheet)
    ws.sheet_view.showGridLines = False
    ws.cell(1, 1).font = Font(name=FONT, size=12, bold=True)
    _name(book, "CHART_TITLE", sheet, _abs(1, 1))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"


def _raw(book: Workbook) -> None:
    ws = book.create_sheet(RAW_SHEET)
    headers = list(CANONICAL_HEADERS.values())
    for c, header in enumerate(headers, start=1):
        cell = ws.cell(1, c, header)
        cell.font = Font(name=FONT, size=10, bold=True)
        ws.column_dimensions[get_column_letter(c)].width = 14
    for c in range(1, len(headers)):  # codes and periods stay text in Excel too
        ws.cell(2, c).number_format = "@"
    table = Table(displayName=RAW_TABLE, ref=f"A1:{get_column_letter(len(headers))}2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"


def _settings(book: Workbook, edition: Edition) -> None:
    ws = book.create_sheet(SETTINGS_SHEET)
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 20
    ws.cell(1, 1, "设置").font = Font(name=FONT, size=12, bold=True)
    issuer = DEFAULT_ISSUER if edition.lang == "zh" else edition.words["cover"]["issuer"]
    defaults = {cell.name: cell.default for cell in SETTING_CELLS} | \
        {"SET_ISSUER": issuer, "SET_LANG": edition.lang,  # the edition's own
         "SET_FORMAT": WORKBOOK_FORMAT,  # a missing cell reads as 1: a new workbook says its format
         "SET_SCOPE": scope_cell(edition.scope)}
    for i, (name, label) in enumerate(SETTING_NAMES.items()):
        r = 3 + i
        ws.cell(r, 1, label).font = Font(name=FONT, size=10)
        cell = ws.cell(r, 2, defaults[name])
        cell.number_format, cell.border = "@", BORDER
        _name(book, name, SETTINGS_SHEET, _abs(r, 2))
    r = 3 + len(SETTING_NAMES) + 1
    note = "数据（=CHIP_* 函数的第一个参数，由加载项计算，请勿修改）："
    ws.cell(r, 1, note).font = Font(name=FONT, size=9)
    data = ws.cell(r + 1, 1, DATA_FORMULA)  # below its label: the handle text is long
    data.font = Font(name=FONT, size=9, color="595959")
    _name(book, DATA_NAME, SETTINGS_SHEET, _abs(r + 1, 1))
    for i, name in enumerate(SETTING_NAMES):
        if name in SETTING_CHOICES:
            rule = DataValidation(type="list", formula1=f'"{",".join(SETTING_CHOICES[name])}"',
                                  allow_blank=False)
            ws.add_data_validation(rule)
            rule.add(f"B{3 + i}")


def _print_layout(book: Workbook, edition: Edition) -> None:
    """Margins, the report title in the header and the page number in the footer of every
    report sheet (the cover has neither), each sheet numbered from its page in the whole."""
    cover = edition.words["cover"]
    for sheet, page in report_pages(edition.lang, len(edition.spans)).items():
        ws = book[sheet]
        ws.page_margins.top, ws.page_margins.bottom = MARGINS["top"], MARGINS["bottom"]
        ws.page_margins.left, ws.page_margins.right = MARGINS["left"], MARGINS["right"]
        ws.page_margins.header, ws.page_margins.footer = MARGINS["header"], MARGINS["footer"]
        ws.page_setup.firstPageNumber, ws.page_setup.useFirstPageNumber = page, True
        if page == 1:  # the cover
            continue
        for part, text in ((ws.oddHeader.center, cover["title"]), (ws.oddFooter.center, cover["page"])):
            part.text, part.size, part.font = text, 9, FONT


def make_template(edition: Edition | None = None, top: int = TOP_N) -> Workbook:
    """A new, empty workbook for an edition: cover, text, seven tables, charts, history, raw
    data and settings sheets.

    The monthly template (the default) has both span groups and ten ranked places; a
    January–February edition's finished copy has one span group, a finished copy made with
    ``--top N`` N places.
    """
    edition = edition or Edition()
    book = Workbook()
    _cover(book, edition)
    _text_sheet(book, edition)
    for layout in layouts(edition.lang, len(edition.spans), top).values():
        _table_sheet(book, layout, edition)
    _chart_sheet(book, edition)
    _history_sheet(book, edition)
    _print_layout(book, edition)
    _raw(book)
    _settings(book, edition)
    return book


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    make_template().save(target)
    print(f"wrote {target}")
