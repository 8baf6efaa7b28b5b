"""Reference lists: customs partner, province and product codes, and region membership.

They are facts copied from the customs code lists into ``xladdin/data``. Membership of a
region (ASEAN, EU) is a table with dates, because it changes: Timor-Leste (144) joined
ASEAN in October 2025, the United Kingdom left the EU in January 2020.

Names are matched through one path (``partner_by_name``, ``province_by_name``): the customs
name, the English name of the list, and the other names in ``aliases.csv`` (香港 for 中国香港,
Macau, Chinese Taipei …), each with the source it comes from in its ``basis`` column.
Registration codes finer than a province roll up to it (``province_of_codes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import pandas as pd

from xladdin.engine.scope import Scope, load_scope
from xladdin.engine.settings import NEVER_RANKED
from xladdin.engine.vocabulary import REGION_NAMES  # noqa: F401 (re-exported)

#: Residual groups per continent: 199 亚洲其他国家（地区） … 699 大洋洲其他国家（地区）.
RESIDUAL_GROUP = r"[1-6]99"


_FULLWIDTH = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": ""})


def normalize_name(names: pd.Series) -> pd.Series:
    """Names as compared: parentheses full-width, spaces removed (customs writes ASCII)."""
    return names.astype("str").str.strip().str.translate(_FULLWIDTH)


def name_key(names: pd.Series) -> pd.Series:
    """Names as looked up: ``normalize_name``, lower case, without dots, commas, apostrophes
    and dashes ('Hong Kong, China', 'hong kong china' and 'HongKong China' agree)."""
    return normalize_name(names).str.lower().str.replace(r"[.,'’\-]", "", regex=True)


def name_key_one(name: str) -> str:
    """``name_key`` for a single name (what a person types in a cell)."""
    return name_key(pd.Series([name], dtype="object")).iloc[0]


#: Registration (注册地) codes finer than a province: GB/T 2260 prefecture (4 digits, 4401
#: 广州) and county (6 digits) codes, and customs' 5-digit domestic-region codes (44031) all
#: begin with the 2-digit province code of provinces.csv, so they roll up to it.
CITY_CODE = r"\d{4,6}"


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
    #: the product scope the product list comes from
    scope: Scope | None = None

    @cached_property
    def partner_names(self) -> dict[str, str]:
        return dict(zip(self.partners["code"], normalize_name(self.partners["name"])))

    @cached_property
    def partner_codes(self) -> dict[str, str]:
        return {name: code for code, name in self.partner_names.items()}

    @cached_property
    def _aliases(self) -> pd.DataFrame:
        return _read("aliases.csv")

    def _by_name(self, dim: str, table: pd.DataFrame, columns: tuple[str, ...]) -> dict[str, str]:
        out: dict[str, str] = {}
        for column in columns:
            out.update(zip(name_key(table[column]), table["code"]))
        aliases = self._aliases[self._aliases["dim"] == dim]
        out.update(zip(name_key(aliases["alias"]), aliases["code"]))
        return out

    @cached_property
    def partner_by_name(self) -> dict[str, str]:
        """Partner code by any name it is written under (see ``name_key``)."""
        return self._by_name("partner", self.partners, ("name_en", "name"))

    @cached_property
    def province_by_name(self) -> dict[str, str]:
        """Province code by any name it is written under (see ``name_key``)."""
        return self._by_name("province", self.provinces, ("name_en", "customs_name", "short_name"))

    def province_of_codes(self, codes: pd.Series) -> pd.Series:
        """Province codes from registration codes: '44' and '4' ('04'), and city-level codes
        ('4401', '44031', '440106') rolled up to their province; <NA> where none fits."""
        codes = codes.astype("str").str.strip()
        short = codes.str.fullmatch(r"\d{1,2}")
        province = codes.str.zfill(2).where(short, codes.str[:2].where(codes.str.fullmatch(CITY_CODE)))
        return province.where(province.isin(self.province_short.keys()))

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
        if self.scope is not None:
            names.update({alias: g.id for g in self.scope.groups for alias in g.aliases})
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
def _lists() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The partner, province and region lists, read from the package once per process."""
    return _read("partners.csv"), _read("provinces.csv"), _read("regions.csv")


#: Every Reference made so far, by scope (id, file, content digest): the one piece of state
#: this module keeps. The lists are package data that cannot change while the process runs,
#: and every table read and cell function asks for them, so each scope's lists are built and
#: indexed (the name look-ups) once. A Reference is shared by all who load it: nothing may
#: modify its tables. A changed scope file has a new digest, so it gets a Reference of its own.
_MADE: dict[tuple[str, str, str], Reference] = {}


def load_reference(scope: Scope | str | None = None) -> Reference:
    """The bundled reference lists with one scope's product groups (made once per scope,
    shared: see ``_MADE``)."""
    scope = load_scope(scope)
    key = (scope.id, scope.source, scope.digest)
    if key not in _MADE:
        partners, provinces, regions = _lists()
        _MADE[key] = Reference(partners=partners, provinces=provinces, products=scope.products,
                               regions=regions, scope=scope)
    return _MADE[key]
