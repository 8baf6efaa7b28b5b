"""The live-Excel side, through xlwings: read a workbook, write a plan, cache engines.

Thin on purpose: Excel values in, engine calls, Excel values out. Everything here works on
the few xlwings objects it names (Book, Sheet, Range, Name, App), so tests drive it with a
small fake of them.

Datasets: the data cell (``=CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)``, named 数据 in
the template) gets the raw table from Excel as an argument, so Excel's dependency graph calls it
again exactly when a raw cell or a setting changes, and the cells that take 数据 after it. It
shows a handle text ending in a content hash; a ``DatasetCache`` keeps the engines by that
hash (the one the cell functions use is ``udf.DATASETS``). A handle whose engine is not in
memory (the workbook was reopened, Python restarted) is rebuilt from the calling workbook: the
same table and settings, read here in one bulk read each.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter, quote_sheetname

from xladdin.engine.raw import RAW_SHEET, RawData, validate_table
from xladdin.engine.setting_cells import SETTING_CELLS, SheetSettings, read_settings
from xladdin.errors import XladdinError
from xladdin.excel.cells import ChipError, Dataset, dataset, handle_error, raw_input
from xladdin.report.layout import RAW_TABLE
from xladdin.report.render import TEXT, Block

FORMULA_LEAD = ("=", "+", "-", "@")


def name_range(book: Any, name: str):
    """The range a workbook-level defined name points to."""
    try:
        return book.names[name].refers_to_range
    except Exception:
        raise XladdinError(f"the workbook has no defined name {name}; start from the xladdin template "
                           "or restore the name (公式 > 名称管理器)") from None


def excel_text(value: Any) -> Any:
    """Text that Excel would take for a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_LEAD):
        return "'" + value
    return "" if value is None else value


class XlwingsBackend:
    """Writes plan blocks into a live workbook: one bulk write per block."""

    def __init__(self, book: Any) -> None:
        self.book = book

    def anchor(self, name: str) -> tuple[str, int, int]:
        """Sheet, row and column of a name's first cell (checked before anything is written)."""
        target = name_range(self.book, name)
        return target.sheet.name, target.row, target.column

    def write(self, block: Block) -> None:
        """One bulk write from the name's first cell. A block with more or fewer rows than its
        name (the monthly history) clears the rows it no longer fills and resizes the name."""
        if not block.values:  # no monthly history (data held only as ranges): nothing to write
            return
        named = name_range(self.book, block.name)
        top = named[0, 0]
        rows, cols = block.shape
        target = top.resize(rows, cols)
        target.value = [[excel_text(v) for v in row] + [""] * (cols - len(row)) for row in block.values]
        number = next((f for row in block.formats for f in row if f != TEXT), None)
        if number:
            target.number_format = number
        named_rows, named_cols = named.shape
        if rows and rows != named_rows:
            width = max(cols, named_cols)
            if rows < named_rows:
                named[rows, 0].resize(named_rows - rows, width).value = [[""] * width] * (named_rows - rows)
            last = f"${get_column_letter(top.column + width - 1)}${top.row + rows - 1}"
            try:
                self.book.names[block.name].refers_to = (
                    f"={quote_sheetname(top.sheet.name)}!${get_column_letter(top.column)}${top.row}:{last}")
            except Exception:  # noqa: BLE001 - a client that cannot redefine names (xlwings Lite)
                pass  # keeps the old extent: the rows are written all the same, from the anchor


def raw_sheet(book: Any) -> Any:
    """The workbook's 原始数据 sheet, or the error that says how to add one."""
    try:
        return book.sheets[RAW_SHEET]
    except Exception:
        raise XladdinError(f"the workbook has no sheet '{RAW_SHEET}'; paste the customs rows into a sheet "
                           f"named {RAW_SHEET} (the xladdin template has one)") from None


def raw_from_values(values: Any, book_name: str, scope: str | None = None) -> RawData:
    """The 原始数据 sheet's cells as read (header row first), validated under a product scope
    (设置's SET_SCOPE; chips where none is given)."""
    if not isinstance(values, list) or not values or not isinstance(values[0], list):
        values = [[values]]
    header, rows = values[0], values[1:]
    names = [str(h).strip() if h not in (None, "") else f"Unnamed{i}" for i, h in enumerate(header)]
    table = pd.DataFrame(rows, columns=names, dtype=object)
    return validate_table(table, f"{book_name}, sheet {RAW_SHEET}", first_row=2, scope=scope)


def raw_from_book(book: Any, scope: str | None = None) -> RawData:
    """The 原始数据 sheet of a live workbook, read in one bulk read and validated."""
    return raw_from_values(raw_sheet(book).used_range.value, book.name, scope)


def settings_cells(book: Any) -> dict[str, Any]:
    """The 设置 cells the workbook has (by defined name), one read each, for ``read_settings``."""
    found = {}
    for cell in SETTING_CELLS:
        try:
            found[cell.name] = name_range(book, cell.name).value
        except XladdinError:
            continue  # a missing cell reads as its default (setting_cells says when to mention it)
    return found


