"""Excel cell functions: =CHIP_VALUE, =CHIP_YOY, =CHIP_SHARE, =CHIP_RANK, =CHIP_TABLE.

Registered with xlwings (``UDF Modules: xladdin.excel.udf``); on machines without Excel the
decorators do nothing and these are plain functions. Arguments come as Excel gives them:
numbers as floats, blanks as None, ranges as 2-D lists, dates as datetimes. A bad argument
returns a readable ``#CHIP!`` message in the cell, never a traceback. The functions are
volatile, so Excel asks again after every change; the engine cache (excel.py) makes that a
one-cell read unless the raw data or settings changed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

import xlwings as xw

from xladdin.engine.metrics import Engine
from xladdin.engine.periods import parse_period
from xladdin.engine.reference import load_reference, normalize_one
from xladdin.errors import XladdinError
from xladdin.excel.live import CACHE
from xladdin.report.render import DASH, build_table_body

FLOWS = {"出口": "export", "export": "export", "exports": "export",
         "进口": "import", "import": "import", "imports": "import"}
SPANS = {None: "month", "": "month", "当月": "month", "month": "month", "m": "month",
         "累计": "ytd", "ytd": "ytd", "year to date": "ytd", "1-": "ytd"}
REGIONS = {"东盟": "ASEAN", "asean": "ASEAN", "欧盟": "EU", "eu": "EU"}
BY = {"partner": "partner", "贸易伙伴": "partner", "国家": "partner", "国别": "partner",
      "province": "province", "省": "province", "省市": "province", "注册地": "province",
      "product": "product", "产品": "product"}
UNIT = 1e8


class ChipError(Exception):
    """An argument a person typed that the function cannot use; shown in the cell."""


def _scalar(value: Any, name: str) -> Any:
    """A 1×1 range arrives as a 2-D list; larger ranges are not one argument."""
    while isinstance(value, (list, tuple)):
        if len(value) != 1:
            raise ChipError(f"{name} must be one cell, not a range")
        value = value[0]
    return None if value == "" else value


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _flow(value: Any) -> str:
    value = _scalar(value, "flow")
    flow = FLOWS.get(_text(value).lower()) if value is not None else None
    if flow is None:
        raise ChipError(f"unknown flow '{_text(value) if value is not None else ''}': use 出口 or 进口")
    return flow


def _period(value: Any, book_period: str | None) -> str:
    value = _scalar(value, "period")
    if value is None:
        if book_period:
            return book_period
        raise ChipError("period is missing: give a month such as 2025-07")
    try:
        return parse_period(value)
    except XladdinError:
        raise ChipError(f"'{_text(value)}' is not a month: write 2025-07 or 202507") from None


def _span(value: Any) -> str:
    value = _scalar(value, "span")
    span = SPANS.get(None if value is None else _text(value).lower())
    if span is None:
        raise ChipError(f"unknown span '{_text(value)}': use 当月 (month) or 累计 (ytd)")
    return span


def _key(dim: str, value: Any) -> tuple[str, str]:
    """(dimension, code) for what a person typed: a code or a name, 东盟/欧盟 for partners."""
    return _resolve(dim, _text(value))


@lru_cache(maxsize=4096)
def _resolve(dim: str, text: str) -> tuple[str, str]:
    ref = load_reference()
    if dim == "product":
        code = text if text in ref.product_names else ref.product_codes.get(text.lower(),
                                                                            ref.product_codes.get(text))
    elif dim == "partner":
        if text.lower() in REGIONS or text in REGIONS:
            return "region", REGIONS.get(text, REGIONS.get(text.lower()))
        padded = text.zfill(3) if text.isdigit() else text
        code = padded if padded in ref.partner_names else ref.partner_codes.get(normalize_one(text))
    else:
        code = text if text in ref.province_short else ref.province_codes.get(text)
    if code is None:
        raise ChipError(f"unknown {dim} '{text}'")
    return dim, code


def _selection(product: Any, partner: Any, province: Any) -> tuple[str | None, str | None]:
    given = [(d, _scalar(v, d)) for d, v in (("product", product), ("partner", partner),
                                             ("province", province))]
    given = [(d, v) for d, v in given if v is not None]
    if len(given) > 1:
        raise ChipError("give only one of product, partner and province")
    return _key(*given[0]) if given else (None, None)


def _engine(caller: Any) -> tuple[Engine, str | None]:
    if caller is None:
        book = xw.books.active
    else:
        book = caller.sheet.book
    return CACHE.get(book)


def excel_errors(func: Callable) -> Callable:
    """Turn every failure into a one-line ``#CHIP!`` message for the cell."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ChipError as exc:
            return f"#CHIP! {exc}"
        except XladdinError as exc:
            return f"#CHIP! {exc}"
        except Exception as exc:  # never a traceback in a cell
            return f"#CHIP! internal error: {type(exc).__name__}: {exc}"
    return wrapper


