"""``xladdin lite update``: a Lite workbook gets the installed xladdin's code, in place."""

from __future__ import annotations

from pathlib import Path

from xladdin.files.lock import WorkbookLock
from xladdin.files.workbook import check_workbook
from xladdin.lite.bundle import embedded_version
from xladdin.lite.workbook import embed_lite, lite_part
from xladdin.version import __version__


def update_lite(path: Path) -> str:
    """Re-embed the installed xladdin's code in place, atomically; every other part of the
    workbook is kept as it is (sheets with bare CHIP_ formulas get Excel's stored form).
    Returns the line to print."""
    path = check_workbook(path)
    with WorkbookLock(path) as lock:
        before = lite_part(path)
        old = embedded_version(before.get("main.py", "")) if before else None
        lock.check_unchanged()
        embed_lite(path)
    if before is None or not before.get("main.py", "").strip():  # no code to update: added
        return f"{path.name}: added the xlwings Lite code of xladdin {__version__}"
    was = f"xladdin {old}" if old else "a main.py that installed xladdin from an index"
    return f"{path.name}: xlwings Lite code updated from {was} to xladdin {__version__}"
