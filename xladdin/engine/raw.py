"""Reading raw data into the validated model: one long frame of monthly values.

Input is the canonical layout (one row per month, flow, product, partner, province) from a
CSV file or from the ``原始数据`` sheet of a workbook, with English or Chinese headers. Customs
downloads (GB18030, quoted "1,234,567" numbers, ``?`` for missing, no flow column) are read
by the same code. Everything is vectorised; codes and periods stay text throughout.

The model (``RAW_COLUMNS``): period 'YYYY-MM', flow 'export'/'import', product (HS6 or <NA>
when not broken down), partner (3-digit code or <NA>), province (2-digit code or <NA>),
value (USD, float), and where each row came from (source, row) for messages.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from xladdin.engine.periods import parse_period_or_range, parse_periods
from xladdin.engine.reference import CITY_CODE, Reference, load_reference, name_key, normalize_name
from xladdin.engine.scope import BY_ROWS, Scope, load_scope, other_scope_of, scope_of_rows
from xladdin.engine.vocabulary import FLOW_OF_WORD
from xladdin.errors import Findings, XladdinError

RAW_SHEET = "原始数据"
RAW_COLUMNS = ("period", "flow", "product", "partner", "province", "value", "source", "row", "hs_code")

#: Canonical column -> accepted headers (compared lower-case, spaces removed).
HEADERS: dict[str, tuple[str, ...]] = {
    "period": ("period", "数据年月", "dateofdata", "年月", "month"),
    "flow": ("flow", "进出口", "tradeflow", "进出口类型"),
    "hs_code": ("hs_code", "hscode", "商品编码", "commoditycode", "hs"),
    "hs_name": ("商品名称", "commodity", "hs_name"),
    "partner_code": ("partner_code", "贸易伙伴编码", "tradingpartnercode", "partnercode"),
    "partner_name": ("partner_name", "贸易伙伴名称", "tradingpartner", "partner"),
    "province_code": (
        "province_code", "注册地编码", "locationsofimportersandexporterscode", "provincecode",
    ),
    "province_name": (
        "province_name", "注册地名称", "locationsofimportersandexporters", "province",
    ),
    "value_usd": ("value_usd", "美元", "usdollar", "usd", "value"),
    "value_rmb": ("人民币", "rmb", "value_rmb"),
}
#: The canonical headers written by xladdin (template, import): English key -> Chinese.
CANONICAL_HEADERS = {
    "period": "数据年月", "flow": "进出口", "hs_code": "商品编码", "partner_code": "贸易伙伴编码",
    "partner_name": "贸易伙伴名称", "province_code": "注册地编码", "province_name": "注册地名称",
    "value_usd": "美元",
}
_ALIASES = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
#: A flow as a whole word (letters on neither side; 出口 not inside 进出口) and total trade,
#: which the report cannot split: one matcher for file names and for flow column values.
_FLOW_WORDS = {"export": r"(?<!进)出口|(?<![a-z])exports?(?![a-z])",
               "import": r"进口|(?<![a-z])imports?(?![a-z])"}
_TOTAL_TRADE = r"进出口|(?<![a-z])total[\s_-]*trade(?![a-z])|(?<![a-z])trade[\s_-]*total(?![a-z])"
_MISSING = {"", "?", "？", "nan", "none", "<na>", "-"}
#: Columns holding codes: read through one path (``code_text``), so 133.0 and 133 agree.
CODE_KEYS = {"period", "hs_code", "partner_code", "province_code"}


@dataclass
class RawData:
    """Validated raw rows plus what was noticed while reading them."""

    frame: pd.DataFrame
    findings: Findings = field(default_factory=Findings)
    partner_labels: dict[str, str] = field(default_factory=dict)
    #: data rows read per source (before any row was left out), for the truncation check
    files: dict[str, int] = field(default_factory=dict)
    #: rows the tables cannot use (other chapters, unknown codes or names), as written, so a
    #: workbook keeps every row it was given (``left_out_rows``)
    left_out: pd.DataFrame | None = None
    #: the product scope the rows were read under (its headings and product groups)
    scope: Scope = field(default_factory=load_scope)

    @staticmethod
    def concat(parts: list[RawData], scope: Scope | None = None) -> RawData:
        frames = [p.frame for p in parts if len(p.frame)]
        frame = pd.concat(frames, ignore_index=True) if frames else empty_frame()
        findings = Findings()
        labels: dict[str, str] = {}
        files: dict[str, int] = {}
        for part in parts:
            findings.extend(part.findings)
            labels.update(part.partner_labels)
            files.update(part.files)
        left = [p.left_out for p in parts if p.left_out is not None and len(p.left_out)]
        return RawData(frame, findings, labels, files, pd.concat(left, ignore_index=True) if left else None,
                       scope or (parts[0].scope if parts else load_scope()))


def empty_frame() -> pd.DataFrame:
    columns = {c: pd.Series(dtype="str") for c in RAW_COLUMNS}
    columns["value"] = pd.Series(dtype="float64")
    columns["row"] = pd.Series(dtype="int64")
    return pd.DataFrame(columns)


def header_key(name: object) -> str | None:
    text = re.sub(r"[\s_（）()]", "", str(name)).lower()
    text = text.replace("supplimentary", "supplementary")
    for alias, key in _ALIASES.items():
        if re.sub(r"[\s_（）()]", "", alias) == text:
            return key
    return None


@dataclass
class FactorColumn:
    """One column of a raw table as its distinct values and each row's position among them
    (pandas' ``factorize``), so text work runs once per distinct value, not once per row.

    Raw tables repeat a few hundred codes, names and months over up to millions of rows.
    ``distinct`` has one row per distinct value: its cell text in ``text``, or the fields a
    function of it gave (``map_distinct``); ``positions`` holds each row's place in
    ``distinct``, ``index`` the rows' index in the table; ``per_row`` spreads values given per
    distinct value back over the rows.
    """

    positions: np.ndarray
    distinct: pd.DataFrame
    index: pd.Index

    @classmethod
    def of(cls, column: pd.Series) -> FactorColumn:
        positions, uniques = pd.factorize(column, use_na_sentinel=False)
        return cls(positions, pd.DataFrame({"text": _cell_text(pd.Series(uniques, dtype=object))}),
                   column.index)

    @classmethod
    def pair(cls, a: FactorColumn, b: FactorColumn) -> FactorColumn:
        """Distinct combinations of two columns (partner code and name, say), as texts 'a' and 'b'."""
        key = a.positions.astype(np.int64) * (len(b.distinct) + 1) + b.positions
        positions, uniques = pd.factorize(key)
        distinct = pd.DataFrame({
            "a": a.distinct["text"].to_numpy()[uniques // (len(b.distinct) + 1)],
            "b": b.distinct["text"].to_numpy()[uniques % (len(b.distinct) + 1)]}, dtype="str")
        return cls(positions, distinct, a.index)

    @property
    def text(self) -> pd.Series:
        """Each row's cell text."""
        return self.per_row(self.distinct["text"])

    def map_distinct(self, func) -> FactorColumn:
        """The same rows over what ``func`` makes of the distinct values (of their text, or of
        the 'a'/'b' pairs): a series of text, or a frame of named fields."""
        result = func(self.distinct["text"] if "text" in self.distinct else self.distinct)
        frame = result if isinstance(result, pd.DataFrame) else pd.DataFrame({"text": result})
        return FactorColumn(self.positions, frame.reset_index(drop=True), self.index)

    def per_row(self, values: pd.Series) -> pd.Series:
        """Values given one per distinct value, spread over the rows (indexed as the table)."""
        out = values.take(self.positions)
        out.index = self.index
        return out

    def field(self, name: str) -> pd.Series:
        """One field of the distinct values (``map_distinct``), per row."""
        return self.per_row(self.distinct[name])

    def flag(self, name: str) -> pd.Series:
        """A true/false field of the distinct values, per row, as booleans."""
        return self.field(name).astype(bool)

    def subset(self, mask: pd.Series) -> FactorColumn:
        """Only the rows where ``mask`` is true."""
        keep = mask.to_numpy()
        return FactorColumn(self.positions[keep], self.distinct, self.index[keep])


def _cell_text(values: pd.Series) -> pd.Series:
    """Cell values as stripped text; whole numbers lose their '.0' (Excel reads 110 as 110.0)."""
    kinds = values.map(type)
    numeric = kinds.isin((int, float, np.int64, np.float64))
    numbers = pd.to_numeric(values.where(numeric), errors="coerce")
    text = values.astype("str").str.strip()
    whole = numbers.notna() & (numbers == np.floor(numbers))
    text[whole] = numbers[whole].astype("int64").astype("str")
    text[values.isna() | (numeric & numbers.isna())] = ""
    return text.astype("str")


def _blank(text: pd.Series) -> pd.Series:
    return text.str.lower().isin(_MISSING)


def code_text(text: pd.Series) -> pd.Series:
    """Codes as their digits: '133.0' (a code column saved as numbers) is '133', for every
    code column alike (HS, partner, province, period); other text is left as it is."""
    return text.str.replace(r"^(\d+)\.0*$", r"\1", regex=True)


#: What Excel shows in a cell whose formula failed: never a blank or a value.
EXCEL_ERROR = (r"#(?:N/A|VALUE!|REF!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA|FIELD!"
               r"|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!)")
_EXCEL_FIX = "correct the formula or its source, or paste the cells as values"
#: Fields whose cells are checked for Excel error text (the value column is checked as it is read).
_CHECKED_FOR_ERRORS = ("period", "flow", "hs_code", "partner_code", "partner_name", "province_code",
                       "province_name")
_FIELD_WORDS = {
    "period": "the month (数据年月)", "flow": "the flow (进出口)", "hs_code": "the HS code (商品编码)",
    "hs_name": "the product name (商品名称)", "partner_code": "the partner code (贸易伙伴编码)",
    "partner_name": "the partner name (贸易伙伴名称)", "province_code": "the province code (注册地编码)",
    "province_name": "the province name (注册地名称)", "value_usd": "the US dollar value (美元)",
    "value_rmb": "the RMB value (人民币)",
}


def _unmangled(name: object) -> str:
    """A header as written: pandas names a repeated header '美元.1'; that is '美元' again."""
    text = str(name)
    found = re.fullmatch(r"(.+)\.(\d+)", text)
    return found.group(1) if found and header_key(found.group(1)) else text


def _field_columns(table: pd.DataFrame, source: str) -> dict[str, object]:
    """Which column holds each field; two columns for one field (美元 twice, or value beside
    美元) are ambiguous and refused rather than one of them used without a word."""
    keys: dict[str, object] = {}
    where: dict[str, int] = {}
    for position, name in enumerate(table.columns):
        key = header_key(_unmangled(name))
        if key is None:
            continue
        if key in keys:
            raise XladdinError(
                f"{source}: columns {where[key] + 1} '{_unmangled(keys[key])}' and {position + 1} "
                f"'{_unmangled(name)}' both hold {_FIELD_WORDS[key]}, so which one counts is "
                "ambiguous; delete or rename one of them")
        keys[key], where[key] = name, position
    return keys


def _refuse_excel_errors(table: _RawTable) -> None:
    """A cell showing #N/A or #VALUE! is a failed formula: said as such, not taken as blank."""
    for key, column in table.fields.items():
        flagged = column.distinct["text"].str.fullmatch(EXCEL_ERROR).fillna(False).astype(bool)
        if key in _CHECKED_FOR_ERRORS and flagged.any():
            bad = column.per_row(flagged).astype(bool)
            raise _row_error(table.source, table.rows[bad], str(_unmangled(table.headers[key])),
                             f"the cell shows the Excel error {column.text[bad].iloc[0]}, not a value",
                             _EXCEL_FIX)


def _row_error(source: str, rows: pd.Series, column: str, what: str, fix: str) -> XladdinError:
    count = len(rows)
    first = rows.iloc[0]
    more = f" (and {count - 1} more rows)" if count > 1 else ""
    return XladdinError(f"{source} row {first}, column {column}: {what}{more}; {fix}")


def _arrow_numbers(column: pd.Series) -> pd.Series | None:
    """Text cells that are all plain numbers, parsed by Arrow (much faster than pandas on
    Arrow-backed text); None if any cell is not, so the careful path handles the file."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # optional: Pyodide (xlwings Lite) from 0.28 on has no pyarrow
        return None

    array = getattr(column.array, "_pa_array", None)
    if array is None or not pa.types.is_large_string(array.type) and not pa.types.is_string(array.type):
        return None
    try:
        numbers = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=column.index, dtype="float64")


#: The largest value a raw cell may hold (USD): more than a year of world trade, and small
#: enough that its cents are exact in a float, so sums in int64 cents are exact (model.py).
MAX_VALUE = 1e13


def _us_dollars(column: pd.Series, source: str, rows: pd.Series, header: str) -> pd.Series:
    """The value cells as US dollars in whole cents; a blank, non-numeric or absurdly large
    value is refused naming its row."""
    if column.dtype.kind in "iuf":
        values = column.astype("float64")
    else:
        # Fast C parse first; only cells it cannot read ("1,234", " 5 ", "?") are cleaned.
        values = _arrow_numbers(column)
        if values is None:
            values = pd.to_numeric(column, errors="coerce").astype("float64")
        retry = values.isna()
        if retry.any():
            text = column[retry].astype("str").str.strip().str.replace(",", "", regex=False)
            values[retry] = pd.to_numeric(text.where(~_blank(text)), errors="coerce")
    bad = values.isna() | ~np.isfinite(values.fillna(0.0))
    huge = ~bad & (values.abs() > MAX_VALUE)
    if huge.any():
        first = float(values[huge].iloc[0])
        shown = f"{first:,.0f}" if abs(first) < 1e15 else f"{first:.4g}"  # never 300 digits
        raise _row_error(source, rows[huge], header, f"{shown} USD is more than "
                         "ten trillion dollars, beyond any trade figure", "check the cell for extra digits")
    if bad.any():
        shown = str(column[bad].iloc[0]).strip()
        if re.fullmatch(EXCEL_ERROR, shown):
            raise _row_error(source, rows[bad], header,
                             f"the cell shows the Excel error {shown}, not a value", _EXCEL_FIX)
        what = "the value is blank" if shown.lower() in ("", "nan", "none", "?") else \
            f"'{shown}' is not a number"
        raise _row_error(source, rows[bad], header, what,
                         "enter the value in US dollars or delete the row")
    return values.astype("float64").round(2)  # whole cents: what the model sums exactly


@dataclass
class _RawTable:
    """One raw table while it is read: where it came from (for messages), the column that
    holds each field, each field's cells (but the value's) as a ``FactorColumn``, the value
    cells as given, and the file row number of each data row."""

    source: str
    headers: dict[str, object]
    fields: dict[str, FactorColumn]
    values: pd.Series
    rows: pd.Series

    def error(self, mask: pd.Series, header: object, what: str, fix: str) -> XladdinError:
        """The sentence for the rows of ``mask``, naming the first of them and the column."""
        return _row_error(self.source, self.rows[mask], str(header), what, fix)

    def subset(self, mask: pd.Series) -> _RawTable:
        return _RawTable(self.source, self.headers, {k: c.subset(mask) for k, c in self.fields.items()},
                         self.values[mask], self.rows[mask])


def validate_table(
    table: pd.DataFrame,
    source: str,
    first_row: int = 2,
    flow: str | None = None,
    period: str | None = None,
    reference: Reference | None = None,
    scope: Scope | str | None = None,
) -> RawData:
    """Validate one table of raw rows (as read, headers in row 0) into the model.

    ``first_row`` is the file row number of the table's first data row, for messages.
    ``flow`` and ``period`` apply when the table has no such column (customs downloads).
    Each step below refuses what it cannot read with one sentence, in this order.
    """
    ref = reference or load_reference(_scope_of_table(table, scope))
    raw = _read_fields(table, source, first_row)
    _refuse_excel_errors(raw)
    raw = _without_blank_rows(_codes_as_digits(raw))
    out = pd.DataFrame(index=raw.rows.index)
    out["period"] = _periods(raw, period)
    out["flow"] = _flows(raw, flow)
    products = _products(raw, ref.scope)
    out["product"], out["hs_code"] = products.field("product"), products.field("code")
    partners = _pairs(raw, "partner_code", "partner_name").map_distinct(lambda u: _partner_of(u, ref))
    out["partner"] = partners.field("partner")
    provinces = _pairs(raw, "province_code", "province_name").map_distinct(lambda u: _province_of(u, ref))
    out["province"] = provinces.field("province")
    out["value"] = _us_dollars(raw.values, source, raw.rows, str(raw.headers["value_usd"]))
    out["source"] = source
    out["row"] = raw.rows
    findings = _row_findings(raw, out, products, partners, provinces, ref.scope)
    usable = ~(products.flag("other") | products.flag("unknown") | partners.flag("unmatched")
               | provinces.flag("unmatched"))
    return RawData(_model_frame(out[usable]), findings, _unknown_partner_labels(partners),
                   {source: len(raw.rows)}, left_out_rows(out[~usable], raw.fields), scope=ref.scope)


def _scope_of_table(table: pd.DataFrame, scope: Scope | str | None) -> Scope | str | None:
    """The scope asked for; ``BY_ROWS``: the bundled scope the table's HS codes are under."""
    if scope != BY_ROWS:
        return scope
    column = next((c for c in table.columns if header_key(_unmangled(c)) == "hs_code"), None)
    return scope_of_rows(table[column] if column is not None else pd.Series([], dtype="str"))


