"""Every cell function, declared once: its name, its arguments and their help, what it does.

The desktop wrappers (``udf.py``), their VBA (xlwings' generator, run by ``vba.py`` when the
add-in is built), the function wizard's help (``vba.help_module``), the xlwings Lite functions
(``lite/__init__.py``) and the import list of the Lite workbook's ``main.py`` are all made from
``FUNCTIONS``. A new function is one more ``CellFunction`` here and its logic in ``cells.py``.

This module imports neither pandas nor xlwings: Lite registers its functions without loading
the engine, and the add-in build reads the declarations on any machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xladdin.engine.vocabulary import BY_CHOICES, FLOW_CHOICES, MEASURE_CHOICES, SPAN_CHOICES, TABLE_NUMBERS

#: Excel's limit on a description and on each argument's description (Application.MacroOptions)
HELP_CHARS = 255
CATEGORY = "xladdin"


class Required:
    """The default of an argument Excel must be given."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = Required()


@dataclass(frozen=True)
class Arg:
    """One argument: its name in Python and Excel, the help shown where the user types it, its
    default (REQUIRED: none), and the literals a dropdown offers (Lite), if any."""

    name: str
    doc: str
    default: Any = None
    choices: tuple[str, ...] = ()
    tooltips: dict[str, str] = field(default_factory=dict)
    #: "value" (one cell or a typed value), "data" (the 数据 handle), "table" (a whole range,
    #: always two-dimensional)
    kind: str = "value"


@dataclass(frozen=True)
class CellFunction:
    """A cell function: ``cells.<impl>(*fixed, dataset, *other arguments)`` (or, for the data
    cell, the dataset itself made from the arguments)."""

    name: str
    doc: str
    args: tuple[Arg, ...]
    impl: str = ""
    fixed: tuple[Any, ...] = ()
    #: the function that makes the data handle the others take first
    makes_data: bool = False

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.args]


DATA = Arg("data", "the 数据 cell: =CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)", REQUIRED, kind="data")
FLOW = Arg("flow", "出口 (exports) or 进口 (imports)", REQUIRED, FLOW_CHOICES)
PERIOD = Arg("period", "the month: 2025-07, 202507 or a date (empty = the report month of 设置)")
PRODUCT = Arg("product", "optional, one product: a name (存储器, Memories) or an HS code (854232)")
PARTNER = Arg("partner", "optional, one partner: a name (韩国) or a code (133), or the region 东盟 or 欧盟")
PROVINCE = Arg("province", "optional, one province of registration: a name (广东) or a code (44)")
SPAN = Arg("span", "当月 (the month, default) or 累计 (January to the month)", None, SPAN_CHOICES)
ONE_OF = "give at most one of product, partner and province (none: the flow's total)"
FIGURE_ARGS = (DATA, FLOW, PERIOD, PRODUCT, PARTNER, PROVINCE, SPAN)

