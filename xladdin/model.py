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

import pandas as pd

from .errors import Findings, MissingMonthsError
from .raw import RawData

DIMENSIONS = ("product", "partner", "province")
_BIT = {"product": 1, "partner": 2, "province": 4}
#: Grains from coarsest to finest; for the flow total any grain will do, and the total row
#: (grain 0) wins, then the product extract (the definition of HS 8542 itself).
_PREFERENCE = (0, 1, 2, 4, 3, 5, 6, 7)
FLOW_NAMES = {"export": "出口", "import": "进口"}
DIM_NAMES = {"total": "合计", "product": "产品", "partner": "贸易伙伴", "province": "注册地"}


@dataclass
class Model:
    """Monthly sums by flow and dimension, built once from the raw rows.

    ``sums[dim]`` is a Series indexed by (flow, period, key) holding USD; for 'total' the
    key is always 'total'.
    """

    raw: RawData
    sums: dict[str, pd.Series] = field(init=False)
    findings: Findings = field(init=False)

    def __post_init__(self) -> None:
        self.findings = Findings()
        self.findings.extend(self.raw.findings)
        self.sums = self._build(self.raw.frame)

    def _build(self, frame: pd.DataFrame) -> dict[str, pd.Series]:
        grain = sum((frame[d].notna().astype("int64") * bit for d, bit in _BIT.items()),
                    start=pd.Series(0, index=frame.index, dtype="int64"))
        frame = frame.assign(grain=grain)
        present = frame.groupby(["flow", "period", "grain"]).size().reset_index()[
            ["flow", "period", "grain"]]
        rank = {g: i for i, g in enumerate(_PREFERENCE)}
        present["rank"] = present["grain"].map(rank)
        sums: dict[str, pd.Series] = {}
        used = pd.Series(False, index=frame.index)
        for dim in ("total", *DIMENSIONS):
            eligible = present if dim == "total" else present[(present["grain"] & _BIT[dim]) > 0]
            best = eligible.sort_values("rank").drop_duplicates(["flow", "period"])
            chosen = frame.reset_index().merge(best[["flow", "period", "grain"]],
                                               on=["flow", "period", "grain"])
            used[chosen["index"]] = True
            key = pd.Series("total", index=chosen.index) if dim == "total" else chosen[dim]
            sums[dim] = chosen.assign(key=key).groupby(["flow", "period", "key"])["value"].sum()
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
        months = [p for (flow, dim), ps in self.periods.items() if dim == "total" for p in ps]
        return max(months) if months else None

    def require(self, flow: str, dim: str, months: tuple[str, ...], purpose: str) -> None:
        """Refuse a sum over months the data lacks (never a silently smaller total)."""
        have = self.periods.get((flow, dim), frozenset())
        missing = [m for m in months if m not in have]
        if missing:
            what = "total" if dim == "total" else f"by {dim}"
            shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
            raise MissingMonthsError(
                f"no {flow} data {what} for {shown} (needed for {purpose}); "
                f"add the customs rows for {'that month' if len(missing) == 1 else 'those months'}")

    def values(self, flow: str, dim: str, months: tuple[str, ...], purpose: str = "") -> pd.Series:
        """Sum over months by key (USD), after checking every month is present."""
        self.require(flow, dim, months, purpose or f"{flow} {dim} {months[0]}..{months[-1]}")
        series = self.sums[dim]
        try:
            part = series.loc[(flow, list(months))]
        except KeyError:
            return pd.Series(dtype="float64")
        return part.groupby(level="key").sum()

    def total(self, flow: str, months: tuple[str, ...], purpose: str = "") -> float:
        return float(self.values(flow, "total", months, purpose).sum())

    def label(self, dim: str, key: str, reference) -> str:
        if dim == "partner" and key in self.raw.partner_labels:
            return self.raw.partner_labels[key]
        return reference.label(dim, key)