def _read_fields(table: pd.DataFrame, source: str, first_row: int) -> _RawTable:
    """The table's field columns found by their headers (a value column in US dollars
    required) and their cells read as text, once per distinct value."""
    headers = _field_columns(table, source)
    if "value_usd" not in headers:
        if "value_rmb" in headers:
            raise XladdinError(f"{source}: the values are in RMB (人民币); xladdin accepts only "
                               "US dollar downloads: query the platform again with 美元 as currency")
        shown = ", ".join(map(str, table.columns[:12])) or "(none)"
        raise XladdinError(f"{source}: no value column (美元 / value_usd) among the headers "
                           f"{shown}; add it or fix the header")
    rows = pd.Series(np.arange(first_row, first_row + len(table)), index=table.index, dtype="int64")
    fields = {k: FactorColumn.of(table[c]) for k, c in headers.items() if k != "value_usd"}
    return _RawTable(source, headers, fields, table[headers["value_usd"]], rows)


def _codes_as_digits(table: _RawTable) -> _RawTable:
    """Every code column through ``code_text`` (133.0 is 133)."""
    fields = dict(table.fields)
    for key in CODE_KEYS & fields.keys():
        fields[key] = fields[key].map_distinct(code_text)
    return _RawTable(table.source, table.headers, fields, table.values, table.rows)


