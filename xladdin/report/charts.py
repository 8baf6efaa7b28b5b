"""The monthly history and the charts, described by what they show.

The history is one row per month the data holds (``engine.history``), so it grows as months
are imported. A chart is a ``ChartSpec``: its kind, words and colours, and what it shows —
series of the monthly history, or the first span group's figures of a table (a table's
products, its top places). The report document (``compose.py``) fills every chart with its
data from its own history and tables; where a workbook's chart reads its cells is the
workbook's concern (``files/xlsx_charts.py``), and the Word edition draws the data as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from xladdin.engine.editions import word_set
from xladdin.engine.history import COLUMNS, GROUPS, monthly_history
from xladdin.engine.metrics import Engine
from xladdin.engine.scope import Scope, bundled_ids, load_scope


def words(lang: str = "zh", scope: Scope | None = None) -> dict:
    """The words of the history sheet and the charts (``[figures]`` of the word set)."""
    return word_set(lang, scope)["figures"]


#: where a chart's data come from: the monthly history, or a table by its number
HISTORY = 0


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its kind, title and what it shows. ``table`` is the table whose first span
    group it draws (``HISTORY``: the monthly history); each series is (what, title): a history
    column (``engine.history.COLUMNS``) or a table's ``value``."""

    key: str  # the chart's name in the words' [figures.chart_titles]
    kind: str  # column | line | pie | bar
    title: str
    table: int
    series: tuple[tuple[str, str], ...]
    y_title: str = ""
    #: start at the first month where a series has a figure (YoY: the data's second year)
    from_first_value: bool = False
    #: one colour per series (a flow's colour); a pie colours its slices by product instead
    colours: tuple[str, ...] = ()
    #: a ranking chart's places (its title names them): the report's, at most RANKED_PLACES
    places: int = 0


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


#: a ranking chart shows at most the first ten places (前十大, Top 10), fewer where the
#: report ranks fewer (--top 5: 前五大, Top 5)
RANKED_PLACES = 10
#: each chart without its words: (title key, kind, what it draws (``HISTORY`` or a table),
#: series (what, series key), axis key)
_SHAPES = (
    ("trade", "column", HISTORY, (("month_export", "export"), ("month_import", "import")), "value"),
    ("growth", "line", HISTORY, (("month_export_yoy", "export_yoy"), ("month_import_yoy", "import_yoy")),
     "pct"),
    ("export_products", "pie", 2, (("value", "export"),), ""),
    ("import_products", "pie", 3, (("value", "import"),), ""),
    ("export_partners", "bar", 4, (("value", "export"),), "value"),
    ("import_partners", "bar", 5, (("value", "import"),), "value"),
)
#: how many charts a report has
CHART_COUNT = len(_SHAPES)
CHARTS_PER_PAGE = 3


def chart_pages(count: int = CHART_COUNT) -> int:
    """The printed pages ``count`` charts take, three to a page."""
    return -(-count // CHARTS_PER_PAGE)


def charts(lang: str = "zh", scope: Scope | None = None, top: int = RANKED_PLACES) -> tuple[ChartSpec, ...]:
    """The charts of an edition, in its words, for a report that ranks ``top`` places."""
    w = words(lang, scope)
    places = min(top, RANKED_PLACES)
    return tuple(ChartSpec(key, kind, w["chart_titles"][key].format(places=w["places"][places - 1]), table,
                           tuple((what, w["series"][name]) for what, name in series),
                           y_title=w["axes"].get(axis, ""), from_first_value=kind == "line",
                           colours=tuple(FLOW_COLOURS[name.removesuffix("_yoy")] for _, name in series),
                           places=places if kind == "bar" else 0)
                 for key, kind, table, series, axis in _SHAPES)


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
