"""The xlwings Lite edition: the same cell functions and the 刷新月报 script, in Pyodide.

A workbook made with ``xladdin init … --lite`` carries a ``main.py`` that holds the xladdin
package and imports every public function of this module (``bundle.main_py``); xlwings Lite
registers what it finds there. Helpers here are private (``_name``), so they stay out of it.
The functions are the desktop ones with the same arguments in the same order
(``xladdin.excel.cells`` holds their single implementation):
``=CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)`` returns an object handle to the
validated engine, and every other function takes that cell first. A Lite cell function cannot
read the workbook, so the raw rows reach it only through that argument; Excel's dependency
graph keeps the results fresh. Errors are raised with the same sentences the desktop
functions and the command line use; Lite shows them as #VALUE! with the message.

Nothing here imports fastexcel, the xlsx patcher or anything else Pyodide lacks, and importing
this module loads no engine (pandas comes with the first call): registering the functions is
quick, and can be checked where pandas is not installed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import xlwings as xw

Flow = Annotated[Literal["出口", "进口"], {"doc": "出口 (exports) or 进口 (imports)"}]
Span = Annotated[Literal["当月", "累计"], {"doc": "当月 (the month, default) or 累计 (January to the month)"}]
By = Annotated[Literal["partner", "province", "product"],
               {"doc": "partner (default), province or product",
                "tooltips": {"partner": "贸易伙伴", "province": "省市（注册地）", "product": "产品"}}]
Data = Annotated[object, xw.ObjectHandle,  # a cells.Dataset
                 {"doc": "the 数据 cell: =CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)"}]

def _cells():
    from xladdin.excel import cells

    return cells


def _data(value: Any):
    """The object handle's engine (a ``cells.Dataset``); anything else is the desktop's message."""
    from xladdin.excel.cells import ChipError, Dataset, handle_error

    if isinstance(value, Dataset):
        return value
    if isinstance(value, xw.ObjectHandle) and isinstance(value.obj, Dataset):
        return value.obj
    handle_error(value)  # raises with the desktop's sentence
    raise ChipError("the first argument must be the data cell")  # pragma: no cover


@xw.func
def CHIP_DATA(raw, period=None, net_yoy=None) -> xw.ObjectHandle:
    """The data handle for the other CHIP_ functions: raw = the 原始数据 table with its header
    (RawData[#All]); period = the report month (设置, SET_PERIOD; empty = the latest month);
    net_yoy = table 1's net-row convention (SET_NET_YOY)."""
    cells = _cells()
    data = cells.dataset(cells.raw_input(raw, period, net_yoy))
    return xw.ObjectHandle(data, text=data.handle)


@xw.func
def CHIP_VALUE(data: Data, flow: Flow, period=None, product=None, partner=None, province=None,
               span: Span = None):
    """HS 8542 trade value in 亿美元: data = the 数据 cell, flow 出口/进口, period 2025-07 (empty =
    the report month), optionally one product, partner (or 东盟/欧盟) or province, span 当月
    (default) or 累计."""
    return _cells().figure("value", _data(data), flow, period, product, partner, province, span)


@xw.func
def CHIP_YOY(data: Data, flow: Flow, period=None, product=None, partner=None, province=None,
             span: Span = None):
    """Year-on-year growth in % (— where the prior year is zero or missing); same arguments
    as CHIP_VALUE."""
    return _cells().figure("yoy", _data(data), flow, period, product, partner, province, span)


@xw.func
def CHIP_SHARE(data: Data, flow: Flow, period=None, product=None, partner=None, province=None,
               span: Span = None):
    """Share in % of the flow's HS 8542 total for the same period; same arguments as
    CHIP_VALUE."""
    return _cells().figure("share", _data(data), flow, period, product, partner, province, span)


@xw.func
def CHIP_RANK(data: Data, flow: Flow, period=None, by: By = "partner", n=10, span: Span = None):
    """Top n by value, spilled as rows of name, value (亿美元), YoY (%): data = the 数据 cell;
    by partner (default), province or product; span 当月 (default) or 累计."""
    return _cells().rank(_data(data), flow, period, by, n, span)


@xw.func
def CHIP_TABLE(data: Data, table_no, period=None):
    """The body of report table 1–7 for a month (empty = the report month), spilled exactly as
    the workbook shows it; data = the 数据 cell."""
    return _cells().table(_data(data), table_no, period)


@xw.script(name="刷新月报")
async def refresh_report(book: xw.BookAsync):
    """刷新月报: read 原始数据 and 设置, validate and audit, write tables 1–7, the text and the
    cover through the render plan. Progress and problems go to the output pane."""
    from xladdin.lite.script import refresh

    await refresh(book, print)