def _without_blank_rows(table: _RawTable) -> _RawTable:
    """Rows with something in any field (blank lines between downloads are not data); none
    at all is refused."""
    filled = [~c.per_row(_blank(c.distinct["text"])) for c in table.fields.values()]
    values = table.values
    filled.append(values.notna() if values.dtype.kind in "iuf" else
                  ~(values.isna() | _blank(values.astype("str").str.strip())))
    keep = pd.concat(filled, axis=1).any(axis=1)
    if not keep.all():
        table = table.subset(keep)
    if not len(table.rows):
        raise XladdinError(f"{table.source}: there are no data rows under the header; paste or import "
                           "the customs rows first")
    return table


def _periods(table: _RawTable, period: str | None) -> pd.Series | str:
    """Each row's month ('YYYY-MM', or a range), from the column or else from ``period``."""
    if "period" not in table.fields:
        if period:
            return parse_period_or_range(period)
        raise XladdinError(f"{table.source}: no 数据年月 (period) column; give the month with --data-period "
                           "or download with 'split by month' on")
    column = table.fields["period"]
    periods, why = parse_periods(column.distinct["text"])
    bad = column.per_row(why).notna()
    if bad.any():
        shown = column.text[bad].iloc[0]
        what, fix = str(column.per_row(why)[bad].iloc[0]).split("; ", 1)
        if what.startswith(("not a", "ambiguous")):
            what, fix = f"'{shown}' is not a month", "write months as YYYYMM or YYYY-MM, e.g. 202507"
        else:
            what = f"'{shown}': {what}"
        raise table.error(bad, table.headers["period"], what, fix)
    return column.per_row(periods).astype("str")


