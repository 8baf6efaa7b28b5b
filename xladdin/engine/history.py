"""The monthly history: for every month the data holds, exports, imports and net exports,
each for the month and the year to date, with their year-on-year change, then the month's
exports and imports on the month before (环比).

The text speaks of trends ("同比增长 …"); the history lets a reader see them, and the charts
read from it. A figure the data cannot give (the prior year or an earlier month of the year
is missing) is None, shown "—", never an error: the history covers whatever months exist.
"""

from __future__ import annotations

from xladdin.engine.metrics import Engine, growth
from xladdin.engine.periods import previous_month, shift_years, span_months
from xladdin.errors import MissingMonthsError

FLOWS = ("export", "import")
#: The history's column groups after the month, in order: each a header over its columns. New
#: groups go last, so the columns before them (and the charts reading them) keep their place
#: and an older workbook's history only widens.
_FIGURES = ("export", "export_yoy", "import", "import_yoy", "net", "net_yoy")
GROUPS = (
    ("month", tuple(f"month_{w}" for w in _FIGURES)),
    ("ytd", tuple(f"ytd_{w}" for w in _FIGURES)),
    ("mom", ("month_export_mom", "month_import_mom")),
)
#: The history's columns after the month, in order.
COLUMNS = tuple(c for _, columns in GROUPS for c in columns)


def months(engine: Engine) -> list[str]:
    """Months with totals for both flows, oldest first (month ranges are not months)."""
    have = [engine.model.periods.get((flow, "total"), frozenset()) for flow in FLOWS]
    common = set.intersection(*(set(h) for h in have))
    return sorted(m for m in common if len(m) == 7)


def _total(engine: Engine, flow: str, months_: tuple[str, ...]) -> float | None:
    try:
        return engine.model.total(flow, months_)
    except MissingMonthsError:
        return None


def _net_change(engine: Engine, net: float | None, prior: float | None) -> float | None:
    """The net row's 同比变化 in table 1's convention (settings.net_yoy)."""
    if net is None or prior is None:
        return None
    if engine.settings.net_yoy == "abs_diff":
        return (net - prior) / engine.settings.unit
    return growth(-net, -prior)


def monthly_history(engine: Engine) -> list[dict]:
    """One row per month: {'period', 'month_export', 'month_export_yoy', …} (亿美元, %).

    环比 (``month_<flow>_mom``) compares the month with the one before (January with the
    December before it); it is None where that month is missing or zero. The year to date has
    no 环比: the sum up to a month always exceeds the sum up to the month before it."""
    unit = engine.settings.unit
    rows = []
    for period in months(engine):
        row: dict = {"period": period}
        before = span_months(previous_month(period), "month")
        for flow in FLOWS:
            now, prior = _total(engine, flow, (period,)), _total(engine, flow, before)
            row[f"month_{flow}_mom"] = None if now is None else growth(now, prior)
        for span in ("month", "ytd"):
            now, before = span_months(period, span), span_months(shift_years(period, -1), span)
            values = {flow: _total(engine, flow, now) for flow in FLOWS}
            priors = {flow: _total(engine, flow, before) for flow in FLOWS}
            for flow in FLOWS:
                value, prior = values[flow], priors[flow]
                row[f"{span}_{flow}"] = None if value is None else value / unit
                row[f"{span}_{flow}_yoy"] = None if value is None else growth(value, prior)
            net = None if None in values.values() else values["export"] - values["import"]
            prior_net = None if None in priors.values() else priors["export"] - priors["import"]
            row[f"{span}_net"] = None if net is None else net / unit
            row[f"{span}_net_yoy"] = _net_change(engine, net, prior_net)
        rows.append(row)
    return rows
