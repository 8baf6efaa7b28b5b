"""Excel cell functions: =CHIP_DATA and =CHIP_VALUE, =CHIP_YOY, =CHIP_MOM, =CHIP_SHARE,
=CHIP_SERIES, =CHIP_RANK, =CHIP_TABLE.

Registered with xlwings (``UDF Modules: xladdin.excel.udf``); on machines without Excel the
decorators do nothing and these are plain functions. Arguments come as Excel gives them:
numbers as floats, blanks as None, ranges as 2-D lists, dates as datetimes. A bad argument
returns a readable ``#CHIP!`` message in the cell, never a traceback.

``=CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)`` (the template's cell 数据) turns the raw
table into a handle text; every other function takes that cell first. Excel therefore
recomputes exactly the cells that depend on a changed raw cell or setting, in the right order,
and the raw values cross into Python once per change. Nothing is volatile.

Each function is made here from its declaration in ``functions.py`` (name, arguments, help);
the logic lives in ``cells.py``, shared with the xlwings Lite edition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlwings as xw

from xladdin.excel import cells
from xladdin.excel.cells import cell_errors
from xladdin.excel.functions import CATEGORY, FUNCTIONS, CellFunction, generate
from xladdin.excel.live import DatasetCache

#: The engines behind the data handles of the workbooks this Python process serves. Excel
#: calls every cell function separately, so the engine the data cell validated must outlive
#: that call for the cells that take its handle: this cache, owned by the cell functions of
#: this module, is that memory, for as long as the process runs. Tests start from an empty
#: one (``DATASETS.clear()``) or make functions over their own
#: (``desktop_function(declared, datasets=DatasetCache())``).
DATASETS = DatasetCache()


def desktop_function(declared: CellFunction, module: str = __name__,
                     datasets: DatasetCache = DATASETS) -> Callable[..., Any]:
    """The xlwings desktop function of a declaration: its arguments, then ``caller`` (which
    xlwings fills with the calling range, and its VBA wrapper leaves out). Its engines are
    kept in ``datasets``; a handle not there is rebuilt from the calling workbook."""
    def call(*given: Any) -> Any:
        if declared.makes_data:
            return datasets.make(*given).handle
        *given, caller = given
        book = caller.sheet.book if caller is not None else xw.books.active
        return getattr(cells, declared.impl)(*declared.fixed, datasets.get(given[0], book), *given[1:])

    function = cell_errors(generate(declared, call, () if declared.makes_data else ("caller",), module))
    for arg in declared.args:
        options = {"ndim": 2} if arg.kind == "table" else {}
        function = xw.arg(arg.name, doc=arg.doc, **options)(function)
    return xw.func(category=CATEGORY)(function)


for _declared in FUNCTIONS:
    globals()[_declared.name] = desktop_function(_declared)