def _figure(kind: str, flow, period, product, partner, province, span, caller):
    engine, book_period = _engine(caller)
    flow, period, span = _flow(flow), _period(period, book_period), _span(span)
    dim, key = _selection(product, partner, province)
    figure = engine.figure(flow, period, span, dim, key, with_prior=kind == "yoy")
    if kind == "value":
        return figure.value / UNIT
    result = figure.yoy if kind == "yoy" else figure.share
    return DASH if result is None else result


@xw.func(volatile=True)
@excel_errors
def CHIP_VALUE(flow, period, product=None, partner=None, province=None, span=None, caller=None):
    """HS 8542 trade value in 亿美元: flow 出口/进口, period 2025-07, optionally one product,
    partner (or 东盟/欧盟) or province, span 当月 (default) or 累计."""
    return _figure("value", flow, period, product, partner, province, span, caller)


@xw.func(volatile=True)
@excel_errors
def CHIP_YOY(flow, period, product=None, partner=None, province=None, span=None, caller=None):
    """Year-on-year growth in % (— where the prior year is zero or missing); same arguments
    as CHIP_VALUE."""
    return _figure("yoy", flow, period, product, partner, province, span, caller)


@xw.func(volatile=True)
@excel_errors
def CHIP_SHARE(flow, period, product=None, partner=None, province=None, span=None, caller=None):
    """Share in % of the flow's HS 8542 total for the same period; same arguments as
    CHIP_VALUE."""
    return _figure("share", flow, period, product, partner, province, span, caller)


@xw.func(volatile=True)
@excel_errors
def CHIP_RANK(flow, period, by="partner", n=10, span=None, caller=None):
    """Top n by value, spilled as rows of name, value (亿美元), YoY (%): by partner (default),
    province or product; span 当月 (default) or 累计."""
    engine, book_period = _engine(caller)
    flow, period, span = _flow(flow), _period(period, book_period), _span(span)
    by_text = _text(_scalar(by, "by") or "partner").lower()
    dim = BY.get(by_text)
    if dim is None:
        raise ChipError(f"unknown by '{by_text}': use partner, province or product")
    count = _scalar(n, "n")
    count = 10 if count is None else count
    if not isinstance(count, (int, float)) or not 1 <= count <= 100 or int(count) != count:
        raise ChipError(f"n must be a whole number from 1 to 100, not '{_text(count)}'")
    top = engine.ranking(flow, dim, period, span, int(count))
    rows = [[engine.model.label(dim, str(k), engine.reference), float(v) / UNIT,
             DASH if y != y else float(y)] for k, v, y in zip(top["key"], top["value"], top["yoy"])]
    return rows or [["", "", ""]]


@xw.func(volatile=True)
@excel_errors
def CHIP_TABLE(table_no, period=None, caller=None):
    """The body of report table 1–7 for a month, spilled exactly as the workbook shows it."""
    engine, book_period = _engine(caller)
    number = _scalar(table_no, "table_no")
    if not isinstance(number, (int, float)) or int(number) != number or not 1 <= number <= 7:
        raise ChipError(f"table_no must be 1 to 7, not '{_text(number) if number is not None else ''}'")
    period = _period(period, book_period)
    body = build_table_body(engine, int(number), period)
    return [["" if v is None else v for v in row] for row in body.values]
