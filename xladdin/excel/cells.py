"""The cell functions' logic, shared by every Excel runtime (xlwings desktop and xlwings Lite).

Nothing here imports xlwings: each runtime makes thin wrappers over these plain functions
(``udf.py``, ``lite/__init__.py``) from the one declaration of each function in
``functions.py``, so both take the same arguments in the same order and answer with the same
numbers and the same messages.

The first argument of every figure function is a ``Dataset``: the validated engine over one
workbook's 原始数据 table and the settings that shape it (report month, net YoY convention).
``dataset()`` makes it from the table's values exactly as Excel passes ``RawData[#All]`` to a
function (a header row, then the rows; numbers as floats, blanks as None, dates as datetimes)
and names it by a hash of that content, so any changed cell gives a new name and nothing else
does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, NoReturn

import pandas as pd
from pandas.api.types import infer_dtype

from xladdin.engine.load import from_raw
from xladdin.engine.metrics import Engine, growth
from xladdin.engine.periods import month_range, parse_period, previous_month
from xladdin.engine.raw import RAW_SHEET, validate_table
from xladdin.engine.reference import load_reference, name_key_one
from xladdin.engine.scope import BY_ROWS, DEFAULT_SCOPE
from xladdin.engine.settings import Settings
from xladdin.engine.vocabulary import (
    DIMENSION_OF_WORD,
    FLOW_OF_WORD,
    JAN_FEB,
    MEASURE_OF_WORD,
    REGION_OF_WORD,
    SPAN_OF_WORD,
    TABLE_NUMBERS,
    UNIT,
)
from xladdin.errors import MissingMonthsError, XladdinError
from xladdin.report.render import DASH, build_table_body

ERROR = "#CHIP! "
HASH_CHARS = 12  # 48 bits: a handful of datasets live at once, so a clash is never a concern


class ChipError(Exception):
    """An argument a person typed that the function cannot use; shown in the cell."""


@dataclass(frozen=True)
class Dataset:
    """A validated engine and the report month its cells default to, named by content."""

    engine: Engine
    period: str
    digest: str
    rows: int

    @property
    def handle(self) -> str:
        """The text the data cell shows: ``原始数据 3,318 行 2024-01…2025-07 报告期 2025-07 #1f3a…``."""
        months = [p for ps in self.engine.model.periods.values() for p in ps]
        first, last = min(m[:7] for m in months), max(m[-7:] for m in months)
        return f"{RAW_SHEET} {self.rows:,} 行 {first}…{last} 报告期 {self.period} #{self.digest}"


def grid(values: Any) -> list[Any]:
    """A range argument as rows: one cell arrives as a scalar, one row as a flat list."""
    if not isinstance(values, (list, tuple)):
        return [[values]]
    if values and not isinstance(values[0], (list, tuple)):
        return [list(values)]
    return values


