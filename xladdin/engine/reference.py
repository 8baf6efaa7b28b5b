"""Reference lists: customs partner, province and product codes, and region membership.

They are facts copied from the customs code lists into ``xladdin/data``. Membership of a
region (ASEAN, EU) is a table with dates, because it changes: Timor-Leste (144) joined
ASEAN in October 2025, the United Kingdom left the EU in January 2020.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import pandas as pd

from xladdin.engine.settings import NEVER_RANKED
from xladdin.engine.vocabulary import REGION_NAMES  # noqa: F401 (re-exported)

#: Residual groups per continent: 199 亚洲其他国家（地区） … 699 大洋洲其他国家（地区）.
RESIDUAL_GROUP = r"[1-6]99"


_FULLWIDTH = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": ""})


def normalize_name(names: pd.Series) -> pd.Series:
    """Names as compared: parentheses full-width, spaces removed (customs writes ASCII)."""
    return names.astype("str").str.strip().str.translate(_FULLWIDTH)


def normalize_one(name: str) -> str:
    """``normalize_name`` for a single name (what a person types in a cell)."""
    return name.strip().translate(_FULLWIDTH)


def _read(name: str) -> pd.DataFrame:
    with resources.files("xladdin.data").joinpath(name).open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Reference:
    """The code lists the engine needs, with look-ups from names to codes."""

    partners: pd.DataFrame
    provinces: pd.DataFrame
    products: pd.DataFrame
    regions: pd.DataFrame

    @cached_property
    def partner_names(self) -> dict[str, str]:
        return dict(zip(self.partners["code"], normalize_name(self.partners["name"])))

    @cached_property
    def partner_codes(self) -> dict[str, str]:
        return {name: code for code, name in self.partner_names.items()}

    @cached_property
    def province_short(self) -> dict[str, str]:
        return dict(zip(self.provinces["code"], self.provinces["short_name"]))

    @cached_property
    def province_codes(self) -> dict[str, str]:
        by_full = dict(zip(self.provinces["customs_name"], self.provinces["code"]))
        by_short = dict(zip(self.provinces["short_name"], self.provinces["code"]))
        return {**by_full, **by_short}

    @cached_property
    def product_names(self) -> dict[str, str]:
        return dict(zip(self.products["hs6"], self.products["name"]))

    @cached_property
    def product_codes(self) -> dict[str, str]:
        names = dict(zip(self.products["name"], self.products["hs6"]))
        names.update(zip(self.products["name_en"].str.lower(), self.products["hs6"]))
        names.update({"其他集成电路": "854239"})  # 其他 and 其它 are both written
        return names

    def name(self, dim: str, key: str, column: str) -> str | None:
        """The name of a code in one column of its list (name, short_name, name_en …)."""
        if (dim, column) not in self._names:
            table, code = {"partner": (self.partners, "code"), "province": (self.provinces, "code"),
                           "product": (self.products, "hs6")}.get(dim, (None, None))
            if table is None or column not in table.columns:
                return None
            names = normalize_name(table[column]) if column == "name" else table[column]
            self._names[(dim, column)] = dict(zip(table[code], names))
        return self._names[(dim, column)].get(key)

    @cached_property
    def _names(self) -> dict[tuple[str, str], dict[str, str]]:
        return {}

    def members(self, region: str, period: str) -> frozenset[str]:
        """Partner codes in a region as of a month ('YYYY-MM')."""
        table = self.regions[self.regions["region"] == region]
        since_ok = (table["since"] == "") | (table["since"] <= period)
        until_ok = (table["until"] == "") | (table["until"] >= period)
        return frozenset(table.loc[since_ok & until_ok, "code"])

    def rankable_partner(self, codes: pd.Series, never: tuple[str, ...] = NEVER_RANKED) -> pd.Series:
        """True for partner codes that may appear in a top-N list."""
        return ~codes.isin(never) & ~codes.str.fullmatch(RESIDUAL_GROUP)

    def label(self, dim: str, key: str) -> str:
        """The name a report prints for a code."""
        if dim == "product":
            return self.product_names.get(key, key)
        if dim == "partner":
            return self.partner_names.get(key, key)
        if dim == "province":
            return self.province_short.get(key, key)
        if dim == "region":
            return REGION_NAMES.get(key, key)
        return key


@lru_cache(maxsize=1)
def load_reference() -> Reference:
    """The bundled reference lists (read once per process)."""
    return Reference(
        partners=_read("partners.csv"),
        provinces=_read("provinces.csv"),
        products=_read("products.csv"),
        regions=_read("regions.csv"),
    )
