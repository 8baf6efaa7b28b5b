"""The 刷新月报 script of the xlwings Lite edition: what the desktop ribbon button does.

Lite hands the script the workbook through its async book API (``xw.BookAsync``): no cell
values are loaded up front, each read is awaited, and writes are sent when the script ends.
The raw sheet is read in chunks of ``CHUNK_ROWS`` rows, because Excel on the web moves at most
5 MB per request. The tables are written through the same render plan and back end as the
desktop button; the finished copy is not written (Lite cannot save a file beside the
workbook: use ``xladdin refresh`` or the desktop add-in for it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xladdin.engine.audit import audit, stop_on_errors
from xladdin.engine.editions import parse_jan_feb, parse_lang
from xladdin.engine.load import from_raw
from xladdin.engine.raw import RAW_SHEET
from xladdin.engine.settings import Settings
from xladdin.errors import XladdinError
from xladdin.excel.live import XlwingsBackend, name_range, raw_from_values, raw_sheet
from xladdin.jobs import report_period
from xladdin.report.render import Plan, Publication, apply, build_plan

#: Rows per read of the raw sheet: about 2 MB of cell values, under Excel on the web's 5 MB
#: per transfer with room for long names.
CHUNK_ROWS = 20_000


async def read_raw_values(book: Any, say: Callable[[str], Any]) -> list[list[Any]]:
    """The raw sheet's used cells, header row first, read ``CHUNK_ROWS`` rows at a time."""
    chunk = CHUNK_ROWS
    sheet = raw_sheet(book)
    last = sheet.used_range.last_cell
    rows, cols = last.row, last.column
    values: list[list[Any]] = []
    for start in range(1, rows + 1, chunk):
        end = min(rows, start + chunk - 1)
        values.extend(await sheet.range((start, 1), (end, cols)).options(ndim=2).get_value())
        if rows > chunk:
            say(f"芯片月报：已读取 {end - 1:,} / {rows - 1:,} 行原始数据")
    return values


async def _setting(book: Any, name: str) -> Any:
    return await name_range(book, name).options(ndim=None).get_value()


async def _optional_setting(book: Any, name: str) -> Any:
    """A settings cell that workbooks made before it existed do not have (language, 1-2月合刊)."""
    try:
        return await _setting(book, name)
    except XladdinError:
        return None


async def refresh(book: Any, say: Callable[[str], Any] = print) -> Plan | None:
    """Recompute every table of the workbook; problems are reported, never a traceback."""
    try:
        say("芯片月报：正在读取原始数据…")
        raw = raw_from_values(await read_raw_values(book, say), book.name)
        period = await _setting(book, "SET_PERIOD")
        net = await _setting(book, "SET_NET_YOY")
        publication = Publication.of(await _setting(book, "SET_ISSUER"), await _setting(book, "SET_DATE"))
        lang = parse_lang(await _optional_setting(book, "SET_LANG"))
        jan_feb = parse_jan_feb(await _optional_setting(book, "SET_JAN_FEB"))
        engine = from_raw(raw, Settings(net_yoy=str(net or "net_import_pct").strip(), lang=lang,
                                        jan_feb=jan_feb))
        period = report_period(engine, None if period in (None, "") else period)
        found = audit(engine.model, period, jan_feb=jan_feb)
        for finding in found:
            if finding.severity == "warning":
                say(f"warning: {finding.line()}")
        stop_on_errors(found, force=None)  # no --force in Excel
        plan = build_plan(engine, period, publication, slots=2)  # the workbook has both span groups
        apply(plan, XlwingsBackend(book))
    except XladdinError as exc:
        say(f"error: {exc}")
        return None
    say(f"芯片月报：已刷新 {period}（{len(plan.blocks)} 个区块，{len(raw.frame):,} 行{RAW_SHEET}）")
    return plan
