"""``xladdin lite update``: a Lite workbook gets the installed xladdin's code, in place."""

from __future__ import annotations

from pathlib import Path

from xladdin.engine.raw import RAW_SHEET
from xladdin.engine.setting_cells import SETTING_CELLS
from xladdin.errors import XladdinError
from xladdin.files.lock import WorkbookLock
from xladdin.files.workbook import check_workbook
from xladdin.lite.bundle import embedded_version
from xladdin.lite.workbook import embed_lite, lite_part
from xladdin.ooxml.xlsxpatch import XlsxPatch
from xladdin.version import __version__


def update_lite(path: Path) -> str:
    """Re-embed the installed xladdin's code in place, atomically; every other part of the
    workbook is kept as it is (sheets with bare CHIP_ formulas get Excel's stored form).
    Returns the line to print."""
    path = check_workbook(path)
    with WorkbookLock(path) as lock:
        before = lite_part(path)
        if before is None:
            refuse_unless_monthly(path)
        old = embedded_version(before.get("main.py", "")) if before else None
        lock.check_unchanged()
        embed_lite(path)
    if before is None or not before.get("main.py", "").strip():  # no code to update: added
        return f"{path.name}: added the xlwings Lite code of xladdin {__version__}"
    was = f"xladdin {old}" if old else "a main.py that installed xladdin from an index"
    return f"{path.name}: xlwings Lite code updated from {was} to xladdin {__version__}"


def refuse_unless_monthly(path: Path) -> None:
    """Lite code goes only into a monthly workbook (its 设置 cells or its 原始数据 sheet): in
    any other workbook its functions and 刷新月报 would have nothing to read."""
    patch = XlsxPatch(path)
    try:
        monthly = RAW_SHEET in patch.parts or any(cell.name in patch.names for cell in SETTING_CELLS)
    finally:
        patch.close()
    if not monthly:
        raise XladdinError(f"{path.name}: not an xladdin monthly workbook (it has no 设置 cells and no "
                           f"{RAW_SHEET} sheet), so xlwings Lite code would have nothing to work on; make "
                           "one with 'xladdin init WORKBOOK.xlsx RAW... --lite'")
