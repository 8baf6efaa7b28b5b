"""A small fake of the xlwings objects xladdin uses (App, Book, Sheet, Range, Name).

It holds an openpyxl workbook and behaves like Excel where xladdin relies on it: a bulk
value read or write per range, numbers read as floats (as COM gives them), text with a
leading apostrophe stored as text, Excel tables (``sheet.tables[name].range``). It counts the
cells read from 原始数据, so tests can prove a warm call reads none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from xladdin.engine.raw import RAW_SHEET


class FakeApp:
    def __init__(self) -> None:
        self.status_bar: Any = None
        self.screen_updating = True
        self.screen_updating_seen: list[bool] = []
        self.alerts: list[tuple[str, str]] = []
        self.calculations = 0

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "screen_updating" and hasattr(self, "screen_updating_seen"):
            self.screen_updating_seen.append(value)
        super().__setattr__(name, value)

    def alert(self, prompt: str, title: str = "", buttons: str = "ok", mode: str | None = None) -> str:
        self.alerts.append((title, prompt))
        return "ok"

    def calculate(self) -> None:
        self.calculations += 1


def _excel(value: Any) -> Any:
    """A cell value as COM hands it over: every number a float."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


class FakeRange:
    def __init__(self, sheet: FakeSheet, row: int, col: int, rows: int = 1, cols: int = 1,
                 ndim: int | None = None) -> None:
        self.sheet, self.row, self.col, self.rows, self.cols = sheet, row, col, rows, cols
        self.ndim = ndim

    def options(self, ndim: int | None = None) -> FakeRange:
        return FakeRange(self.sheet, self.row, self.col, self.rows, self.cols, ndim)

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self.sheet, self.row + self.rows - 1, self.col + self.cols - 1)

    async def get_value(self) -> Any:
        """xlwings Lite's async read (``xw.BookAsync``): one request per call, recorded."""
        self.sheet.book.async_reads.append((self.sheet.name, self.rows, self.cols))
        return self.value

    def __getitem__(self, index: tuple[int, int]) -> FakeRange:
        r, c = index
        return FakeRange(self.sheet, self.row + r, self.col + c)

    @property
    def column(self) -> int:  # xlwings' Range.column: the first column's number
        return self.col

    def resize(self, rows: int, cols: int) -> FakeRange:
        return FakeRange(self.sheet, self.row, self.col, rows, cols)

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, self.cols

    @property
    def value(self) -> Any:
        book = self.sheet.book
        if self.sheet.name == RAW_SHEET:
            book.raw_cells_read += self.rows * self.cols
        ws = self.sheet.ws
        grid = [[_excel(ws.cell(self.row + i, self.col + j).value) for j in range(self.cols)]
                for i in range(self.rows)]
        if self.ndim == 2:
            return grid
        if self.rows == 1 and self.cols == 1:
            return grid[0][0]
        if self.rows == 1 or self.cols == 1:  # xlwings reads one row or column as a flat list
            return [v for row in grid for v in row]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        grid = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        ws = self.sheet.ws
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                cell = ws.cell(self.row + i, self.col + j)
                if isinstance(cell, MergedCell):
                    continue
                if isinstance(v, str) and v.startswith("'"):
                    cell.value, cell.data_type = v[1:], "s"
                else:
                    cell.value = None if v == "" else v
        self.sheet.book.writes.append((self.sheet.name, self.row, self.col, len(grid), len(grid[0])))

    @property
    def formula2(self) -> Any:
        """Each cell's formula, or its constant as text ("" when empty), as COM gives them: a
        single cell's text, else rows of texts."""
        grid = [[_formula(self.sheet.ws.cell(self.row + i, self.col + j).value) for j in range(self.cols)]
                for i in range(self.rows)]
        return grid[0][0] if self.rows == self.cols == 1 else grid

    @formula2.setter
    def formula2(self, formula: str) -> None:
        """A formula typed in again (Excel binds its names anew); recorded."""
        self.sheet.ws.cell(self.row, self.col).value = formula
        self.sheet.book.formulas_entered.append((self.sheet.name, self.row, self.col, formula))

    @property
    def number_format(self) -> str:
        return self.sheet.ws.cell(self.row, self.col).number_format

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        for i in range(self.rows):
            for j in range(self.cols):
                cell = self.sheet.ws.cell(self.row + i, self.col + j)
                if not isinstance(cell, MergedCell):
                    cell.number_format = fmt


