"""Where each table sits on its sheet: block shapes shared by the template and the renderer.

Every block has a defined name (``T4_BODY`` …). The template creates the names; the render
plan addresses blocks only by name, so an analyst may move or restyle a table in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.tables import SPECS, TableSpec

TOP_N = 10
REGION_ROWS = 2
PRODUCTS = 5


@dataclass(frozen=True)
class TableLayout:
    """Sheet name and block shapes of one table (rows × columns)."""

    spec: TableSpec
    sheet: str
    columns: int
    body_rows: int
    note_rows: int

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


def _shape(spec: TableSpec) -> tuple[int, int, int]:
    notes = len(spec.notes) + (2 if spec.kind == "overview" else 0)
    if spec.kind == "overview":
        return 5, 4, notes
    if spec.kind == "composition":
        return 7, PRODUCTS, notes
    rows = TOP_N + (REGION_ROWS + 2 if spec.regions else 0)
    return 6, rows, notes


LAYOUTS = {no: TableLayout(spec, f"表{no}", *_shape(spec)) for no, spec in SPECS.items()}

COVER_SHEET, SETTINGS_SHEET, TEXT_SHEET = "封面", "设置", "正文"
TEXT_BODY = "TEXT_BODY"  # the text's rows on 正文: one cell per heading, paragraph or footnote
SETTING_NAMES = {"SET_PERIOD": "报告期（YYYY-MM，留空则取原始数据的最新月份）",
                 "SET_NET_YOY": "净出口额同比口径（net_import_pct 或 abs_diff）",
                 "SET_ISSUER": "发布机构（封面）",
                 "SET_DATE": "发布日期（封面；留空则为生成当天）"}
DEFAULT_ISSUER = "对外经济贸易大学 数字经济实验室"
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


def text_row_heights(kinds: list[str], parts: list[str]) -> list[float]:
    """Row heights (pt) of 正文's slots: ``kinds`` from ``narrative.slots``, ``parts`` the
    paragraph kind of each subsection (overview, products, …) in order."""
    heights, part = [], -1
    for i, kind in enumerate(kinds):
        if kind == "paragraph" and (i == 0 or kinds[i - 1] != "paragraph"):
            part += 1
        lines = TEXT_LINES[parts[part] if kind == "paragraph" else kind]
        heights.append(16 * lines + (10 if kind in ("section", "subsection") else 6))
    return heights


def first_pages(text_heights: list[float], chart_pages: int) -> dict[str, int]:
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
    pages = {COVER_SHEET: 1, TEXT_SHEET: 2}
    page = 2 + text_pages
    for layout in LAYOUTS.values():
        pages[layout.sheet] = page
        page += 1
    pages["图表"] = page
    pages["月度数据"] = page + chart_pages
    return pages