def content_digest(frame: pd.DataFrame, settings: tuple[Any, ...]) -> str:
    """A hash of every cell of the table (its header row first) and of the settings.

    Column by column, in row order: numbers by their exact float bytes, text (and anything
    mixed) by pandas' per-value hash, so 1.5 and 1.25, 韩国 and 日本, 出口 and 进口 all differ;
    the table's shape is part of the digest, so a row added anywhere changes it.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((frame.shape, settings)).encode())
    for _, column in frame.items():
        values = column.to_numpy()
        head, body = values[:1], values[1:]
        h.update(repr(head.tolist()).encode())
        if infer_dtype(body, skipna=False) in ("floating", "integer", "mixed-integer-float"):
            h.update(b"n" + body.astype("float64").tobytes())
        else:
            h.update(b"t" + pd.util.hash_array(body, categorize=True).tobytes())
    return h.hexdigest()[:HASH_CHARS]


def report_month(value: Any) -> str | None:
    value = scalar(value, "period")
    if value is None:
        return None
    try:
        return parse_period(value)
    except XladdinError:
        raise ChipError(f"the report month '{typed_text(value)}' in 设置 is not a month: write 2025-07 "
                        "or leave it empty for the latest month") from None


@dataclass(frozen=True)
class RawInput:
    """What the data cell was given, as a table, with its content hash (cheap: no validation)."""

    table: pd.DataFrame
    month: str | None
    net_yoy: str
    digest: str


def raw_input(raw: Any, period: Any = None, net_yoy: Any = None) -> RawInput:
    """The raw table (header row first) and the 设置 values, hashed."""
    frame = pd.DataFrame(grid(raw), dtype=object)
    month = report_month(period)
    net = scalar(net_yoy, "net_yoy")
    net = "net_import_pct" if net is None else typed_text(net)
    digest = content_digest(frame, (month, net))
    header = frame.iloc[0].tolist() if len(frame) else []
    table = frame.iloc[1:].reset_index(drop=True)
    table.columns = [str(h).strip() if h not in (None, "") else f"Unnamed{i}" for i, h in enumerate(header)]
    return RawInput(table, month, net, digest)


def dataset(given: RawInput, source: str = f"sheet {RAW_SHEET}") -> Dataset:
    """Validate the raw table into an engine, named by the content hash."""
    # the data cell has no scope argument: its rows choose among the bundled scopes
    engine = from_raw(validate_table(given.table, source, first_row=2, scope=BY_ROWS),
                      Settings(net_yoy=given.net_yoy))
    month = given.month or engine.model.latest_period()
    if month is None:
        raise ChipError("the raw data holds no usable rows; paste or import the customs rows first")
    return Dataset(engine, month, given.digest, len(given.table))


# --- arguments, as a person types them ----------------------------------------------------------

def scalar(value: Any, name: str) -> Any:
    """A 1×1 range arrives as a 2-D list; larger ranges are not one argument."""
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ChipError(f"{name} must be one cell, not a range")
        value = value[0]
    return None if value == "" else value


def typed_text(value: Any) -> str:
    """A typed cell value as text: Excel's 133.0 is '133', surrounding spaces dropped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def flow_of(value: Any) -> str:
    value = scalar(value, "flow")
    flow = FLOW_OF_WORD.get(typed_text(value).lower()) if value is not None else None
    if flow is None:
        raise ChipError(f"unknown flow '{typed_text(value) if value is not None else ''}': use 出口 or 进口")
    return flow


def period_of(value: Any, default: str) -> str:
    """The month asked for; empty means the report month of 设置 (or the latest month)."""
    value = scalar(value, "period")
    if value is None:
        return default
    try:
        return parse_period(value)
    except XladdinError:
        raise ChipError(f"'{typed_text(value)}' is not a month: write 2025-07 or 202507") from None


def span_of(value: Any, period: str) -> str:
    value = scalar(value, "span")
    typed = None if value is None else typed_text(value).lower()
    if typed in JAN_FEB:
        if not period.endswith("-02"):
            raise ChipError(f"span '{typed_text(value)}' is January–February: give a February period, "
                            f"not {period}")
        return "ytd"
    span = SPAN_OF_WORD.get(typed)
    if span is None:
        raise ChipError(f"unknown span '{typed_text(value)}': use 当月 (month) or 累计 (ytd), or 1-2月 "
                        "for January–February")
    return span


@lru_cache(maxsize=4096)
def code_of_typed(dim: str, typed: str, scope: str = DEFAULT_SCOPE) -> tuple[str, str]:
    """The (dimension, code) a person's typed product, partner or province stands for: a code
    or a name, 东盟/欧盟 for partners (dimension 'region'); products are the groups of the
    data's bundled scope. Remembered per (dimension, text, scope): a sheet of cells asks
    for the same few names again and again, and the answer depends on nothing else."""
    ref = load_reference(scope)
    if dim == "product":
        code = typed if typed in ref.product_names else ref.product_codes.get(typed.lower(),
                                                                             ref.product_codes.get(typed))
    elif dim == "partner":
        if typed.lower() in REGION_OF_WORD or typed in REGION_OF_WORD:
            return "region", REGION_OF_WORD.get(typed, REGION_OF_WORD.get(typed.lower()))
        padded = typed.zfill(3) if typed.isdigit() else typed
        code = padded if padded in ref.partner_names else ref.partner_by_name.get(name_key_one(typed))
    else:
        code = typed if typed in ref.province_short else ref.province_by_name.get(name_key_one(typed))
        if code is None and typed.isdigit():  # '4401', '4': rolled up as the raw reader does
            code = ref.province_of_codes(pd.Series([typed], dtype="object")).iloc[0]
            code = None if pd.isna(code) else code
    if code is None:
        raise ChipError(f"unknown {dim} '{typed}'")
    return dim, code


