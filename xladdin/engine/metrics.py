"""Metrics: values, year-on-year growth, shares, region sums and rankings.

All arithmetic is on unrounded US dollars; rounding belongs to presentation. A YoY growth
is undefined (None) where the prior value is missing, zero or negative: never inf, never a
crash. Results are memoised per engine, so repeated questions (Excel recalculating a sheet
of cell functions) cost a dictionary look-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from xladdin.engine.editions import Edition, jan_feb_choice, word_set
from xladdin.engine.model import Model
from xladdin.engine.periods import previous_month, shift_years, span_months
from xladdin.engine.reference import Reference, load_reference
from xladdin.engine.scope import Scope
from xladdin.engine.settings import NET_YOY_CONVENTIONS, Settings  # noqa: F401 (re-exported)
from xladdin.errors import MissingMonthsError


def growth(current: float, prior: float | None) -> float | None:
    """YoY % from unrounded values; None where the prior is missing, zero or negative."""
    if prior is None or not math.isfinite(prior) or prior <= 0 or not math.isfinite(current):
        return None
    return (current / prior - 1.0) * 100.0


def growth_series(current: pd.Series, prior: pd.Series) -> pd.Series:
    prior = prior.reindex(current.index)
    out = (current / prior - 1.0) * 100.0
    return out.where(prior > 0)


@dataclass(frozen=True)
class Figure:
    """One number of the report with what it is compared to (USD)."""

    value: float
    prior: float | None
    total: float | None = None

    @property
    def yoy(self) -> float | None:
        return growth(self.value, self.prior)

    @property
    def share(self) -> float | None:
        if not self.total:
            return None
        return self.value / self.total * 100.0


@dataclass
class Engine:
    """Questions about one model: what was X in period P, its YoY, its share, the top N."""

    model: Model
    settings: Settings = field(default_factory=Settings)
    #: the code lists with the product groups of the raw data's scope (``scope``)
    reference: Reference = None  # type: ignore[assignment]
    _memo: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.reference is None:
            self.reference = load_reference(self.model.raw.scope)

    @property
    def scope(self) -> Scope:
        """The product scope of this report: its headings, product groups and words."""
        return self.model.raw.scope

    def _cached(self, key: tuple, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def edition(self, period: str) -> Edition:
        """The edition of a report month: its language, and whether it is the 1-2月 issue."""
        return self._cached(("edition", period), lambda: Edition(
            self.settings.lang, jan_feb_choice(self.model.periods, period, self.settings.jan_feb)[0],
            self.scope))

    def label(self, dim: str, key: str) -> str:
        """The name the report prints for a code, in the edition's language."""
        words = word_set(self.settings.lang, self.scope)
        if dim == "region":
            return words["labels"]["regions"].get(key, key)
        name = self.reference.name(dim, key, words["names"].get(dim, "name"))
        if name is None and dim == "partner" and key in self.model.raw.partner_labels:
            return words["unknown_partner"].format(code=key, label=self.model.raw.partner_labels[key])
        return key if name is None else name

    def _purpose(self, period: str, span: str, prior: bool) -> str:
        """What a sum is for, said in error messages about missing months."""
        what = f"{period} {'month' if span == 'month' else 'year to date'}"
        return f"the prior year of {what}" if prior else what

    def total(self, flow: str, period: str, span: str, with_prior: bool = True) -> Figure:
        def compute() -> Figure:
            value = self.model.total(flow, span_months(period, span), self._purpose(period, span, False))
            prior = None
            if with_prior:
                prior_period = shift_years(period, -1)
                prior = self.model.total(flow, span_months(prior_period, span),
                                         self._purpose(period, span, True))
            return Figure(value, prior, value)
        return self._cached(("total", flow, period, span, with_prior), compute)

    def breakdown(self, flow: str, dim: str, period: str, span: str,
                  with_prior: bool = True) -> pd.DataFrame:
        """Every key of a dimension: value, prior, yoy (%), share (%) — USD, unsorted.

        Without the prior year, prior and yoy are NaN and the prior months need not exist.
        """
        def compute() -> pd.DataFrame:
            months = span_months(period, span)
            current = self.model.values(flow, dim, months, self._purpose(period, span, False))
            prior = self.model.values(flow, dim, span_months(shift_years(period, -1), span),
                                      self._purpose(period, span, True)) \
                if with_prior else pd.Series(dtype="float64")
            total = self.total(flow, period, span, with_prior=False).value
            frame = pd.DataFrame({"value": current})
            frame["prior"] = prior.reindex(frame.index)
            frame["yoy"] = growth_series(frame["value"], frame["prior"])
            frame["share"] = frame["value"] / total * 100.0 if total else float("nan")
            frame.index.name = "key"
            return frame
        return self._cached(("breakdown", flow, dim, period, span, with_prior), compute)

    def figure(self, flow: str, period: str, span: str, dim: str | None = None,
               key: str | None = None, with_prior: bool = True) -> Figure:
        """One value: the flow total, one key of a dimension, or a region ('ASEAN', 'EU')."""
        return self._cached(("figure", flow, period, span, dim, key, with_prior),
                            lambda: self._figure(flow, period, span, dim, key, with_prior))

    def _figure(self, flow: str, period: str, span: str, dim: str | None, key: str | None,
                with_prior: bool) -> Figure:
        total = self.total(flow, period, span, with_prior)
        if dim is None:
            return total
        if dim == "region":
            return self._region(flow, key, period, span, total.value, with_prior)
        frame = self.breakdown(flow, dim, period, span, with_prior)
        if key in frame.index:
            row = frame.loc[key]
            prior = None if pd.isna(row["prior"]) else float(row["prior"])
            return Figure(float(row["value"]), prior, total.value)
        prior = None
        if with_prior:
            prior_frame = self.model.values(flow, dim, span_months(shift_years(period, -1), span))
            prior = float(prior_frame[key]) if key in prior_frame.index else None
        return Figure(0.0, prior, total.value)

    def _region(self, flow: str, region: str, period: str, span: str, total: float,
                with_prior: bool = True) -> Figure:
        """A region's sum over its members as of the report period, now and a year before.

        The same member list is used for both years, so growth compares like with like.
        """
        members = list(self.reference.members(region, period))
        sums: list[float | None] = [None, None]
        spans = [span_months(period, span), span_months(shift_years(period, -1), span)]
        for i, months in enumerate(spans[: 2 if with_prior else 1]):
            values = self.model.values(flow, "partner", months, f"{region} {period}")
            sums[i] = float(values.reindex(members).fillna(0.0).sum())
        return Figure(sums[0], sums[1], total)

    def ranking(self, flow: str, dim: str, period: str, span: str, n: int | None = None) -> pd.DataFrame:
        """Top n keys by value, largest first; ties go to the lower code."""
        n = n or self.settings.top_n
        frame = self.breakdown(flow, dim, period, span).reset_index()
        if dim == "partner":
            frame = frame[self.reference.rankable_partner(frame["key"], self.settings.never_ranked)]
        frame = frame.sort_values(["value", "key"], ascending=[False, True], kind="mergesort")
        top = frame.head(n).reset_index(drop=True)
        top.insert(0, "rank", range(1, len(top) + 1))
        return top

    def month_on_month(self, key: str, period: str) -> float | None:
        """环比 of table 1's row ``key`` (export, import, total, net) for the month: on the month
        before (January on the December before), in the row's own convention (the net row's as
        its 同比变化); None where the month before is not in the data.

        Only the month has one: January to a month always exceeds January to the month before."""
        before = previous_month(period)
        try:
            values = [self.total(flow, m, "month", with_prior=False).value
                      for m in (period, before) for flow in ("export", "import")]
        except MissingMonthsError:
            return None
        (exp, imp, exp0, imp0) = values
        if key in ("export", "import"):
            return growth(exp, exp0) if key == "export" else growth(imp, imp0)
        if key == "total":
            return growth(exp + imp, exp0 + imp0)
        if self.settings.net_yoy == "abs_diff":
            return ((exp - imp) - (exp0 - imp0)) / self.settings.unit
        return growth(imp - exp, imp0 - exp0)

    def net(self, period: str, span: str) -> tuple[float, float | None]:
        """Net exports (USD) and its 同比变化 under the configured convention."""
        exports, imports = self.total("export", period, span), self.total("import", period, span)
        value = exports.value - imports.value
        prior = exports.prior - imports.prior
        if self.settings.net_yoy == "abs_diff":
            return value, (value - prior) / self.settings.unit
        return value, growth(-value, -prior)