def _flows(table: _RawTable, flow: str | None) -> pd.Series | str:
    """Each row's flow ('export'/'import'), from the column or else from ``flow``; total
    trade, which the report cannot split, is refused."""
    if "flow" not in table.fields:
        if flow:
            return FLOW_OF_WORD.get(flow.lower(), flow)
        raise XladdinError(f"{table.source}: the file does not say whether it holds exports or imports; "
                           "put 出口 or 进口 in the file name or pass --flow export|import")
    column, header = table.fields["flow"], table.headers["flow"]
    flows = column.per_row(flows_of(column.distinct["text"])["flow"])
    total = flows == "total"
    if total.any():
        raise table.error(total, header,
                          f"'{column.text[total].iloc[0]}' is total trade (exports plus "
                          "imports), which the report cannot split",
                          "download exports and imports separately and write 出口 or 进口")
    unknown = flows.isna()
    if unknown.any():
        raise table.error(unknown, header, f"'{column.text[unknown].iloc[0]}' is not a flow",
                          "write 出口 or 进口 (export / import)")
    return flows.astype("str")


def _products(table: _RawTable, scope: Scope) -> FactorColumn:
    """Each row's product group and HS code under the scope (``_product_of``); a malformed
    code, or a table wholly of another bundled scope's goods, is refused."""
    hs = table.fields.get("hs_code", _blank_column(table)).map_distinct(lambda u: _product_of(u, scope))
    if hs.distinct["bad"].any():
        bad = hs.flag("bad")
        raise table.error(bad, table.headers.get("hs_code"),
                          f"'{table.fields['hs_code'].text[bad].iloc[0]}' is not a 6- or 8-digit HS code",
                          f"use codes such as {scope.groups[0].codes[0][:6]} or "
                          f"{scope.groups[0].id[:4]}xxxx under HS {', '.join(scope.headings)}")
    other = hs.flag("other")
    if other.any() and (elsewhere := other_scope_of(hs.field("code")[other], scope)) \
            and not (~other & hs.field("code").notna()).any():
        raise XladdinError(
            f"{table.source}: the rows are HS {', '.join(elsewhere.headings)} goods of the "
            f"'{elsewhere.id}' scope, not HS {', '.join(scope.headings)} of the "
            f"'{scope.id}' scope this report is made for; choose --scope {elsewhere.id} "
            f"(or {elsewhere.id} in the 设置 sheet's scope cell)")
    return hs


