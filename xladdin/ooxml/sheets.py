"""The OOXML package itself, below every layer: where a workbook keeps a sheet.

A sheet's XML part is named by a relationship of ``xl/workbook.xml``; Excel writes
``worksheets/sheet1.xml`` (relative to ``xl/``), other savers an absolute ``/xl/...`` or a
different file name, so a part is never guessed from the sheet's position.
"""

from __future__ import annotations

import posixpath

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
WORKBOOK, WORKBOOK_RELS = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"


def sheet_parts(workbook_xml: bytes, rels_xml: bytes) -> dict[str, str | None]:
    """Each sheet's zip member by sheet name, in the workbook's order (``None`` where the
    sheet's relationship is missing: a damaged file). Raises ``lxml.etree.XMLSyntaxError``
    on XML that does not parse."""
    from lxml import etree

    targets = {r.get("Id"): r.get("Target") for r in etree.fromstring(rels_xml)}
    parts: dict[str, str | None] = {}
    for sheet in etree.fromstring(workbook_xml).iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(REL_ID))
        if target is None:
            parts[sheet.get("name")] = None
        elif target.startswith("/"):
            parts[sheet.get("name")] = target.lstrip("/")
        else:
            parts[sheet.get("name")] = posixpath.normpath(posixpath.join("xl", target))
    return parts
