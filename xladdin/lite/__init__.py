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

from collections.abc import Callable
from typing import Annotated, Any, Literal

import xlwings as xw

from xladdin.excel.functions import FUNCTIONS, Arg, CellFunction, generate


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


def _annotation(arg: Arg) -> Any:
    """What Lite reads from a type hint: the object handle, or a dropdown of the literals."""
    if arg.kind == "data":
        return Annotated[object, xw.ObjectHandle, {"doc": arg.doc}]  # a cells.Dataset
    if arg.choices:
        extra = {"tooltips": dict(arg.tooltips)} if arg.tooltips else {}
        return Annotated[Literal[arg.choices], {"doc": arg.doc, **extra}]
    return None


def lite_function(declared: CellFunction, module: str = __name__) -> Callable[..., Any]:
    """The xlwings Lite function of a declaration, with the same arguments as the desktop's."""
    def call(*given: Any) -> Any:
        cells = _cells()
        if declared.makes_data:
            data = cells.dataset(cells.raw_input(*given))
            return xw.ObjectHandle(data, text=data.handle)
        return getattr(cells, declared.impl)(*declared.fixed, _data(given[0]), *given[1:])

    function = generate(declared, call, module=module)
    hints = {a.name: _annotation(a) for a in declared.args if _annotation(a) is not None}
    if declared.makes_data:
        hints["return"] = xw.ObjectHandle
    function.__annotations__ = hints
    for arg in declared.args:
        if arg.kind != "data" and not arg.choices:
            function = xw.arg(arg.name, doc=arg.doc)(function)
    return xw.func(function)


for _declared in FUNCTIONS:
    globals()[_declared.name] = lite_function(_declared)


@xw.script(name="刷新月报")
async def refresh_report(book: xw.BookAsync):
    """刷新月报: read 原始数据 and 设置, validate and audit, write tables 1–7, the text and the
    cover through the render plan. Progress and problems go to the output pane."""
    from xladdin.lite.script import refresh

    await refresh(book, print)
