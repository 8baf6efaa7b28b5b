"""Cells of a worksheet's XML: where a reference points, the row and cell elements (made in
order where missing), a value written into a cell, the cells merged away."""

from __future__ import annotations

import re

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from xladdin.ooxml.xmltext import clean_text

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
Q = f"{{{NS}}}"
#: A cell reference (A1) as column letters and row number.
CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def split_ref(text: str) -> tuple[str, str]:
    """"'表1'!$A$3:$E$4" -> ('表1', 'A3:E4')."""
    sheet, _, ref = text.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref.replace("$", "")


def merged_cells(root: etree._Element) -> set[tuple[int, int]]:
    """Cells inside merged ranges other than their top-left cell (not written)."""
    covered = set()
    for merge in root.iter(f"{Q}mergeCell"):
        c1, r1, c2, r2 = range_boundaries(merge.get("ref"))
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    return covered


def row_at(data: etree._Element, number: int) -> etree._Element:
    """The <row r=number>, created in order if missing."""
    for row in data.iter(f"{Q}row"):
        r = int(row.get("r"))
        if r == number:
            return row
        if r > number:
            new = etree.Element(f"{Q}row", r=str(number))
            row.addprevious(new)
            return new
    return etree.SubElement(data, f"{Q}row", r=str(number))


def cell_at(row: etree._Element, number: int, col: int) -> etree._Element:
    """The <c> of a column in a row, created in column order if missing."""
    ref = f"{get_column_letter(col)}{number}"
    for cell in row.iter(f"{Q}c"):
        match = CELL_REF.fullmatch(cell.get("r", ""))
        current = column_index_from_string(match.group(1)) if match else 0
        if current == col:
            return cell
        if current > col:
            new = etree.Element(f"{Q}c", r=ref)
            cell.addprevious(new)
            row.attrib.pop("spans", None)  # an optional hint that no longer holds
            return new
    row.attrib.pop("spans", None)
    return etree.SubElement(row, f"{Q}c", r=ref)


def set_value(cell: etree._Element, value) -> None:
    for child in list(cell):
        cell.remove(child)
    cell.attrib.pop("t", None)
    if value is None or value == "":
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        etree.SubElement(cell, f"{Q}v").text = repr(float(value))
        return
    cell.set("t", "inlineStr")
    text = etree.SubElement(etree.SubElement(cell, f"{Q}is"), f"{Q}t")
    text.text = clean_text(str(value))
    if text.text != text.text.strip():
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
