"""The validated model: raw rows resolved into one set of sums per dimension.

A file may hold a fully crossed cube (product × partner × province), separate extracts
(by product only, by partner only, by province only), total rows, or several of these at
once. For every flow and month, each dimension is read from the *coarsest* rows that break
it down, so that nothing is counted twice and extracts win over a cube: rows carry a grain
(which dimensions are filled in), and the grain chosen for a dimension is the first present
in ``_PREFERENCE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from xladdin.engine.periods import RANGE_SEPARATOR
from xladdin.engine.raw import RawData
from xladdin.errors import Findings, MissingMonthsError, XladdinError

DIMENSIONS = ("product", "partner", "province")
_BIT = {"product": 1, "partner": 2, "province": 4}
#: Grains from coarsest to finest; for the flow total any grain will do, and the total row
#: (grain 0) wins, then the product extract (the definition of HS 8542 itself).
_PREFERENCE = (0, 1, 2, 4, 3, 5, 6, 7)


@dataclass
class Model:
    """Monthly sums by flow and dimension, built once from the raw rows.

    ``sums[dim]`` is a Series indexed by (flow, period, key) holding whole US cents (int64,
    summed exactly, so equal values are equal and a tie ranks by code); for 'total' the key is
    always 'total'. ``values`` and ``total`` give US dollars.
    """

    raw: RawData
    sums: dict[str, pd.Series] = field(init=False)
    findings: Findings = field(init=False)

    def __post_init__(self) -> None:
        self.findings = Findings()
        self.findings.extend(self.raw.findings)
        self.sums = self._build(coarsest_hs(self.raw.frame, self.findings))

    def _build(self, frame: pd.DataFrame) -> dict[str, pd.Series]:
        grain = np.zeros(len(frame), dtype=np.int64)
        for dim, bit in _BIT.items():
            grain |= frame[dim].notna().to_numpy() * bit
        cents = to_cents(frame)
        flow_code, flows = pd.factorize(frame["flow"])
        period_code, periods = pd.factorize(frame["period"])
        group, cells = pd.factorize(flow_code.astype(np.int64) * len(periods) + period_code)
        groups = pd.MultiIndex.from_arrays([np.asarray(flows)[cells // len(periods)],
                                            np.asarray(periods)[cells % len(periods)]])
        # grains present per (flow, period): a small boolean table groups × 8
        present = np.zeros((len(groups), 8), dtype=bool)
        present[group, grain] = True
        keys, key_labels = {}, {}
        for dim in DIMENSIONS:
            keys[dim], key_labels[dim] = pd.factorize(frame[dim])
        sums: dict[str, pd.Series] = {}
        used = np.zeros(len(frame), dtype=bool)
        for dim in ("total", *DIMENSIONS):
            order = [g for g in _PREFERENCE if dim == "total" or g & _BIT[dim]]
            chosen = np.full(len(groups), -1, dtype=np.int64)
            for g in reversed(order):  # the coarsest present grain wins
                chosen[present[:, g]] = g
            mask = grain == chosen[group]
            used |= mask
            key = np.zeros(int(mask.sum()), dtype=np.int64) if dim == "total" else keys[dim][mask]
            labels = ["total"] if dim == "total" else key_labels[dim]
            sums[dim] = _sum_by(group[mask], key, cents[mask], groups, labels)
        unused = int((~used).sum())
        if unused:
            self.findings.add("info", f"{unused} rows are finer than extracts present for the "
                              "same months and were not needed", "", "")
        return sums

    @cached_property
    def periods(self) -> dict[tuple[str, str], frozenset[str]]:
        """Months present for each (flow, dimension)."""
        out: dict[tuple[str, str], frozenset[str]] = {}
        for dim, series in self.sums.items():
            index = series.index.to_frame(index=False)[["flow", "period"]].drop_duplicates()
            for flow, group in index.groupby("flow"):
                out[(str(flow), dim)] = frozenset(group["period"])
        return out

    def latest_period(self) -> str | None:
        months = [p[-7:] for (flow, dim), ps in self.periods.items() if dim == "total" for p in ps]
        return max(months) if months else None

    def require(self, flow: str, dim: str, months: tuple[str, ...], purpose: str) -> None:
        """Refuse a sum over months the data lacks (never a silently smaller total)."""
        have = self.periods.get((flow, dim), frozenset())
        missing = [m for m in months if m not in have]
        if missing:
            what = "total" if dim == "total" else f"by {dim}"
            shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
            held = sorted(m for m in have if RANGE_SEPARATOR not in m)
            holds = f"the data hold {held[0]} to {held[-1]}" if held else "the data hold none"
            raise MissingMonthsError(
                f"no {flow} data {what} for {shown} (needed for {purpose}; {holds}); choose a "
                f"report month the data cover, or add the customs rows for "
                f"{'that month' if len(missing) == 1 else 'those months'}")

    def values(self, flow: str, dim: str, months: tuple[str, ...], purpose: str = "") -> pd.Series:
        """Sum over months by key (USD), after checking every month is present.

        Where months are missing but rows summed over exactly that range exist (a customs
        download without 数据年月), those rows are the answer.
        """
        months = self._months(flow, dim, months, purpose)
        codes, labels, amounts, where = self._lookup[dim]
        found = [where[(flow, m)] for m in months if (flow, m) in where]
        if not found:
            return pd.Series(dtype="float64")
        rows = np.concatenate(found)
        sums = exact_sums(codes[rows], amounts[rows], len(labels))
        held = np.bincount(codes[rows], minlength=len(labels)) > 0
        return pd.Series(sums[held] / 100.0, index=pd.Index(labels[held], dtype="str", name="key"),
                         name="value")

    @cached_property
    def _lookup(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, dict]]:
        """Per dimension: key codes (in key order), key labels, amounts, and the rows of each
        (flow, month); a report sums hundreds of month ranges, each then a few array operations."""
        out = {}
        for dim, series in self.sums.items():
            codes, labels = pd.factorize(series.index.get_level_values("key"), sort=True)
            where = series.groupby(level=["flow", "period"], sort=False).indices
            out[dim] = (codes, np.asarray(labels, dtype=object), series.to_numpy(), where)
        return out

    def _months(self, flow: str, dim: str, months: tuple[str, ...], purpose: str) -> tuple[str, ...]:
        """The months to sum, checked present; where months are missing but rows summed over
        exactly that range exist, that range."""
        have = self.periods.get((flow, dim), frozenset())
        span = f"{months[0]}{RANGE_SEPARATOR}{months[-1]}"
        if len(months) > 1 and span in have and not all(m in have for m in months):
            months = (span,)
        self.require(flow, dim, months, purpose or f"{flow} {dim} {months[0]}..{months[-1]}")
        return months

    @cached_property
    def _totals(self) -> dict[tuple[str, str], int]:
        """The flow total of each (flow, month) in cents: a report asks for hundreds of them,
        and a dictionary answers each without a pandas lookup."""
        out: dict[tuple[str, str], int] = {}
        for (flow, period, _), value in self.sums["total"].items():
            out[(flow, period)] = out.get((flow, period), 0) + int(value)
        return out

    def total(self, flow: str, months: tuple[str, ...], purpose: str = "") -> float:
        months = self._months(flow, "total", months, purpose)
        return sum(self._totals.get((flow, m), 0) for m in months) / 100.0


def coarsest_hs(frame: pd.DataFrame, findings: Findings) -> pd.DataFrame:
    """One HS grain per product: where an HS6 row and its own HS8 breakdown are both given
    for the same month, flow, partner and province, the HS6 row is used (adding both would
    count the product twice); where they disagree, that is an error for the audit (which
    stops build and tables), not a guess."""
    if "hs_code" not in frame:
        return frame
    length = frame["hs_code"].str.len().astype("float64").fillna(0).to_numpy()  # pandas 2: object NaN
    fine, coarse = length == 8, length == 6
    products = frame["product"]  # hashed, not sorted: a million codes cost milliseconds
    both = sorted(set(products[fine].dropna().unique()) &
                  set(products[coarse].dropna().unique())) \
        if fine.any() and coarse.any() else []
    if not both:
        return frame
    sub = frame[frame["product"].isin(both).to_numpy() & (fine | coarse)]
    group = sub.groupby(["flow", "period", "product", "partner", "province"], dropna=False,
                        sort=False).ngroup().to_numpy()
    is_fine = sub["hs_code"].str.len().to_numpy() == 8
    values = sub["value"].to_numpy()
    n = group.max() + 1
    fine_sum = np.bincount(group, weights=values * is_fine, minlength=n)
    coarse_sum = np.bincount(group, weights=values * ~is_fine, minlength=n)
    fine_n = np.bincount(group, weights=is_fine, minlength=n)
    coarse_n = np.bincount(group, weights=~is_fine, minlength=n)
    overlap = (fine_n > 0) & (coarse_n > 0)
    if not overlap.any():
        return frame
    slack = np.maximum(fine_n + coarse_n, 1e-6 * np.maximum(fine_sum, coarse_sum))
    disagree = overlap & (np.abs(fine_sum - coarse_sum) > slack)
    for g in np.flatnonzero(disagree)[:5]:
        rows = sub[group == g]
        first = rows.iloc[0]
        dims = ", ".join(f"{d} {first[d]}" for d in ("partner", "province") if isinstance(first[d], str))
        findings.add(
            "error", f"product {first['product']}{f' ({dims})' if dims else ''}: its HS6 rows say "
            f"{coarse_sum[g]:,.0f} USD but its HS8 rows add up to {fine_sum[g]:,.0f} (HS6 "
            f"{_rows_at(rows[~is_fine[group == g]])}; HS8 {_rows_at(rows[is_fine[group == g]])})",
            f"{first['flow']} {first['period']}",
            "give each product at one level: delete its HS6 rows or its HS8 rows")
    drop = sub.index[overlap[group] & is_fine]
    findings.add("info", f"{len(drop)} HS8 rows break down HS6 rows given for the same month and "
                 "were not added to them", "", "")
    return frame.drop(index=drop)


def _rows_at(rows: pd.DataFrame) -> str:
    """'raw.csv rows 3, 4' for the first rows of a selection."""
    first = rows.iloc[0]
    listed = ", ".join(str(r) for r in rows["row"].head(3))
    return f"{first['source']} row{'s' if len(rows) > 1 else ''} {listed}{' …' if len(rows) > 3 else ''}"


#: The largest sum of absolute values (cents) the model adds up: int64 holds 9.2e18 cents,
#: and this bound leaves room, so no sum of any selection of rows can overflow.
CENTS_LIMIT = 2**62


def to_cents(frame: pd.DataFrame) -> np.ndarray:
    """The rows' values as whole US cents (int64). Raw cells are at most 1e13 USD each (see
    raw.MAX_VALUE), so value * 100 is exact in a float; a total beyond ``CENTS_LIMIT`` is
    refused naming the largest row, never summed into a wrong number or infinity."""
    values = frame["value"].to_numpy(dtype="float64")
    if len(values) and float(np.abs(values).sum()) * 100.0 >= CENTS_LIMIT:
        big = int(np.argmax(np.abs(values)))
        raise XladdinError(
            f"{frame['source'].iloc[big]} row {frame['row'].iloc[big]}: the values add up to more "
            f"than {CENTS_LIMIT / 100:,.0f} USD (largest: {values[big]:,.0f}), beyond any trade "
            "total; check the 美元 column for values typed with extra digits")
    return np.rint(values * 100.0).astype(np.int64)


def exact_sums(index: np.ndarray, cents: np.ndarray, length: int) -> np.ndarray:
    """Sums of int64 cents by index, exactly (np.bincount would add them as floats)."""
    out = np.zeros(length, dtype=np.int64)
    np.add.at(out, index, cents)
    return out


def _sum_by(group: np.ndarray, key: np.ndarray, values: np.ndarray, groups: pd.MultiIndex,
            labels) -> pd.Series:
    """Sum cents by (flow, period) group and key code, as a Series on (flow, period, key)."""
    width = max(len(labels), 1)
    flat, cells = pd.factorize(group.astype(np.int64) * width + key)
    totals = exact_sums(flat, values, len(cells))
    order = np.argsort(cells, kind="stable")
    cells, totals = cells[order], totals[order]
    g, k = cells // width, cells % width
    index = pd.MultiIndex.from_arrays(
        [groups.get_level_values(0)[g], groups.get_level_values(1)[g],
         pd.Index(np.asarray(labels, dtype=object)[k], dtype="str")], names=["flow", "period", "key"])
    return pd.Series(totals, index=index, name="value").sort_index()
