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
