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

from xladdin.engine.raw import RAW_SHEET
from xladdin.engine.scope import load_scope
from xladdin.engine.setting_cells import SETTING_CELLS, read_settings
from xladdin.errors import Findings, XladdinError
from xladdin.excel.live import XlwingsBackend, has_name, name_range, raw_from_values, raw_sheet
from xladdin.report.pipeline import check_plan_names, prepare_report
from xladdin.report.render import Plan, apply

#: Rows per read of the raw sheet: about 2 MB of cell values, under Excel on the web's 5 MB
#: per transfer with room for long names.
CHUNK_ROWS = 20_000


async def read_raw_values(book: Any, say: Callable[[str], Any], brief: str = "芯片月报") -> list[list[Any]]:
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
            say(f"{brief}：已读取 {end - 1:,} / {rows - 1:,} 行原始数据")
    return values


async def read_settings_cells(book: Any) -> dict[str, Any]:
    """The 设置 cells the workbook has (by defined name), one awaited read each."""
    found = {}
    for cell in SETTING_CELLS:
        try:
            target = name_range(book, cell.name)
        except XladdinError:
            continue  # a missing cell reads as its default (setting_cells says when to mention it)
        found[cell.name] = await target.options(ndim=None).get_value()
    return found


async def refresh(book: Any, say: Callable[[str], Any] = print) -> Plan | None:
    """Recompute every table of the workbook; problems are reported, never a traceback."""
    try:
        sheet = read_settings(await read_settings_cells(book))
        brief = load_scope(sheet.scope).brief
        say(f"{brief}：正在读取原始数据…")
        raw = raw_from_values(await read_raw_values(book, say, brief), book.name, sheet.scope)

        def warn(found: Findings) -> None:
            for finding in found.of("warning"):
                say(finding.line())

        prepared = prepare_report(raw, sheet, on_audit=warn)
        check_plan_names(prepared.plan, lambda name: has_name(book, name), prepared.format)
        apply(prepared.plan, XlwingsBackend(book))
    except XladdinError as exc:
        say(f"error: {exc}")
        return None
    plan = prepared.plan
    say(f"{brief}：已刷新 {prepared.period}（{len(plan.blocks)} 个区块，{len(raw.frame):,} 行{RAW_SHEET}）")
    return plan
