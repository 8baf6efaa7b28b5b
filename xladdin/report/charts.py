"""The monthly history sheet and the charts, described as data.

The history block (``HIST_BODY``) has one row per month the data holds, so it grows as
months are imported; every back end writes it from its anchor and sizes the name to it. A
chart is a ``ChartSpec``: which block (by defined name) its categories and series read, and
its words. The openpyxl back end (``files/xlsx_charts.py``) turns specs into native Excel charts;
the patcher keeps them pointing at the whole history when the block grows.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.editions import word_set
from xladdin.engine.history import COLUMNS, GROUPS, monthly_history
from xladdin.engine.metrics import Engine
from xladdin.engine.scope import Scope, bundled_ids, load_scope
from xladdin.report.layout import REGION_ROWS

HIST_BODY = "HIST_BODY"


def words(lang: str = "zh", scope: Scope | None = None) -> dict:
    """The words of the history sheet and the charts (``[figures]`` of the word set)."""
    return word_set(lang, scope)["figures"]


def history_sheet(lang: str = "zh") -> str:
    return word_set(lang)["sheets"]["history"]


def chart_sheet(lang: str = "zh") -> str:
    return word_set(lang)["sheets"]["charts"]


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
    #: start at the first row where a series has a figure (YoY: the data's second year)
    from_first_value: bool = False
    #: one colour per series (a flow's colour); a pie colours its slices by product instead
    colours: tuple[str, ...] = ()


#: The one palette of every edition and format (workbook charts and the Word edition's
#: pictures): a colour per flow and per product (HS6), hex RGB without '#'.
FLOW_COLOURS = {"export": "2F5597", "import": "C55A11"}
#: slices whose product is not in the reference list take these, in order
SPARE_COLOURS = ("7F7F7F", "2E9AB8", "A5A5A5", "D45087", "665191")
TITLE_PT, AXIS_PT, LABEL_PT = 11, 8, 8  # font sizes of chart titles, axis words, data labels


def product_colour(label: str, index: int = 0, scope: Scope | None = None) -> str:
    """The colour of a product group, found by its name in either language in the bundled
    scopes, or first in ``scope`` where the caller knows it (the tables print names, not codes;
    group names differ between scopes); an unknown name takes a spare colour by its position."""
    text = str(label).strip().lower()
    for each in ([scope] if scope is not None else []) + [load_scope(i) for i in bundled_ids()]:
        for group in each.groups:
            if text in (group.zh.lower(), group.en.lower(), *(a.lower() for a in group.aliases)):
                return group.colour.upper()
    return SPARE_COLOURS[index % len(SPARE_COLOURS)]


_TOP_FIRST = REGION_ROWS + 3  # top-10 rows of tables 4/5 start after the regions and two labels
#: each chart without its words: (title key, kind, block, series (column, series key), axis
#: key, first row, row count)
_SHAPES = (
    ("trade", "column", HIST_BODY, ((2, "export"), (4, "import")), "value", 1, None),
    ("growth", "line", HIST_BODY, ((3, "export_yoy"), (5, "import_yoy")), "pct", 1, None),
    ("export_products", "pie", "T2_BODY", ((2, "export"),), "", 1, 5),
    ("import_products", "pie", "T3_BODY", ((2, "import"),), "", 1, 5),
    ("export_partners", "bar", "T4_BODY", ((2, "export"),), "value", _TOP_FIRST, 10),
    ("import_partners", "bar", "T5_BODY", ((2, "import"),), "value", _TOP_FIRST, 10),
)


def charts(lang: str = "zh", scope: Scope | None = None) -> tuple[ChartSpec, ...]:
    """The charts of an edition, in its words."""
    w = words(lang, scope)
    return tuple(ChartSpec(kind, w["chart_titles"][key], block, 1,
                           tuple((col, w["series"][name]) for col, name in series),
                           first=first, count=count, y_title=w["axes"].get(axis, ""),
                           from_first_value=kind == "line",
                           colours=tuple(FLOW_COLOURS[name.removesuffix("_yoy")] for _, name in series))
                 for key, kind, block, series, axis, first, count in _SHAPES)


CHARTS = charts()
CHARTS_PER_PAGE = 3
CHART_PAGES = -(-len(CHARTS) // CHARTS_PER_PAGE)


def history_rows(engine: Engine) -> list[list]:
    """The history block: month, then the COLUMNS figures (None where undefined: a blank
    cell, which a chart leaves as a gap rather than plotting as zero)."""
    return [[row["period"], *(row[c] for c in COLUMNS)] for row in monthly_history(engine)]


def history_head(lang: str = "zh") -> list[list]:
    """The two header rows over the history block: each group's name over its columns."""
    w = words(lang)
    first, second = [w["period"]], [None]
    for group, columns in GROUPS:
        heads = w["mom_heads"] if group == "mom" else w["heads"]
        assert len(heads) == len(columns), (group, heads)
        first += [w["spans"][group]] + [None] * (len(columns) - 1)
        second += heads
    return [first, second]
