"""The live-Excel side, through xlwings: read a workbook, write a plan, cache engines.

Thin on purpose: Excel values in, engine calls, Excel values out. Everything here works on
the few xlwings objects it names (Book, Sheet, Range, Name, App), so tests drive it with a
small fake of them.

Engine cache: the cell functions must not move the raw table across COM on every call. The
template's 设置 sheet has a cell (defined name ``RAW_TOKEN``) whose formula Excel recomputes
whenever the 原始数据 table or the settings change. The cache keeps, per workbook, the token
its engine was built from; a call reads that one cell, and only when it differs is the raw
table read again (one bulk read). A refresh also drops the workbook's entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from xladdin.engine.load import from_raw
from xladdin.engine.metrics import Engine, Settings
from xladdin.engine.periods import parse_period
from xladdin.engine.raw import RAW_SHEET, RawData, normalize
from xladdin.errors import XladdinError
from xladdin.report.layout import RAW_TOKEN_NAME
from xladdin.report.render import NUMBER, Block, Publication

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

    def write(self, block: Block) -> None:
        top = name_range(self.book, block.name)[0, 0]
        rows, cols = block.shape
        target = top.resize(rows, cols)
        target.value = [[excel_text(v) for v in row] + [""] * (cols - len(row)) for row in block.values]
        if any(NUMBER in row for row in block.formats):
            target.number_format = NUMBER


def raw_from_book(book: Any) -> RawData:
    """The 原始数据 sheet of a live workbook, read in one bulk read and validated."""
    try:
        sheet = book.sheets[RAW_SHEET]
    except Exception:
        raise XladdinError(f"the workbook has no sheet '{RAW_SHEET}'; paste the customs rows into a sheet "
                           f"named {RAW_SHEET} (the xladdin template has one)") from None
    values = sheet.used_range.value
    if not isinstance(values, list) or not values or not isinstance(values[0], list):
        values = [[values]]
    header, rows = values[0], values[1:]
    names = [str(h).strip() if h not in (None, "") else f"Unnamed{i}" for i, h in enumerate(header)]
    table = pd.DataFrame(rows, columns=names, dtype=object)
    return normalize(table, f"{book.name}, sheet {RAW_SHEET}", first_row=2)


def settings_from_book(book: Any) -> tuple[str | None, Settings]:
    """The report period (None: the latest month) and options from the 设置 sheet."""
    period = name_range(book, "SET_PERIOD").value
    net = name_range(book, "SET_NET_YOY").value
    period = parse_period(period) if period not in (None, "") else None
    return period, Settings(net_yoy=str(net or "net_import_pct").strip())


def publication_from_book(book: Any) -> Publication:
    """The cover's issuer and publication date from 设置 (blank: the defaults)."""
    return Publication.of(name_range(book, "SET_ISSUER").value, name_range(book, "SET_DATE").value)


@dataclass
class _Entry:
    token: Any
    engine: Engine
    period: str | None


class EngineCache:
    """One engine per workbook, rebuilt only when the workbook's raw-data token changes."""

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self.loads = 0  # how many times a raw table was read (for tests and benchmarks)

    def get(self, book: Any) -> tuple[Engine, str | None]:
        token = name_range(book, RAW_TOKEN_NAME).value
        entry = self.entries.get(book.fullname)
        if entry is None or entry.token != token or token in (None, ""):
            self.loads += 1
            period, settings = settings_from_book(book)
            engine = from_raw(raw_from_book(book), settings)
            entry = _Entry(token, engine, period or engine.model.latest_period())
            self.entries[book.fullname] = entry
        return entry.engine, entry.period

    def drop(self, book: Any) -> None:
        self.entries.pop(book.fullname, None)


CACHE = EngineCache()
