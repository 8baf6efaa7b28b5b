"""Excel cell functions: =CHIP_DATA and =CHIP_VALUE, =CHIP_YOY, =CHIP_SHARE, =CHIP_RANK, =CHIP_TABLE.

Registered with xlwings (``UDF Modules: xladdin.excel.udf``); on machines without Excel the
decorators do nothing and these are plain functions. Arguments come as Excel gives them:
numbers as floats, blanks as None, ranges as 2-D lists, dates as datetimes. A bad argument
returns a readable ``#CHIP!`` message in the cell, never a traceback.

``=CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)`` (the template's cell 数据) turns the raw
table into a handle text; every other function takes that cell first. Excel therefore
recomputes exactly the cells that depend on a changed raw cell or setting, in the right order,
and the raw values cross into Python once per change. Nothing is volatile. The logic lives in
``cells.py``, shared with the xlwings Lite edition.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from xladdin.excel import cells
from xladdin.excel.cells import cell_errors
from xladdin.excel.live import DATASETS


def _data(data: Any, caller: Any) -> cells.Dataset:
    book = caller.sheet.book if caller is not None else xw.books.active
    return DATASETS.get(data, book)


@xw.func
@xw.arg("raw", ndim=2)
@cell_errors
def CHIP_DATA(raw, period=None, net_yoy=None):
    """The data handle for the other CHIP_ functions: raw = the 原始数据 table with its header
    (RawData[#All]); period = the report month (设置, SET_PERIOD; empty = the latest month);
    net_yoy = table 1's net-row convention (SET_NET_YOY)."""
    return DATASETS.make(raw, period, net_yoy).handle


@xw.func
@cell_errors
def CHIP_VALUE(data, flow, period=None, product=None, partner=None, province=None, span=None, caller=None):
    """HS 8542 trade value in 亿美元: data = the 数据 cell, flow 出口/进口, period 2025-07 (empty =
    the report month), optionally one product, partner (or 东盟/欧盟) or province, span 当月
    (default) or 累计."""
    return cells.figure("value", _data(data, caller), flow, period, product, partner, province, span)


@xw.func
@cell_errors
def CHIP_YOY(data, flow, period=None, product=None, partner=None, province=None, span=None, caller=None):
    """Year-on-year growth in % (— where the prior year is zero or missing); same arguments
    as CHIP_VALUE."""
    return cells.figure("yoy", _data(data, caller), flow, period, product, partner, province, span)


@xw.func
@cell_errors
def CHIP_SHARE(data, flow, period=None, product=None, partner=None, province=None, span=None, caller=None):
    """Share in % of the flow's HS 8542 total for the same period; same arguments as
    CHIP_VALUE."""
    return cells.figure("share", _data(data, caller), flow, period, product, partner, province, span)


@xw.func
@cell_errors
def CHIP_RANK(data, flow, period=None, by="partner", n=10, span=None, caller=None):
    """Top n by value, spilled as rows of name, value (亿美元), YoY (%): data = the 数据 cell;
    by partner (default), province or product; span 当月 (default) or 累计."""
    return cells.rank(_data(data, caller), flow, period, by, n, span)


@xw.func
@cell_errors
def CHIP_TABLE(data, table_no, period=None, caller=None):
    """The body of report table 1–7 for a month (empty = the report month), spilled exactly as
    the workbook shows it; data = the 数据 cell."""
    return cells.table(_data(data, caller), table_no, period)
