"""Where each table sits on its sheet: block shapes shared by the template and the renderer.

Every block has a defined name (``T4_BODY`` …). The template creates the names; the render
plan addresses blocks only by name, so an analyst may move or restyle a table in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.editions import word_set
from xladdin.engine.setting_cells import DEFAULT_ISSUER, SETTING_CELLS  # noqa: F401  (re-exported)
from xladdin.engine.tables import SPECS, TableSpec

#: the monthly workbook's sizes: its ranked lists' places (``--top`` of ``build`` changes the
#: finished copy's) and the products of table 2's composition
TOP_N = 10
REGION_ROWS = 2
PRODUCTS = 5


@dataclass(frozen=True)
class TableLayout:
    """Sheet name and block shapes of one table (rows × columns).

    ``spans`` is how many span column groups (month, year to date) the table has: two in the
    monthly template, one in the finished copy of a January–February combined issue.
    """

    spec: TableSpec
    sheet: str
    columns: int
    body_rows: int
    note_rows: int
    spans: int = 2

    @property
    def no(self) -> int:
        return self.spec.no

    def name(self, part: str) -> str:
        return f"T{self.no}_{part}"

    # positions in the template (1-based rows): title, blank, 2 header rows, body, blank, notes
    title_row: int = 1
    head_row: int = 3

    @property
    def body_row(self) -> int:
        return self.head_row + 2

    @property
    def notes_row(self) -> int:
        return self.body_row + self.body_rows + 1


#: columns of a table: the name column (ranking: one per span) and per span
SPAN_COLUMNS = {"overview": 2, "composition": 3, "ranking": 3}


def _shape(spec: TableSpec, spans: int, top: int, products: int) -> tuple[int, int, int]:
    notes = len(spec.notes) + (2 if spec.kind == "overview" else 0)
    columns = SPAN_COLUMNS[spec.kind] * spans + (0 if spec.kind == "ranking" else 1)
    if spec.kind == "overview":
        return columns, 4, notes
    if spec.kind == "composition":
        return columns, products, notes
    rows = top + (REGION_ROWS + 2 if spec.regions else 0)
    return columns, rows, notes


def layouts(lang: str = "zh", spans: int = 2, top: int = TOP_N,
            products: int = PRODUCTS) -> dict[int, TableLayout]:
    """The tables' layouts in one language (sheet names), sized for what one report shows:
    its span groups (two in the monthly workbook, one in a January–February issue's finished
    copy), its ranked lists' places (``top``) and its products."""
    sheet = word_set(lang)["sheets"]["table"]
    return {no: TableLayout(spec, sheet.format(no=no), *_shape(spec, spans, top, products), spans=spans)
            for no, spec in SPECS.items()}

SETTINGS_SHEET = "设置"
#: the Chinese edition's cover and text sheets (each edition names them in its words)
COVER_SHEET, TEXT_SHEET = word_set("zh")["sheets"]["cover"], word_set("zh")["sheets"]["text"]
TEXT_BODY = "TEXT_BODY"  # the text's rows on 正文: one cell per heading, paragraph or footnote
HIST_BODY = "HIST_BODY"  # the monthly history's rows: it grows as months are imported
#: the 设置 cells the template writes, with their labels and drop-down choices (the schema
#: in ``engine/setting_cells.py`` holds each cell once)
SETTING_NAMES = {cell.name: cell.label for cell in SETTING_CELLS}
SETTING_CHOICES = {cell.name: cell.choices for cell in SETTING_CELLS if cell.choices}
RAW_TABLE = "RawData"

#: The data cell of the cell functions: Excel passes it the raw table and the settings, so it is
#: recomputed exactly when one of them changes, and every =CHIP_* cell takes it first.
DATA_NAME = "数据"
DATA_FORMULA = f"=CHIP_DATA({RAW_TABLE}[#All],SET_PERIOD,SET_NET_YOY)"


# --- print layout ----------------------------------------------------------------------------
#: Every report sheet prints A4 with these margins (inches); the header carries the report
#: title, the footer the page number.
MARGINS = {"top": 0.8, "bottom": 0.8, "left": 0.6, "right": 0.6, "header": 0.35, "footer": 0.35}
USABLE_PT = 841.9 - 72 * (MARGINS["top"] + MARGINS["bottom"])  # A4 portrait height to print on
#: Printed lines a piece of 正文 may need (about 46 CJK characters a line), by paragraph kind.
TEXT_LINES = {"section": 1, "subsection": 1, "footnote": 2, "overview": 3, "products": 4,
              "partners": 4, "provinces": 3}


def text_row_heights(kinds: list[str], parts: list[str], lines: dict | None = None) -> list[float]:
    """Row heights (pt) of 正文's slots: ``kinds`` from ``narrative.text_row_kinds``, ``parts`` the
    paragraph kind of each subsection (overview, products, …) in order."""
    heights, part = [], -1
    for i, kind in enumerate(kinds):
        if kind == "paragraph" and (i == 0 or kinds[i - 1] != "paragraph"):
            part += 1
        count = (lines or TEXT_LINES)[parts[part] if kind == "paragraph" else kind]
        heights.append(16 * count + (10 if kind in ("section", "subsection") else 6))
    return heights


def first_pages(text_heights: list[float], chart_pages: int, lang: str = "zh",
                spans: int = 2) -> dict[str, int]:
    """The page each report sheet starts on when the whole workbook is printed: the cover is
    page 1, the text takes as many pages as its rows need (rows never split), each table one
    page (fit to its width), the charts their pages; the monthly history comes last, so its
    growth moves no other page. Sheets carry these numbers (first page number), so the
    printed page numbers and the cover's contents agree in Excel and LibreOffice alike."""
    text_pages, used = 1, 0.0
    for height in text_heights:
        if used + height > USABLE_PT:
            text_pages, used = text_pages + 1, 0.0
        used += height
    sheets = word_set(lang)["sheets"]
    pages = {sheets["cover"]: 1, sheets["text"]: 2}
    page = 2 + text_pages
    for layout in layouts(lang, spans).values():
        pages[layout.sheet] = page
        page += 1
    pages[sheets["charts"]] = page
    pages[sheets["history"]] = page + chart_pages
    return pages
