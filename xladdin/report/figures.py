"""The monthly history sheet and the charts, described as data.

The history block (``HIST_BODY``) has one row per month the data holds, so it grows as
months are imported; every back end writes it from its anchor and sizes the name to it. A
chart is a ``ChartSpec``: which block (by defined name) its categories and series read, and
its words. The openpyxl back end (``files/charts.py``) turns specs into native Excel charts;
the patcher keeps them pointing at the whole history when the block grows.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.history import COLUMNS, monthly_history
from xladdin.engine.metrics import Engine
from xladdin.report.layout import REGION_ROWS

HISTORY_SHEET, CHART_SHEET = "月度数据", "图表"
HIST_BODY = "HIST_BODY"

WORDS = {
    "zh": {
        "title": "中国芯片产品贸易月度数据（亿美元）",
        "note": "净出口额 = 出口额 − 进口额，其同比变化口径同表1；空白表示缺少上年同期或年初月份的数据。",
        "spans": {"month": "当月", "ytd": "年初至当月累计"},
        "period": "月份",
        "heads": ("出口额", "同比（%）", "进口额", "同比（%）", "净出口额", "同比变化"),
        "charts_title": "中国芯片产品贸易图表：月度走势、产品结构与主要贸易伙伴",
        "charts_contents": "{sheet}：月度出口额、进口额及同比增速，产品结构，主要贸易伙伴",
        "history_contents": "{sheet}：{first} 至 {last} 每月及累计的出口额、进口额、净出口额及同比",
    },
}


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its kind, title, and where its data sit (columns of a named block, 1-based;
    ``first``/``count`` pick body rows, count None meaning every row)."""

    kind: str  # column | line | pie | bar
    title: str
    block: str
    categories: int
    series: tuple[tuple[int, str], ...]
    first: int = 1
    count: int | None = None
    y_title: str = ""


_TOP_FIRST = REGION_ROWS + 3  # top-10 rows of tables 4/5 start after the regions and two labels
CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("column", "月度出口额与进口额（亿美元）", HIST_BODY, 1, ((2, "出口额"), (4, "进口额")),
              y_title="亿美元"),
    ChartSpec("line", "月度出口额与进口额同比增速（%）", HIST_BODY, 1, ((3, "出口同比"), (5, "进口同比")),
              y_title="%"),
    ChartSpec("pie", "当月出口产品结构（亿美元）", "T2_BODY", 1, ((2, "出口额"),), count=5),
    ChartSpec("pie", "当月进口产品结构（亿美元）", "T3_BODY", 1, ((2, "进口额"),), count=5),
    ChartSpec("bar", "当月前十大出口目的地（亿美元）", "T4_BODY", 1, ((2, "出口额"),),
              first=_TOP_FIRST, count=10),
    ChartSpec("bar", "当月前十大进口来源地（亿美元）", "T5_BODY", 1, ((2, "进口额"),),
              first=_TOP_FIRST, count=10),
)


CHARTS_PER_PAGE = 3
CHART_PAGES = -(-len(CHARTS) // CHARTS_PER_PAGE)


def history_rows(engine: Engine) -> list[list]:
    """The history block: month, then the COLUMNS figures (None where undefined: a blank
    cell, which a chart leaves as a gap rather than plotting as zero)."""
    return [[row["period"], *(row[c] for c in COLUMNS)] for row in monthly_history(engine)]


def history_head(lang: str = "zh") -> list[list]:
    """The two header rows over the history block."""
    w = WORDS[lang]
    first = [w["period"]] + [None] * len(COLUMNS)
    first[1], first[1 + len(w["heads"])] = w["spans"]["month"], w["spans"]["ytd"]
    return [first, [None, *w["heads"], *w["heads"]]]