class FakeSheet:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book, self.name, self.ws = book, name, book.wb[name]

    @property
    def used_range(self) -> FakeRange:
        return FakeRange(self, 1, 1, self.ws.max_row, self.ws.max_column)

    def range(self, address: str | tuple[int, int], last: tuple[int, int] | None = None) -> FakeRange:
        if isinstance(address, tuple):
            (r1, c1), (r2, c2) = address, last or address
        else:
            c1, r1, c2, r2 = range_boundaries(address)
        return FakeRange(self, r1, c1, r2 - r1 + 1, c2 - c1 + 1)

    @property
    def tables(self) -> dict[str, FakeTable]:
        return {name: FakeTable(self, ref) for name, ref in self.ws.tables.items()}


class FakeTable:
    """An Excel table (ListObject); ``range`` covers its header and rows, like ``Table[#All]``."""

    def __init__(self, sheet: FakeSheet, ref: str) -> None:
        self.range = sheet.range(ref)


def _formula(value: Any) -> str:
    return "" if value is None else str(value)


class _Sheets:
    def __init__(self, book: FakeBook) -> None:
        self.book = book

    def __iter__(self):
        return iter([FakeSheet(self.book, name) for name in self.book.wb.sheetnames])

    def __getitem__(self, name: str) -> FakeSheet:
        if name not in self.book.wb.sheetnames:
            raise KeyError(name)
        return FakeSheet(self.book, name)


class FakeName:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book, self.name = book, name
        sheet, ref = next(iter(book.wb.defined_names[name].destinations))
        self.refers_to_range = FakeSheet(book, sheet).range(ref.replace("$", ""))

    @property
    def refers_to(self) -> str:
        return "=" + str(self.book.wb.defined_names[self.name].attr_text)

    @refers_to.setter
    def refers_to(self, formula: str) -> None:
        """Excel takes '=Sheet!$A$1:$B$2'; the name then points at the new cells."""
        self.book.wb.defined_names[self.name] = DefinedName(self.name, attr_text=formula.lstrip("="))
        self.__init__(self.book, self.name)


class _Names:
    def __init__(self, book: FakeBook) -> None:
        self.book = book
        self.known: dict[str, FakeName] = {}

    def __getitem__(self, name: str) -> FakeName:
        if name not in self.known:
            if name not in self.book.wb.defined_names:
                raise KeyError(name)
            self.known[name] = FakeName(self.book, name)
        return self.known[name]


class FakeBook:
    """A workbook file opened 'in Excel'."""

    def __init__(self, path: Path) -> None:
        self.wb = load_workbook(path)
        self.fullname, self.name = str(path), Path(path).name
        self.app = FakeApp()
        self.sheets, self.names = _Sheets(self), _Names(self)
        self.raw_cells_read = 0
        self.writes: list[tuple] = []
        self.async_reads: list[tuple[str, int, int]] = []
        self.formulas_entered: list[tuple[str, int, int, str]] = []

    def raw_table(self) -> list[list[Any]]:
        """What Excel passes for ``RawData[#All]`` (read without counting, as Excel does it)."""
        ref = self.wb[RAW_SHEET].tables["RawData"].ref
        c1, r1, c2, r2 = range_boundaries(ref)
        ws = self.wb[RAW_SHEET]
        return [[_excel(ws.cell(r, c).value) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def setting(self, name: str) -> Any:
        return _excel(self.names[name].refers_to_range.value)


class FakeCaller:
    """What xlwings passes as ``caller``: the calling cell, whose sheet knows its book."""

    def __init__(self, book: FakeBook, sheet: str = "表1") -> None:
        self.sheet = FakeSheet(book, sheet)

