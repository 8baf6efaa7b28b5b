"""The audit: everything suspicious in raw data, each with a severity, a place and a fix.

Reports go wrong through partial downloads, rows pasted twice, months missing and figures
typed by hand; the audit looks for exactly those. ``build`` and ``refresh`` run it and stop
on errors unless forced.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from xladdin.engine.editions import jan_feb_choice
from xladdin.engine.model import DIMENSIONS, Model
from xladdin.engine.periods import RANGE_SEPARATOR, shift_years, span_months
from xladdin.errors import Findings, XladdinError

#: customs' query platform silently stops at this many data rows
DOWNLOAD_LIMIT = 10_000
ROW_KEY = ["period", "flow", "hs_code", "partner", "province"]
DIM_WORD = {"total": "total", "product": "by product", "partner": "by partner", "province": "by province"}


def _places(rows: pd.DataFrame, limit: int = 3) -> str:
    """'a.csv rows 3, 7; b.csv row 2 …' for the first few rows of a selection."""
    parts = []
    for source, group in rows.groupby("source", sort=False):
        numbers = group["row"].head(limit).astype(str).tolist()
        more = " …" if len(group) > limit else ""
        parts.append(f"{source} row{'s' if len(group) > 1 else ''} {', '.join(numbers)}{more}")
    return "; ".join(parts[:3]) + (" …" if len(parts) > 3 else "")


def current_month(today: date | None = None) -> str:
    today = today or date.today()
    return f"{today.year:04d}-{today.month:02d}"


def audit(model: Model, period: str | None = None, today: date | None = None,
          jan_feb: bool = False) -> Findings:
    """All findings for the raw data behind ``model``, for reporting ``period`` if given.

    For a February report it also says which edition the data makes (``jan_feb``: the
    January–February combined issue was asked for).
    """
    raw, frame = model.raw, model.raw.frame
    found = Findings()
    found.items += [f for f in model.findings if f.severity != "info"]  # reading and grain problems

    for source, count in raw.files.items():
        if count == DOWNLOAD_LIMIT:
            found.add("error", f"exactly {DOWNLOAD_LIMIT:,} data rows: the customs platform cuts "
                      "downloads off there, so this file is probably incomplete", source,
                      "split the query (fewer months or dimensions per download) and download again")

    negative = frame[frame["value"] < 0]
    if len(negative):
        found.add("error", f"{len(negative)} negative values (first: {negative['value'].iloc[0]:,.0f})",
                  _places(negative), "trade values cannot be negative: correct or delete those rows")

    twice = frame[frame.duplicated(ROW_KEY, keep=False)]
    if len(twice):
        groups = twice.groupby(ROW_KEY, dropna=False).ngroups
        found.add("error", f"{groups} rows appear more than once for the same month, flow and "
                  "dimensions (pasted or downloaded twice)", _places(twice),
                  "delete the repeated rows, or use 'xladdin import' which replaces them")

    now = current_month(today)
    future = frame[frame["period"].str[-7:] > now]
    if len(future):
        found.add("error", f"{len(future)} rows for months after {now} "
                  f"(first: {future['period'].iloc[0]})", _places(future),
                  "check the 数据年月 column: customs data cannot be from the future")

    _disagreeing_extracts(frame, found)
    _beyond_numbers(frame, found)
    if period:
        combined, why = jan_feb_choice(model.periods, period, jan_feb)
        if why:
            found.add("info", why, f"report {period}", "")
        _missing_months(model, period, found, combined)
    return found


def _beyond_numbers(frame: pd.DataFrame, found: Findings) -> None:
    """Values whose sum is beyond the largest number (about 1.8e308: infinity) are mistyped;
    no table could be computed from them, so --force cannot help."""
    for flow, values in frame.groupby("flow")["value"]:
        with np.errstate(over="ignore"):  # the overflow is what is looked for, not a warning
            total = float(values.sum())
        if not math.isfinite(total):
            largest = frame.loc[values.sort_values(ascending=False).index[:3]]
            found.add("error", f"the {flow} values add up to more than a number can hold (largest: "
                      f"{float(largest['value'].iloc[0]):.3g} USD)", _places(largest),
                      "check the 美元 column for a mistyped value", forceable=False)


def _disagreeing_extracts(frame: pd.DataFrame, found: Findings) -> None:
    """Product, partner and province extracts of one month must add up to the same total."""
    grain = np.zeros(len(frame), dtype=np.int64)
    for bit, dim in enumerate(DIMENSIONS):
        grain |= frame[dim].notna().to_numpy() << bit
    sums = frame.assign(grain=grain).groupby(["flow", "period", "grain"])["value"].agg(["sum", "size"])
    for (flow, period), group in sums.groupby(level=["flow", "period"]):
        if len(group) < 2:
            continue
        low, high = group["sum"].min(), group["sum"].max()
        slack = max(group["size"].max() * 1.0, 1e-6 * high)  # whole-dollar rounding per row
        if high - low > slack:
            names = {0: "total rows", 1: "by product", 2: "by partner", 4: "by province"}
            detail = ", ".join(f"{names.get(int(g), 'cube')} {v:,.0f}"
                               for (_, _, g), v in group["sum"].items())
            found.add("warning", f"the extracts disagree ({detail} USD)",
                      f"{flow} {period}", "download the extracts again at the same time; "
                      "the tables use each extract for its own dimension")


def _missing_months(model: Model, period: str, found: Findings, combined: bool = False) -> None:
    """Months the report's sums need (month, year to date, the same a year earlier); the
    January–February combined issue needs only the two months summed, or their range."""
    prior = shift_years(period, -1)
    for flow in ("export", "import"):
        gaps: dict[tuple[str, ...], list[str]] = {}
        for dim in ("total", *DIMENSIONS):
            have = model.periods.get((flow, dim), frozenset())
            missing: list[str] = []
            for months in (span_months(period, "ytd"), span_months(prior, "ytd")):
                if f"{months[0]}{RANGE_SEPARATOR}{months[-1]}" in have:
                    # a range row covers the year to date, not the month
                    months = () if combined else months[-1:]
                missing += [m for m in months if m not in have]
            if missing:
                gaps.setdefault(tuple(sorted(set(missing))), []).append(DIM_WORD[dim])
        held = sorted(m for m in model.periods.get((flow, "total"), ()) if RANGE_SEPARATOR not in m)
        holds = f" (the data hold {held[0]} to {held[-1]})" if held else " (the data hold none)"
        for months, dims in gaps.items():
            shown = ", ".join(months[:8]) + (" …" if len(months) > 8 else "")
            needs = "January to February" if combined else "the month, January to it,"
            found.add("error", f"{flow} data ({', '.join(dims)}) lacks {shown}{holds}; the {period} "
                      f"report needs {needs} and the same months of {prior[:4]}",
                      f"{flow} {period}", "choose a report month the data cover, or download and add "
                      "the customs rows for those months", forceable=False)


def stop_on_errors(found: Findings, force: bool | None) -> None:
    """Refuse to publish from data with errors, unless the user forces it. ``--force`` is
    offered only where it can help: not for a month the sums lack, nor where the front end has
    no such option (``force=None``: the ribbon, xlwings Lite)."""
    errors = found.of("error")
    blocking = [f for f in errors if not f.forceable] if force else errors
    if blocking:  # --force is offered only where it can help: not for a month the sums lack
        first = blocking[0].line().removeprefix("error: ")
        more = f" ({len(errors)} problems in all: run 'xladdin audit' to list them)" \
            if len(errors) > 1 else ""
        hint = "; or pass --force to publish anyway" \
            if force is not None and all(f.forceable for f in errors) else ""
        raise XladdinError(f"{first}{more}{hint}")