def selection(product: Any, partner: Any, province: Any,
              scope: str = DEFAULT_SCOPE) -> tuple[str | None, str | None]:
    given = [(d, scalar(v, d)) for d, v in (("product", product), ("partner", partner),
                                            ("province", province))]
    given = [(d, v) for d, v in given if v is not None]
    if len(given) > 1:
        raise ChipError("give only one of product, partner and province")
    return code_of_typed(given[0][0], typed_text(given[0][1]), scope) if given else (None, None)


def handle_error(value: Any) -> NoReturn:
    """Raise the message for a first argument that is not a data handle."""
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    shown = "" if value is None else str(value)
    if shown.startswith(ERROR):
        raise ChipError(f"the data cell has an error: {shown[len(ERROR):]}")
    raise ChipError("the first argument must be the data cell (数据, =CHIP_DATA(RawData[#All],"
                    f"SET_PERIOD,SET_NET_YOY)), not '{shown[:40]}'")


def cell_errors(func: Callable) -> Callable:
    """Turn every failure into a one-line ``#CHIP!`` message for the cell."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ChipError, XladdinError) as exc:
            return f"{ERROR}{exc}"
        except Exception as exc:  # never a traceback in a cell
            return f"{ERROR}internal error: {type(exc).__name__}: {exc}"
    return wrapper


# --- the figures ----------------------------------------------------------------------------------

MOM_NEEDS_MONTH = ("环比 (mom) compares one month with the month before, so it has no 累计 "
                   "(year-to-date) form: use span 当月")


def measure_of(value: Any, span: str) -> str:
    value = scalar(value, "measure")
    measure = MEASURE_OF_WORD.get(None if value is None else typed_text(value).lower())
    if measure is None:
        raise ChipError(f"unknown measure '{typed_text(value)}': use value (亿美元), yoy (同比 %), "
                        "mom (环比 %) or share (占比 %)")
    if measure == "mom" and span != "month":
        raise ChipError(MOM_NEEDS_MONTH)
    return measure


def measured(engine: Engine, measure: str, flow: str, period: str, span: str, dim: str | None,
             key: str | None) -> float | None:
    """One figure of a measure; None where it is undefined (a month the comparison needs is
    missing, or it is zero). 环比 compares the month with the one before (January with the
    December before it)."""
    if measure == "mom":
        now = engine.figure(flow, period, "month", dim, key, with_prior=False).value
        try:
            before = engine.figure(flow, previous_month(period), "month", dim, key, with_prior=False)
        except MissingMonthsError:
            return None
        return growth(now, before.value)
    result = engine.figure(flow, period, span, dim, key, with_prior=measure == "yoy")
    if measure == "value":
        return result.value / UNIT
    return result.yoy if measure == "yoy" else result.share


def figure(kind: str, data: Dataset, flow: Any, period: Any, product: Any, partner: Any,
           province: Any, span: Any) -> float | str:
    """CHIP_VALUE (亿美元), CHIP_YOY, CHIP_MOM and CHIP_SHARE (%, — where undefined)."""
    flow, period = flow_of(flow), period_of(period, data.period)
    span = span_of(span, period)
    if kind == "mom" and span != "month":
        raise ChipError(MOM_NEEDS_MONTH)
    dim, key = selection(product, partner, province, data.engine.scope.id)
    number = measured(data.engine, kind, flow, period, span, dim, key)
    return DASH if number is None else number


MAX_MONTHS = 1200  # a hundred years: more is a typing mistake, not a series


def series(data: Dataset, flow: Any, start: Any, end: Any, product: Any, partner: Any,
           province: Any, measure: Any, span: Any) -> list[list[Any]]:
    """CHIP_SERIES: a header row, then one row per month from start to end: the month
    (YYYY-MM text) and its figure, an empty cell where the figure is undefined (a month the
    data lack, or a comparison with zero). Empty start = the first month the data hold, empty
    end = the report month."""
    flow = flow_of(flow)
    last = period_of(end, data.period)
    held = sorted(m for m in data.engine.model.periods.get((flow, "total"), ()) if len(m) == 7)
    first = period_of(start, held[0] if held else last)
    if first > last:
        raise ChipError(f"the series starts ({first}) after it ends ({last}): give start before end")
    months = month_range(first, last)
    if len(months) > MAX_MONTHS:
        raise ChipError(f"{first} to {last} is {len(months)} months; ask for at most {MAX_MONTHS}")
    typed = scalar(span, "span")
    span_key = SPAN_OF_WORD.get(None if typed is None else typed_text(typed).lower())
    if span_key is None:
        raise ChipError(f"unknown span '{typed_text(typed)}': use 当月 (month) or 累计 (ytd)")
    what = measure_of(measure, span_key)
    dim, key = selection(product, partner, province, data.engine.scope.id)
    engine = data.engine
    rows: list[list[Any]] = [["月份", series_title(engine, flow, dim, key, span_key, what)]]
    for month in months:
        try:
            number = measured(engine, what, flow, month, span_key, dim, key)
        except MissingMonthsError:
            number = None
        rows.append([month, "" if number is None else number])
    return rows


def series_title(engine: Engine, flow: str, dim: str | None, key: str | None, span: str,
                 measure: str) -> str:
    """The series' header: 出口 东盟 当月 亿美元."""
    who = "合计" if dim is None else engine.label(dim, key)
    unit = {"value": "亿美元", "yoy": "同比%", "mom": "环比%", "share": "占比%"}[measure]
    words = ("出口" if flow == "export" else "进口", who, "当月" if span == "month" else "累计", unit)
    return " ".join(words)