def _blank_column(table: _RawTable) -> FactorColumn:
    """A field the table lacks: every row blank."""
    return FactorColumn.of(pd.Series("", index=table.rows.index, dtype="str"))


def _pairs(table: _RawTable, code: str, name: str) -> FactorColumn:
    """The distinct (code, name) pairs of a partner or province (blank where a column is missing)."""
    blank = _blank_column(table)
    return FactorColumn.pair(table.fields.get(code, blank), table.fields.get(name, blank))


def _row_findings(table: _RawTable, out: pd.DataFrame, products: FactorColumn, partners: FactorColumn,
                  provinces: FactorColumn, scope: Scope) -> Findings:
    """What reading the rows noticed: rows left out (other chapters, products outside the
    groups, partners and provinces that cannot be matched: an error when they carry value),
    city codes rolled up to their province, partner codes missing from the reference list."""
    findings = Findings()
    source, rows, written = table.source, table.rows, table.fields
    other_chapter, unknown_product = products.flag("other"), products.flag("unknown")
    if other_chapter.any():
        findings.add("warning", f"{int(other_chapter.sum())} rows of other HS chapters "
                     f"(first: {written['hs_code'].text[other_chapter].iloc[0]}) were left out",
                     _where(source, rows[other_chapter]),
                     f"only HS {', '.join(scope.headings)} is reported")
    if unknown_product.any():
        findings.add("warning", f"{int(unknown_product.sum())} rows with HS codes not in the report's "
                     f"{len(scope.groups)} product groups cannot be used",
                     _where(source, rows[unknown_product]),
                     "check the code list")
    rolled = provinces.flag("rolled")
    if rolled.any():
        shown = ", ".join(sorted(written["province_code"].text[rolled].unique())[:3])
        findings.add("info", f"{int(rolled.sum())} rows with city-level registration codes ({shown}) "
                     "were counted under their province", _where(source, rows[rolled]), "")
    for mask, dim, what, fix in (
        (partners.flag("unmatched"), "partner", "partner names not in the customs partner list",
         "write the partner code, or the name as customs writes it (e.g. 中国香港)"),
        (provinces.flag("unmatched"), "province", "province codes or names not in the province list",
         "write the 2-digit 注册地 code or the province name"),
    ):
        if mask.any():
            findings.add(*_unmatched_finding(out, mask, dim, what, source, rows), fix)
    unknown_partner = partners.flag("unknown")
    if unknown_partner.any():
        codes = sorted(_unknown_partners(partners)["partner"])
        findings.add("warning", f"partner codes not in the reference list: {', '.join(codes[:5])}",
                     _where(source, rows[unknown_partner]), "their names are taken from the data")
    return findings


def _unknown_partners(partners: FactorColumn) -> pd.DataFrame:
    """The distinct partner codes missing from the reference list, with the names written beside them."""
    distinct = partners.distinct
    return distinct[distinct["unknown"].astype(bool)].drop_duplicates("partner")


def _unknown_partner_labels(partners: FactorColumn) -> dict[str, str]:
    """Names for partner codes the reference list lacks, as the data wrote them."""
    if not partners.flag("unknown").any():
        return {}
    unknown = _unknown_partners(partners)
    return {c: n for c, n in zip(unknown["partner"], unknown["label"]) if n}


def _model_frame(usable: pd.DataFrame) -> pd.DataFrame:
    """The rows the tables use, in the model's columns, codes as text or <NA>."""
    frame = usable.reset_index(drop=True)
    for col in ("product", "partner", "province", "hs_code"):
        frame[col] = frame[col].astype("str").where(frame[col].notna())
    return frame[list(RAW_COLUMNS)]


#: the columns of a left-out row: codes and names as the user wrote them
LEFT_OUT_COLUMNS = ("period", "flow", "hs_code", "partner_code", "partner_name", "province_code",
                    "province_name", "value", "source", "row")


def left_out_rows(out: pd.DataFrame, fields: dict[str, FactorColumn]) -> pd.DataFrame | None:
    """Rows the tables leave out, with their month, flow and value as read and their code and
    name cells as written: the raw sheet is the user's data, whatever the tables can use."""
    if out.empty:
        return None
    written = {key: fields[key].text.loc[out.index] if key in fields else
               pd.Series("", index=out.index, dtype="str") for key in LEFT_OUT_COLUMNS[2:7]}
    frame = pd.DataFrame({"period": out["period"], "flow": out["flow"], **written,
                          "value": out["value"], "source": out["source"], "row": out["row"]})
    return frame.reset_index(drop=True)


def _unmatched_finding(out: pd.DataFrame, mask: pd.Series, dim: str, what: str, source: str,
               rows: pd.Series) -> tuple[str, str, str]:
    """Severity, words and place of rows whose partner or province cannot be matched: an
    error when they carry value (they would vanish from every table, totals included), with
    their share of the file's value of that flow broken down by the same dimension."""
    missed = out.loc[mask, "value"]
    flows = out.loc[mask, "flow"].unique()
    same = out[dim].notna() | mask
    if len(flows) == 1:
        same &= out["flow"] == flows[0]
    whole = float(out.loc[same, "value"].sum())
    of = f"{flows[0]} " if len(flows) == 1 else ""
    share = f", {float(missed.sum()) / whole:.1%} of the file's {of}value by {dim}," if whole > 0 else ""
    carries = bool((missed != 0).any())
    words = f"{int(mask.sum())} rows with {what}{share}"
    words += " would be left out of every table, totals included" if carries else " cannot be used"
    return ("error" if carries else "warning"), words, _where(source, rows[mask])


