"""The finished workbook's promise, checked on the file itself: values only.

A reader's copy holds no formulas, macros, external links, data connections or links to
the web. A restyled template could bring any of these in; the written file is checked
before it replaces the target, so a broken promise never reaches a reader.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from xladdin.errors import XladdinError
from xladdin.ooxml.cells import REL, Q
from xladdin.ooxml.xlsxpatch import XlsxPatch

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ACTIVE_PARTS = {
    "xl/vbaProject.bin": "macros",
    "xl/connections.xml": "data connections",
    "xl/externalLinks/": "links to other workbooks",
    "xl/queryTables/": "web or database queries",
}
FIX = "remove it from the template (or paste it as a value) and build again"


def check_values_only(path: Path | str) -> None:
    """Refuse a finished workbook holding anything but values, naming the first place."""
    patch = XlsxPatch(Path(path))
    try:
        names = patch.zip.namelist()
        for prefix, what in _ACTIVE_PARTS.items():
            if any(n == prefix or (prefix.endswith("/") and n.startswith(prefix)) for n in names):
                raise XladdinError(f"the finished workbook would hold {what} ({prefix}) from the "
                                   f"template, but it holds values only; {FIX}")
        for sheet, part in patch.parts.items():
            xml = patch.zip.read(part)
            if _FORMULA.search(xml):
                root = etree.fromstring(xml)
                cell = next(f.getparent() for f in root.iter(f"{Q}f"))
                raise XladdinError(f"sheet {sheet}, cell {cell.get('r')}: the template holds a formula "
                                   f"there, but the finished workbook holds values only; {FIX}")
            _check_links(patch.zip, sheet, part, xml)
    finally:
        patch.close()


def _check_links(book: zipfile.ZipFile, sheet: str, part: str, xml: bytes) -> None:
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in book.namelist():
        return
    external = {r.get("Id") for r in etree.fromstring(book.read(rels)) if r.get("TargetMode") == "External"}
    if not external:
        return
    root = etree.fromstring(xml)
    link = next((h for h in root.iter(f"{Q}hyperlink") if h.get(f"{{{REL}}}id") in external), None)
    place = f"cell {link.get('ref')}" if link is not None else "a link"
    raise XladdinError(f"sheet {sheet}, {place}: the template links outside the workbook there, but "
                       f"the finished workbook holds values only; {FIX}")