def rank(data: Dataset, flow: Any, period: Any, by: Any, n: Any, span: Any) -> list[list[Any]]:
    """CHIP_RANK: the top n rows of name, value (亿美元), YoY (%)."""
    flow, period = flow_of(flow), period_of(period, data.period)
    span = span_of(span, period)
    by_text = typed_text(scalar(by, "by") or "partner").lower()
    dim = DIMENSION_OF_WORD.get(by_text)
    if dim is None:
        raise ChipError(f"unknown by '{by_text}': use partner, province or product")
    count = scalar(n, "n")
    count = 10 if count is None else count
    if not isinstance(count, (int, float)) or not 1 <= count <= 100 or int(count) != count:
        raise ChipError(f"n must be a whole number from 1 to 100, not '{typed_text(count)}'")
    engine = data.engine
    top = engine.ranking(flow, dim, period, span, int(count))
    rows = [[engine.label(dim, str(k)), float(v) / UNIT,
             DASH if y != y else float(y)] for k, v, y in zip(top["key"], top["value"], top["yoy"])]
    return rows or [["", "", ""]]


def table(data: Dataset, table_no: Any, period: Any) -> list[list[Any]]:
    """CHIP_TABLE: the body of table 1–7 exactly as the workbook shows it."""
    number = scalar(table_no, "table_no")
    if not isinstance(number, (int, float)) or int(number) != number or number not in TABLE_NUMBERS:
        shown = typed_text(number) if number is not None else ""
        raise ChipError(f"table_no must be {TABLE_NUMBERS[0]} to {TABLE_NUMBERS[-1]}, not '{shown}'")
    body = build_table_body(data.engine, int(number), period_of(period, data.period))
    return [["" if v is None else v for v in row] for row in body.values]