FUNCTIONS: tuple[CellFunction, ...] = (
    CellFunction(
        "CHIP_DATA",
        "The data handle every other CHIP_ function takes first: the 原始数据 table validated "
        "once, with the report month and the net-row convention of 设置.",
        (Arg("raw", "the 原始数据 table with its header row: RawData[#All]", REQUIRED, kind="table"),
         Arg("period", "the report month (设置, SET_PERIOD); empty = the latest month"),
         Arg("net_yoy", "table 1's net-row convention (设置, SET_NET_YOY): net_import_pct or abs_diff")),
        makes_data=True),
    CellFunction(
        "CHIP_VALUE",
        f"Trade value in 亿美元 of the data's product scope (chips, HS 8542, by default) for a month "
        f"or January to the month; {ONE_OF}.",
        FIGURE_ARGS, "figure", ("value",)),
    CellFunction(
        "CHIP_YOY",
        "Year-on-year growth in % (同比; — where the year before is missing or zero); the same "
        "arguments as CHIP_VALUE.",
        FIGURE_ARGS, "figure", ("yoy",)),
    CellFunction(
        "CHIP_MOM",
        "Month-on-month growth in % (环比: on the month before, January on the December before; "
        "— where that month is missing or zero); span 当月 only.",
        FIGURE_ARGS, "figure", ("mom",)),
    CellFunction(
        "CHIP_SHARE",
        "Share in % of the flow's total over the data's product scope for the same period (占比); "
        "the same arguments as CHIP_VALUE.",
        FIGURE_ARGS, "figure", ("share",)),
    CellFunction(
        "CHIP_SERIES",
        "A monthly series, spilled: a header row, then each month from start to end (YYYY-MM) "
        f"and its figure, empty where undefined; {ONE_OF}.",
        (DATA, FLOW,
         Arg("start", "the first month, 2024-01 (empty = the first month the data hold)"),
         Arg("end", "the last month, 2025-07 (empty = the report month of 设置)"),
         PRODUCT, PARTNER, PROVINCE,
         Arg("measure", "value (亿美元, default), yoy (同比 %), mom (环比 % on the month before) or "
             "share (% of the flow's total)", None, MEASURE_CHOICES),
         Arg("span", "当月 (each month, default) or 累计 (January to each month; no mom)", None,
             SPAN_CHOICES)),
        "series"),
    CellFunction(
        "CHIP_RANK",
        "The top n by value, spilled as rows of name, value (亿美元) and YoY (%).",
        (DATA, FLOW, PERIOD,
         Arg("by", "partner (default), province or product", "partner", BY_CHOICES,
             {"partner": "贸易伙伴", "province": "省市（注册地）", "product": "产品"}),
         Arg("n", "how many rows, 1 to 100 (default 10)", 10),
         SPAN),
        "rank"),
    CellFunction(
        "CHIP_TABLE",
        f"The body of report table {TABLE_NUMBERS[0]}–{TABLE_NUMBERS[-1]} for a month, spilled exactly "
        "as the workbook shows it.",
        (DATA, Arg("table_no", f"the table's number, {TABLE_NUMBERS[0]} to {TABLE_NUMBERS[-1]}", REQUIRED),
         PERIOD),
        "table"),
)


def generate(declared: CellFunction, call: Callable[..., Any], extra: tuple[str, ...] = (),
             module: str = __name__) -> Callable[..., Any]:
    """A real Python function with the declared name, arguments (in order, with their defaults)
    and docstring, passing its arguments on to ``call``.

    Excel and xlwings read a function's shape from its signature (xlwings' VBA generator, its
    Lite decorators), so the wrapper is written out as source and compiled rather than faked
    with ``*args``; ``extra`` are trailing runtime-only arguments (the desktop's ``caller``).
    """
    params = [a.name if a.default is REQUIRED else f"{a.name}={a.default!r}" for a in declared.args]
    params += [f"{name}=None" for name in extra]
    names = ", ".join(declared.names + list(extra))
    source = f"def {declared.name}({', '.join(params)}):\n    return _call({names})\n"
    namespace: dict[str, Any] = {"_call": call}
    exec(compile(source, f"<{declared.name}>", "exec"), namespace)  # noqa: S102 (our own text)
    function = namespace[declared.name]
    function.__doc__ = declared.doc
    function.__module__ = module
    function.__qualname__ = declared.name
    return function


#: The scripts xlwings Lite lists besides the cell functions (defined in ``xladdin.lite``).
SCRIPTS = ("refresh_report",)


def main_py_imports(functions: tuple[CellFunction, ...] = FUNCTIONS,
                    scripts: tuple[str, ...] = SCRIPTS, module: str = "xladdin.lite") -> str:
    """The import statement of the Lite workbook's ``main.py``: every function and script."""
    names = sorted(f.name for f in functions) + list(scripts)
    lines = "".join(f"    {name},\n" for name in names)
    note = "# noqa: E402, F401  (xlwings Lite registers what main.py holds)"
    return f"from {module} import (  {note}\n{lines})\n"


def check(functions: tuple[CellFunction, ...] = FUNCTIONS) -> None:
    """Refuse declarations Excel would truncate or misread (run by the tests and the build)."""
    for f in functions:
        if len(f.doc) > HELP_CHARS:
            raise ValueError(f"{f.name}: the description has {len(f.doc)} characters, over {HELP_CHARS}")
        for a in f.args:
            if len(a.doc) > HELP_CHARS:
                raise ValueError(f"{f.name}({a.name}): the help has {len(a.doc)} characters, "
                                 f"over {HELP_CHARS}")
        defaults = [a.default is not REQUIRED for a in f.args]
        if defaults != sorted(defaults):
            raise ValueError(f"{f.name}: a required argument follows an optional one")