def has_name(book: Any, name: str) -> bool:
    """Whether the workbook has a defined name (older workbooks lack the newer ones)."""
    try:
        name_range(book, name)
    except XladdinError:
        return False
    return True


def settings_from_book(book: Any) -> SheetSettings:
    """The report month, options and cover details from the 设置 sheet."""
    return read_settings(settings_cells(book))


#: A call of a CHIP_ function by its bare name: not one bound to an Office add-in (xlwings Lite's
#: ``_xldudf_CHIP_…``, shown as ``XLWINGS.CHIP_…``), which this add-in does not serve.
_CALLS_CHIP = re.compile(r"(?<![\w.])CHIP_\w*\(", re.IGNORECASE)


def rebind_cell_functions(book: Any) -> int:
    """Re-enter every formula that calls a ``CHIP_`` function, so Excel binds it to the add-in
    that is loaded now; returns how many were re-entered.

    A file written by xladdin (or another program) stores ``CHIP_DATA(…)`` as bare text, while
    Excel stores a call to an add-in function with a link to the add-in: Excel may open the
    bare call as an unknown name (``#NAME?``). Typing the formula again, as ``formula2`` does
    (dynamic-array semantics, so no ``@`` is added), makes Excel look the name up among the
    loaded add-ins. Each sheet's formulas are read in one request; 原始数据 holds none and is
    skipped. Cells a spilled array fills have no formula of their own and are left alone.
    """
    count = 0
    for sheet in book.sheets:
        if sheet.name == RAW_SHEET:
            continue
        used = sheet.used_range
        rows, cols = used.shape
        formulas = used.formula2
        flat = ([formulas] if not isinstance(formulas, (list, tuple)) else
                [f for row in formulas for f in (row if isinstance(row, (list, tuple)) else [row])])
        for index, formula in enumerate(flat[:rows * cols]):
            if isinstance(formula, str) and formula.startswith("=") and _CALLS_CHIP.search(formula):
                sheet.range((used.row + index // cols, used.column + index % cols)).formula2 = formula
                count += 1
    return count


def raw_table_values(book: Any) -> list[list[Any]]:
    """What ``RawData[#All]`` passes to the data cell: the table's header and rows, one bulk read."""
    try:
        table = book.sheets[RAW_SHEET].tables[RAW_TABLE]
    except Exception:
        raise XladdinError(f"the workbook has no table {RAW_TABLE} on sheet {RAW_SHEET}; start from the "
                           "xladdin template (xladdin init) or make the raw rows an Excel table named "
                           f"{RAW_TABLE} (插入 > 表格, 表设计 > 表名称)") from None
    return table.range.options(ndim=2).value


class DatasetCache:
    """The engines behind data handles, by content hash; the last ``keep`` stay in memory.

    Nothing here is global: whoever serves cell functions owns one (``udf.DATASETS`` for the
    desktop add-in) and keeps it as long as cells may ask for the engines it holds.
    """

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self.entries: OrderedDict[str, Dataset] = OrderedDict()
        self.loads = 0  # how many raw tables were validated (for tests and benchmarks)

    def make(self, raw: Any, period: Any, net_yoy: Any, source: str = f"sheet {RAW_SHEET}") -> Dataset:
        """The data cell: the engine for the table it was given, validated once per content."""
        given = raw_input(raw, period, net_yoy)
        data = self.entries.get(given.digest)
        if data is None:
            self.loads += 1
            data = dataset(given, source)
        self.entries[data.digest] = data
        self.entries.move_to_end(data.digest)
        while len(self.entries) > self.keep:
            self.entries.popitem(last=False)
        return data

    def clear(self) -> None:
        """Forget every engine (as when Python restarts); handles are then rebuilt on use."""
        self.entries.clear()

    def get(self, handle: Any, book: Any) -> Dataset:
        """The dataset a handle names; rebuilt from ``book`` when it is not in memory."""
        digest = handle_digest(handle)
        data = self.entries.get(digest)
        if data is None:
            data = self.make(raw_table_values(book), name_range(book, "SET_PERIOD").value,
                             name_range(book, "SET_NET_YOY").value, f"{book.name}, sheet {RAW_SHEET}")
            if data.digest != digest:
                raise ChipError(f"the data cell shows #{digest} but {RAW_SHEET} now hashes to "
                                f"#{data.digest}: recalculate the workbook (Ctrl+Alt+F9)")
        self.entries.move_to_end(digest)
        return data


def handle_digest(handle: Any) -> str:
    """The content hash at the end of a data handle; anything else is a clear cell error."""
    value = handle
    while isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    shown = "" if value is None else str(value)
    head, sep, digest = shown.rpartition(" #")
    if not sep or not head.startswith(RAW_SHEET) or not digest.isalnum():
        handle_error(shown)
    return digest