def _where(source: str, rows: pd.Series) -> str:
    listed = ", ".join(str(r) for r in rows.iloc[:3])
    return f"{source} rows {listed}{' …' if len(rows) > 3 else ''}"


def _product_of(hs: pd.Series, scope: Scope) -> pd.DataFrame:
    """A scope's HS6 and HS8 codes roll up to its product groups; blank or a heading itself
    (8542) = not broken down; codes under other headings are other chapters."""
    hs = hs.str.replace(r"[.\s]", "", regex=True)
    blank = _blank(hs) | hs.isin(scope.headings)
    other = ~blank & ~scope.covers(hs)
    bad = ~blank & ~other & ~hs.str.fullmatch(r"\d{6}(\d{2})?")
    group = scope.product_of(hs.where(~blank & ~bad, ""))
    product = group.where(group.notna(), hs.str[:6]).where(~blank & ~bad)
    unknown = product.notna() & ~other & group.isna()
    code = hs.where(~blank & ~bad)
    return pd.DataFrame({"product": product, "other": other, "bad": bad, "unknown": unknown,
                         "code": code})


def _partner_of(pairs: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    code, name = pairs["a"], normalize_name(pairs["b"])
    code_blank, name_blank = _blank(code), _blank(pairs["b"])
    code = code.where(code_blank, code.str.zfill(3))
    by_name = name_key(pairs["b"]).map(ref.partner_by_name)
    partner = code.where(~code_blank, by_name).where(~(code_blank & name_blank))
    return pd.DataFrame({
        "partner": partner,
        "unmatched": code_blank & ~name_blank & by_name.isna(),
        "unknown": ~code_blank & ~code.isin(ref.partner_names.keys()),
        "label": name.where(~name_blank, ""),
    })


def _province_of(pairs: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Province by code (city-level codes roll up, see ``Reference.province_of_codes``) or,
    where no code is given, by name."""
    code, name = pairs["a"], pairs["b"]
    code_blank, name_blank = _blank(code), _blank(name)
    by_code = ref.province_of_codes(code)
    by_name = name_key(name).map(ref.province_by_name)
    province = by_code.where(~code_blank, by_name).where(~(code_blank & name_blank))
    unmatched = (code_blank & ~name_blank & by_name.isna()) | (~code_blank & by_code.isna())
    rolled = ~code_blank & by_code.notna() & code.str.fullmatch(CITY_CODE)
    return pd.DataFrame({"province": province.where(~unmatched), "unmatched": unmatched,
                         "rolled": rolled})


# --- files -------------------------------------------------------------------------------

def flows_of(text: pd.Series) -> pd.DataFrame:
    """The flow a text names ('export', 'import', 'total' for total trade or both, <NA>)."""
    lower = text.astype("str").str.lower()
    export = lower.str.contains(_FLOW_WORDS["export"], regex=True)
    import_ = lower.str.contains(_FLOW_WORDS["import"], regex=True)
    total = lower.str.contains(_TOTAL_TRADE, regex=True) | (export & import_)
    flow = pd.Series(pd.NA, index=text.index, dtype="object")
    flow[export] = "export"
    flow[import_] = "import"
    flow[total] = "total"
    return pd.DataFrame({"flow": flow})


def flow_from_name(path: Path) -> str | None:
    """Customs files do not say their flow; analysts put it in the file name (出口_2025.csv).

    A name saying total trade (进出口_2025.csv) or both flows is refused, not read as one flow.
    """
    found = flows_of(pd.Series([path.stem]))["flow"].iloc[0]
    if pd.isna(found):
        return None
    if found == "total":
        raise XladdinError(f"{path.name}: the file name says total trade (进出口, exports plus "
                           "imports), which the report cannot split; download exports and imports "
                           "separately (出口 / 进口 in the file names) or pass --flow export|import")
    return str(found)


def read_csv_table(path: Path) -> pd.DataFrame:
    """A CSV as text cells: UTF-8 (with or without BOM) or GB18030, trailing comma tolerated."""
    data = path.read_bytes()
    if not data or data.isspace():
        raise XladdinError(f"{path.name}: the file is empty; download or export it again")
    if b"\n" not in data and b"\r" in data:  # Excel for Mac's "CSV (Macintosh)": lines end in CR
        data = data.replace(b"\r", b"\n")  # (no GB18030 or UTF-8 sequence holds the byte 0x0D)
    frame = _read_csv_arrow(data)  # UTF-8 (pyarrow checks it)
    if frame is None:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise XladdinError(f"{path.name}: the file is neither UTF-8 nor GB18030 text; "
                               "save it as CSV (UTF-8) or use the customs download as it came")
        if not text.strip():
            raise XladdinError(f"{path.name}: the file is empty; download or export it again")
        if encoding == "gb18030":
            frame = _read_csv_arrow(text.encode("utf-8"))
    if frame is None:
        frame = _read_csv_pandas(text, path.name)
    frame = frame.loc[:, [not (str(c).startswith("Unnamed") and frame[c].eq("").all())
                          for c in frame.columns]]
    return frame


#: How many fields a data row may have beyond its header before the file is not a table.
_EXTRA_FIELDS = 8


def _header_names(header_line: str) -> list[str]:
    """Column names as pandas gives them: 'Unnamed: 8' for an empty header (a trailing
    comma), 'a.1' for a repeated header."""
    names, seen = [], {}
    for i, header in enumerate(next(csv.reader([header_line], skipinitialspace=True), [])):
        name = header or f"Unnamed: {i}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(name if count == 0 else f"{name}.{count}")
    return names


def _read_csv_pandas(text: str, name: str) -> pd.DataFrame:
    """pandas' reader, for what pyarrow's does not take. A data row with more fields than
    the header (a trailing comma the header lacks) would make pandas shift every column (it
    takes the first as an index): extra fields are read into spare columns, then dropped
    when empty, or refused naming the row."""
    header = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    names = _header_names(header)
    spare = [f"\x00extra{i}" for i in range(_EXTRA_FIELDS)]
    try:
        frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False,
                            skip_blank_lines=False, skipinitialspace=True, header=None, skiprows=1,
                            names=names + spare, index_col=False)
    except pd.errors.EmptyDataError:
        raise XladdinError(f"{name}: the file holds no table; download or export it again") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise XladdinError(f"{name}: not a readable CSV table ({exc}); "
                           "check the separators and quotes") from None
    if not names:
        raise XladdinError(f"{name}: the file holds no table; download or export it again")
    extra = frame[spare].ne("").any(axis=1)
    if extra.any():
        row = int(np.flatnonzero(extra.to_numpy())[0]) + 2
        raise XladdinError(f"{name} row {row}: the row has more cells than the header has columns "
                           f"({len(names)}), so its values would shift; remove the extra cells or "
                           "add their header")
    return frame[names]


def _read_csv_arrow(data: bytes) -> pd.DataFrame | None:
    """The table of a UTF-8 CSV read by pyarrow's multithreaded reader, every cell as text,
    the columns named as pandas names them ('Unnamed: 8' for a trailing comma, 'a.1' for a
    repeated header, blank lines as rows of empty cells). None when the file needs pandas'
    reader to get the very same table (cells after a space, ragged rows, a line break in a
    quoted cell); that reader then also words any error."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
    except ImportError:  # optional (see _arrow_numbers): pandas' reader reads every file too
        return None

    body = data.removeprefix(b"\xef\xbb\xbf")
    end = body.find(b"\n")
    try:
        header_line = body[:end if end >= 0 else len(body)].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    if header_line.count('"') % 2:
        return None
    names = _header_names(header_line)
    if len(names) < 2 or len(set(names)) != len(names):
        return None
    generated = [f"c{i}" for i in range(len(names))]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(body),
            read_options=pcsv.ReadOptions(column_names=generated, skip_rows=1),
            parse_options=pcsv.ParseOptions(ignore_empty_lines=False),  # rows, as pandas reads them
            convert_options=pcsv.ConvertOptions(column_types={c: pa.large_string() for c in generated},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    for column in table.columns:
        if pc.any(pc.starts_with(column, " ")).as_py() or pc.any(pc.starts_with(column, "\t")).as_py():
            return None  # pandas drops spaces after a separator (skipinitialspace)
    frame = table.to_pandas()
    frame.columns = names
    return frame


def read_xlsx_table(path: Path, sheet: str = RAW_SHEET) -> tuple[pd.DataFrame, int]:
    """The raw sheet of a workbook: fast with fastexcel (calamine; the ``fast`` extra), else
    through openpyxl (as in Pyodide, where fastexcel does not exist), giving the same text.

    Every cell is read as text, so codes like 0110 or 202507 never become numbers (the
    values are parsed afterwards, as for CSV). Returns the table (headers from the first row
    that names a value column) and the sheet row number of its first data row.
    """
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an OLE container, not a zip
        raise XladdinError(f"{path.name}: the workbook is password-protected (encrypted) or an old "
                           ".xls file; save an unprotected .xlsx copy and use that")
    try:
        import fastexcel
    except ImportError:  # an optional extra (absent in Pyodide): openpyxl reads the same text
        grid = _sheet_text_openpyxl(path, sheet)
    else:
        grid = _sheet_text_fastexcel(fastexcel, path, sheet)
    for i in range(min(20, len(grid))):
        keys = [header_key(h) for h in grid.iloc[i].fillna("")]
        if "value_usd" in keys or "value_rmb" in keys:
            headers = [str(h).strip() if h == h and str(h).strip() else f"Unnamed{j}"
                       for j, h in enumerate(grid.iloc[i])]
            frame = grid.iloc[i + 1:].reset_index(drop=True)
            frame.columns = headers
            return frame, i + 2
    raise XladdinError(f"{path.name}, sheet {sheet}: no header row with a 美元 (value_usd) column "
                       "in the first 20 rows; the raw table needs the canonical headers")


def _sheet_text_fastexcel(fastexcel, path: Path, sheet: str) -> pd.DataFrame:
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own types for broken or encrypted files
        text = str(exc).lower()
        if any(word in text for word in ("password", "encrypt", "cfb", "ole")):
            raise XladdinError(f"{path.name}: the workbook is password-protected or encrypted; "
                               "save an unprotected copy and use that") from None
        raise XladdinError(f"{path.name}: not a readable xlsx workbook; open and save it again "
                           "in Excel") from None
    if sheet not in reader.sheet_names:
        raise XladdinError(f"{path.name}: no sheet named '{sheet}' (sheets: "
                           f"{', '.join(reader.sheet_names)}); put the raw rows in a sheet '{sheet}'")
    check_extent(path, sheet)
    return reader.load_sheet_by_name(sheet, header_row=None, dtypes="string").to_pandas()


def _xlsx_cell_text(value: object) -> object:
    """A cell as fastexcel's text reading gives it: 317088371.0 → '317088371', True → 'true'."""
    if value is None:
        return np.nan
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _sheet_text_openpyxl(path: Path, sheet: str) -> pd.DataFrame:
    """The sheet's cells as text through openpyxl (read-only), converted per distinct value."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise XladdinError(f"{path.name}: not a readable xlsx workbook; open and save it again "
                           "in Excel") from None
    try:
        if sheet not in book.sheetnames:
            raise XladdinError(f"{path.name}: no sheet named '{sheet}' (sheets: "
                               f"{', '.join(book.sheetnames)}); put the raw rows in a sheet '{sheet}'")
        check_extent(path, sheet)
        grid = pd.DataFrame(list(book[sheet].iter_rows(values_only=True)), dtype=object)
    finally:
        book.close()
    for column in grid.columns:
        codes, distinct = pd.factorize(grid[column], use_na_sentinel=True)
        texts = np.array([_xlsx_cell_text(v) for v in distinct] + [np.nan], dtype=object)
        grid[column] = pd.Series(texts[codes], index=grid.index, dtype="str")
    return grid


#: The raw sheet's bounds: its table is about ten columns wide; a reader allocates the
#: sheet's whole rectangle, so one stray cell far out (XFD100000) would ask for gigabytes.
MAX_COLUMNS, MAX_CELLS = 64, 1_048_576 * 16
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
#: A cell reference of two or three letters (beyond column Z) as an attribute r="AB12"; the
#: literal start lets the regex engine skip ahead (a 120 MB sheet scans in about 0.1 s), and
#: the character before it is checked to be a space (a whole attribute, not 'xr="…"').
_WIDE_CELL = re.compile(rb'r="([A-Z]{2,3}\d+)"')


#: The last row element of a chunk of sheet XML (rows are written in order; searched from
#: the end, so a chunk costs one backward scan, not one match per row).
_LAST_ROW = re.compile(rb'(?s).*<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
#: A cell holding an Excel error (t="e"): its attributes and its shown value.
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>(?:(?!</(?:\w+:)?c>).){0,2000}?'
                         rb'<(?:\w+:)?v>([^<]*)<', re.DOTALL)


def check_extent(path: Path, sheet: str) -> None:
    """Refuse a raw sheet that reaches far beyond its table, before it is read.

    The extent is read from the cells themselves, not only from ``<dimension>`` (a file may
    state a smaller one than its cells reach): one streaming pass over the sheet's XML finds
    the widest cell (only refs of two or more letters match) and the last row. The same pass
    finds cells showing an Excel error (#N/A): a reader would take them as blank.
    """
    import zipfile

    from openpyxl.utils import column_index_from_string

    width, height, widest, error = 1, 1, "A", None
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            if part is None:
                return
            with book.open(part) as stream:
                tail, chunk = b"", stream.read(1 << 20)
                found = _DIMENSION.search(chunk)
                if found:
                    widest, height = found.group(1).decode(), int(found.group(2))
                    width = column_index_from_string(widest)
                while chunk:
                    text = tail + chunk
                    for wide in _WIDE_CELL.finditer(text):
                        if not text[wide.start() - 1:wide.start()].isspace():
                            continue
                        letters = re.match(r"[A-Z]+", wide.group(1).decode()).group(0)
                        if column_index_from_string(letters) > width:
                            widest, width = letters, column_index_from_string(letters)
                    failed = error is None and b't="e"' in text and _ERROR_CELL.search(text)
                    if failed:
                        where = re.search(rb'\br="([A-Z]+\d+)"', failed.group(1))
                        error = (where.group(1).decode() if where else "?", failed.group(2).decode())
                    last = _LAST_ROW.match(text)
                    if last:
                        height = max(height, int(last.group(1)))
                    tail, chunk = chunk[-200:], stream.read(1 << 20)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return  # the reader gives its own sentence for a damaged file
    if width > MAX_COLUMNS or width * height > MAX_CELLS:
        raise XladdinError(f"{path.name}, sheet {sheet}: the sheet reaches cell {widest}{height}, far "
                           "beyond a raw table; delete the stray cells right of and below the table "
                           "(Ctrl+End shows the last one) and save it again")
    if error:
        raise XladdinError(f"{path.name}, sheet {sheet}, cell {error[0]}: the cell shows the Excel "
                           f"error {error[1]}, not a value; {_EXCEL_FIX}")


def _sheet_part(book, sheet: str) -> str | None:
    """The zip member of a sheet, from workbook.xml and its relationships."""
    from xladdin.ooxml.sheets import WORKBOOK, WORKBOOK_RELS, sheet_parts

    return sheet_parts(book.read(WORKBOOK), book.read(WORKBOOK_RELS)).get(sheet)


def read_raw(
    paths: list[Path | str],
    flow: str | None = None,
    period: str | None = None,
    scope: Scope | str | None = None,
) -> RawData:
    """Read and validate raw files (CSV or xlsx) into one model, under one product scope."""
    scope = load_scope(scope)
    parts = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            raise XladdinError(f"{path}: that is a folder; name the raw files in it (CSV or xlsx)")
        if not path.exists():
            raise XladdinError(f"{path}: no such file; check the path")
        if not os.access(path, os.R_OK):
            raise XladdinError(f"{path}: the file cannot be read (permission denied); check its "
                               "permissions or copy it somewhere readable")
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            table, first = read_xlsx_table(path)
            source = f"{path.name}, sheet {RAW_SHEET}"
        else:
            table, first, source = read_csv_table(path), 2, path.name
        has_flow = any(header_key(_unmangled(c)) == "flow" for c in table.columns)
        parts.append(validate_table(table, source, first, period=period,
                               flow=flow or (None if has_flow else flow_from_name(path)), scope=scope))
    return RawData.concat(parts, scope)
