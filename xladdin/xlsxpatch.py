"""A third back end: patch cells of an xlsx file at the zip level.

``refresh`` must write a few hundred table cells into a workbook whose 原始数据 sheet may hold
a million rows. Loading and re-saving such a workbook with openpyxl touches every raw cell
(minutes); this back end parses only the sheets it writes (lxml keeps every namespace
declaration Excel relies on) and copies every other part of the file as it is, so the raw
data stay byte-identical. Cells keep their style; text is written as inline strings, which
Excel never reads as a formula.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from pathlib import Path

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from .errors import XladdinError
from .render import Block

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
Q = f"{{{NS}}}"
_CELL = re.compile(r"([A-Z]+)(\d+)")


def _split_ref(text: str) -> tuple[str, str]:
    """"'表1'!$A$3:$E$4" -> ('表1', 'A3:E4')."""
    sheet, _, ref = text.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref.replace("$", "")


class XlsxPatch:
    """Open an xlsx, write blocks where defined names point, save a patched copy."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
            workbook = etree.fromstring(self.zip.read("xl/workbook.xml"))
            rels = etree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
            raise XladdinError(f"{self.path.name}: not a readable xlsx workbook; open and save it "
                               "again in Excel") from None
        targets = {r.get("Id"): r.get("Target") for r in rels}
        self.parts: dict[str, str] = {}
        for sheet in workbook.iter(f"{Q}sheet"):
            target = targets[sheet.get(f"{{{REL}}}id")]
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            self.parts[sheet.get("name")] = part
        self.names = {d.get("name"): d.text for d in workbook.iter(f"{Q}definedName")
                      if d.get("localSheetId") is None}
        self.parsed: dict[str, etree._Element] = {}  # sheets read so far
        self.trees: dict[str, etree._Element] = {}  # sheets written: only these are re-serialised

    def close(self) -> None:
        self.zip.close()

    def anchor(self, name: str) -> tuple[str, int, int]:
        if name not in self.names:
            raise XladdinError(f"the workbook has no defined name {name}; start from the xladdin "
                               "template or restore the name (公式 > 名称管理器)")
        sheet, ref = _split_ref(self.names[name])
        if sheet not in self.parts:
            raise XladdinError(f"the defined name {name} does not point into this workbook; make it "
                               "refer to the table's cells again")
        col, row, _, _ = range_boundaries(ref)
        return sheet, row, col

    def _sheet(self, sheet: str, write: bool = False) -> etree._Element:
        part = self.parts[sheet]
        if part not in self.parsed:
            self.parsed[part] = etree.fromstring(self.zip.read(part))
        if write:
            self.trees[part] = self.parsed[part]
        return self.parsed[part]

    def write(self, block: Block) -> None:
        sheet, row, col = self.anchor(block.name)
        root = self._sheet(sheet, write=True)
        covered = _merged_cells(root)
        data = root.find(f"{Q}sheetData")
        for i, values in enumerate(block.values):
            row_el = _row(data, row + i)
            for j, value in enumerate(values):
                if (row + i, col + j) in covered:
                    continue
                _set(_cell(row_el, row + i, col + j), value)

    def read(self, name: str) -> str | None:
        """The text of the cell a defined name points to (for small settings cells)."""
        sheet, row, col = self.anchor(name)
        root = self._sheet(sheet)
        ref = f"{get_column_letter(col)}{row}"
        cell = next((c for c in root.iter(f"{Q}c") if c.get("r") == ref), None)
        if cell is None:
            return None
        if cell.get("t") == "inlineStr":
            return "".join(cell.itertext()) or None
        value = cell.find(f"{Q}v")
        if value is None:
            return None
        if cell.get("t") == "s":
            strings = etree.fromstring(self.zip.read("xl/sharedStrings.xml"))
            return "".join(list(strings.iter(f"{Q}si"))[int(value.text)].itertext())
        return value.text

    def save(self, out: Path) -> None:
        """Write the patched workbook to ``out`` (copying untouched parts as they are)."""
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in self.zip.infolist():
                if item.filename in self.trees:
                    xml = etree.tostring(self.trees[item.filename], xml_declaration=True,
                                         encoding="UTF-8", standalone=True)
                    dst.writestr(item, xml, compress_type=zipfile.ZIP_DEFLATED)
                else:
                    with self.zip.open(item) as src, dst.open(item, "w") as sink:
                        shutil.copyfileobj(src, sink, 1 << 20)


def _merged_cells(root: etree._Element) -> set[tuple[int, int]]:
    """Cells inside merged ranges other than their top-left cell (not written)."""
    covered = set()
    for merge in root.iter(f"{Q}mergeCell"):
        c1, r1, c2, r2 = range_boundaries(merge.get("ref"))
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    return covered


def _row(data: etree._Element, number: int) -> etree._Element:
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


def _cell(row: etree._Element, number: int, col: int) -> etree._Element:
    """The <c> of a column in a row, created in column order if missing."""
    ref = f"{get_column_letter(col)}{number}"
    for cell in row.iter(f"{Q}c"):
        match = _CELL.fullmatch(cell.get("r", ""))
        current = column_index_from_string(match.group(1)) if match else 0
        if current == col:
            return cell
        if current > col:
            new = etree.Element(f"{Q}c", r=ref)
            cell.addprevious(new)
            return new
    return etree.SubElement(row, f"{Q}c", r=ref)


def _set(cell: etree._Element, value) -> None:
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
    text.text = str(value)
    if text.text != text.text.strip():
        text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
