"""Patch cells of an xlsx file at the zip level (the back end of a refresh and an import).

``refresh`` must write a few hundred table cells into a workbook whose 原始数据 sheet may hold
a million rows. Loading and re-saving such a workbook with openpyxl touches every raw cell
(minutes); this patcher parses only the sheets it writes (lxml keeps every namespace
declaration Excel relies on) and copies every other part of the file as it is, so the raw
data stay byte-identical. Cells keep their style; text is written as inline strings, which
Excel never reads as a formula. It knows parts, sheets, cells and defined names, nothing of
the report: what to write comes as rows of values under a defined name (``CellRows``), and
the charts' cached copies are rebuilt by whoever knows the charts (``edit_charts``).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname, range_boundaries

from xladdin.errors import XladdinError
from xladdin.ooxml.cells import CELL_REF, REL, Q, cell_at, merged_cells, row_at, set_value, split_ref
from xladdin.ooxml.rows import BULK_LEVEL, CHUNK, ROW_START, first_cell_styles, rows_xml
from xladdin.ooxml.sheets import WORKBOOK, WORKBOOK_RELS, sheet_parts
from xladdin.ooxml.zipcopy import copy_compressed, open_member

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class CellRows(Protocol):
    """What ``XlsxPatch.write`` takes: rows of values for the cells from a defined name's
    first cell on (a render plan's blocks are such)."""

    @property
    def name(self) -> str: ...

    @property
    def values(self) -> Sequence[Sequence[Any]]: ...


#: Reads the cells a chart formula names ("'表2'!$A$5:$A$9") as a list of values, in order.
CellReader = Callable[[str], list]


class XlsxPatch:
    """Open an xlsx, write blocks where defined names point, save a patched copy."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
            workbook = self.xml(WORKBOOK)
            parts = sheet_parts(self.zip.read(WORKBOOK), self.zip.read(WORKBOOK_RELS))
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
            raise XladdinError(f"{self.path.name}: not a readable xlsx workbook; open and save it "
                               "again in Excel") from None
        if None in parts.values():
            raise self._damaged(WORKBOOK_RELS)
        self.parts: dict[str, str] = {name: part for name, part in parts.items() if part}
        self.workbook = workbook
        self.names = {d.get("name"): d.text for d in workbook.iter(f"{Q}definedName")
                      if d.get("localSheetId") is None}
        self.replaced: dict[str, list[bytes]] = {}  # whole parts rewritten, as chunks of bytes
        self.parsed: dict[str, etree._Element] = {}  # sheets read so far
        self.trees: dict[str, etree._Element] = {}  # sheets written: only these are re-serialised
        self.added: dict[str, bytes] = {}  # new parts (a workbook upgrade's sheets), written last

    def close(self) -> None:
        self.zip.close()

    def _bytes(self, part: str) -> bytes:
        """A part of the file; a missing or damaged one is a sentence, not a crash."""
        try:
            return self.zip.read(part)
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise self._damaged(part) from None

    def xml(self, part: str) -> etree._Element:
        """A part of the file, parsed (a missing or damaged one is a sentence)."""
        try:
            return etree.fromstring(self._bytes(part))
        except etree.XMLSyntaxError:
            raise self._damaged(part) from None

    def _damaged(self, part: str) -> XladdinError:
        return XladdinError(f"{self.path.name}: the workbook is damaged (its part {part} is missing or "
                            "unreadable); open it in Excel, let Excel repair it and save it again")

    def anchor(self, name: str) -> tuple[str, int, int]:
        if name not in self.names:
            raise XladdinError(f"the workbook has no defined name {name}; start from the xladdin "
                               "template or restore the name (公式 > 名称管理器)")
        sheet, ref = split_ref(self.names[name])
        if sheet not in self.parts:
            raise XladdinError(f"the defined name {name} does not point into this workbook; make it "
                               "refer to the table's cells again")
        col, row, _, _ = range_boundaries(ref)
        return sheet, row, col

    def sheet(self, sheet: str, write: bool = False) -> etree._Element:
        """A sheet's XML, parsed once; ``write``: it is re-serialised when the file is saved."""
        part = self.parts[sheet]
        if part not in self.parsed:
            self.parsed[part] = self.xml(part)
        if write:
            self.trees[part] = self.parsed[part]
        return self.parsed[part]

    def write(self, block: CellRows) -> None:
        """Write a block from its name's first cell. A block with more or fewer rows than its
        name (the monthly history grows) gets new rows styled like the first, loses the rows
        it no longer fills, and the name and the charts reading it are resized."""
        sheet, row, col = self.anchor(block.name)
        _, _, last_col, last_row = range_boundaries(split_ref(self.names[block.name])[1])
        named = last_row - row + 1
        root = self.sheet(sheet, write=True)
        covered = merged_cells(root)
        data = root.find(f"{Q}sheetData")
        width = max(max((len(r) for r in block.values), default=0), last_col - col + 1)
        styles = [cell_at(row_at(data, row), row, col + j).get("s") for j in range(width)]
        for i, values in enumerate(block.values):
            row_el = row_at(data, row + i)
            for j, value in enumerate(values):
                if (row + i, col + j) in covered:
                    continue
                cell = cell_at(row_el, row + i, col + j)
                if i >= named and styles[j] and cell.get("s") is None:
                    cell.set("s", styles[j])
                set_value(cell, value)
        if block.values and len(block.values) != named:
            for i in range(len(block.values), named):  # rows the block no longer fills
                for j in range(width):
                    set_value(cell_at(row_at(data, row + i), row + i, col + j), None)
            self._resize(block.name, sheet, col, row, col + width - 1, row + len(block.values) - 1,
                         last_row)

    def _resize(self, name: str, sheet: str, c1: int, r1: int, c2: int, r2: int, old_last: int) -> None:
        """Point ``name`` at its new rows, and every chart series that read its old rows at
        the new ones (their cached values, now stale, are dropped: Excel reads the cells)."""
        ref = f"'{sheet}'!${get_column_letter(c1)}${r1}:${get_column_letter(c2)}${r2}"
        for defined in self.workbook.iter(f"{Q}definedName"):
            if defined.get("name") == name and defined.get("localSheetId") is None:
                defined.text = ref
        self.names[name] = ref
        self.trees["xl/workbook.xml"] = self.workbook
        root = self.sheet(sheet, write=True)
        dimension = root.find(f"{Q}dimension")
        end = CELL_REF.fullmatch((dimension.get("ref", "") if dimension is not None else "")
                              .rpartition(":")[2].replace("$", ""))
        if end:  # the used range now ends at the block's last row (or further, if it did)
            end_row = int(end.group(2))
            end_row = r2 if end_row == old_last or end_row < r2 else end_row
            end_col = max(column_index_from_string(end.group(1)), c2)
            first = dimension.get("ref").partition(":")[0]
            dimension.set("ref", f"{first}:{get_column_letter(end_col)}{end_row}")
        for part in self.zip.namelist():
            if not (part.startswith("xl/charts/chart") and part.endswith(".xml")):
                continue
            chart = self.trees.get(part)
            if chart is None:
                chart = etree.fromstring(self.zip.read(part))
            changed = False
            for formula in chart.iter(f"{{{CHART_NS}}}f"):
                target, area = split_ref(formula.text or "")
                if target != sheet or ":" not in area:
                    continue
                f1, f_r1, f2, f_r2 = range_boundaries(area)
                if f_r2 == old_last and f_r1 >= r1 and c1 <= f1 and f2 <= c2:
                    formula.text = re.sub(r"\d+$", str(r2), formula.text)
                    for cache in formula.itersiblings():
                        if cache.tag in (f"{{{CHART_NS}}}numCache", f"{{{CHART_NS}}}strCache"):
                            formula.getparent().remove(cache)
                    changed = True
            if changed:
                self.trees[part] = chart

    def edit_charts(self, edit: Callable[[etree._Element, CellReader], bool]) -> None:
        """Once anything is written, ``edit(chart, cells)`` may change each chart part, given a
        reader of the cells a chart formula names; a chart it changed (True) is saved."""
        if not self.trees:
            return
        for part in self.zip.namelist():
            if part.startswith("xl/charts/chart") and part.endswith(".xml"):
                chart = self.trees.get(part)
                if chart is None:
                    chart = self.xml(part)
                if edit(chart, self.cells):
                    self.trees[part] = chart

    def cells(self, formula: str) -> list:
        """The values of a one-column or one-row range (a chart series' cells), in order."""
        sheet, area = split_ref(formula)
        if sheet not in self.parts:
            return []
        c1, r1, c2, r2 = range_boundaries(area if ":" in area else f"{area}:{area}")
        wanted = {f"{get_column_letter(c)}{r}": None for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        strings: list[str] | None = None
        for cell in self.sheet(sheet).iter(f"{Q}c"):
            ref = cell.get("r")
            if ref not in wanted:
                continue
            kind, value = cell.get("t"), cell.find(f"{Q}v")
            if kind == "inlineStr":
                wanted[ref] = "".join(cell.itertext())
            elif value is None:
                continue
            elif kind == "s":
                strings = self._string_list() if strings is None else strings
                index = int(value.text or -1)
                wanted[ref] = strings[index] if 0 <= index < len(strings) else None
            elif kind in ("str", "e", "b"):
                wanted[ref] = value.text
            else:
                wanted[ref] = float(value.text)
        return list(wanted.values())

    def _string_list(self) -> list[str]:
        """The shared-strings part as a list (read once per chart refresh)."""
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        return ["".join(si.itertext()) for si in self.xml("xl/sharedStrings.xml").iter(f"{Q}si")]

    def read(self, name: str) -> str | None:
        """The text of the cell a defined name points to (for small settings cells)."""
        sheet, row, col = self.anchor(name)
        root = self.sheet(sheet)
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
            return self._shared_string(value.text, f"{sheet}!{ref}")
        return value.text

    def _shared_string(self, index: str | None, place: str) -> str:
        """Text cell ``place`` refers to string ``index`` of the shared-strings part."""
        broken = XladdinError(f"{self.path.name}, cell {place}: the cell refers to shared text the "
                              "workbook does not hold (the file is damaged); open it in Excel, "
                              "retype the cell and save it again")
        try:
            strings = etree.fromstring(self.zip.read("xl/sharedStrings.xml"))
            return "".join(list(strings.iter(f"{Q}si"))[int(index or "")].itertext())
        except (KeyError, IndexError, ValueError, etree.XMLSyntaxError):
            raise broken from None

    def _drop_calc_chain(self) -> set[str]:
        """Excel's calculation chain lists formula cells; once cells are rewritten it may be
        stale, which makes Excel offer to repair the file. It is optional: drop it (and its
        two references) and Excel rebuilds it."""
        chain = "xl/calcChain.xml"
        if chain not in self.zip.namelist() or not (self.trees or self.replaced or self.added):
            return set()
        types = self.xml("[Content_Types].xml")
        for override in list(types):
            if override.get("PartName") == "/" + chain:
                types.remove(override)
        rels = self.xml("xl/_rels/workbook.xml.rels")
        for rel in list(rels):
            if rel.get("Target", "").lstrip("/").removeprefix("xl/") == "calcChain.xml":
                rels.remove(rel)
        self.trees["[Content_Types].xml"] = types
        self.trees["xl/_rels/workbook.xml.rels"] = rels
        return {chain}

    def save(self, out: Path) -> None:
        """Write the patched workbook to ``out`` (copying untouched parts as they are)."""
        skip = self._drop_calc_chain()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=BULK_LEVEL) as dst:
            for item in self.zip.infolist():
                if item.filename in skip:
                    continue
                if item.filename in self.replaced:
                    chunks = self.replaced[item.filename]
                    with open_member(dst, item.filename, sum(map(len, chunks))) as sink:
                        for chunk in chunks:
                            sink.write(chunk)
                elif item.filename in self.trees:
                    xml = etree.tostring(self.trees[item.filename], xml_declaration=True,
                                         encoding="UTF-8", standalone=True)
                    dst.writestr(item, xml, compress_type=zipfile.ZIP_DEFLATED)
                else:
                    copy_compressed(self.path, item, dst)
            for name, data in self.added.items():
                if name in self.trees:
                    data = etree.tostring(self.trees[name], xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                dst.writestr(name, data)

    def define_name(self, name: str, sheet: str, ref: str) -> None:
        """A workbook-level defined name (added, or repointed if it exists)."""
        text = f"{quote_sheetname(sheet)}!{ref}"
        names = self.workbook.find(f"{Q}definedNames")
        if names is None:
            names = etree.Element(f"{Q}definedNames")
            self.workbook.find(f"{Q}sheets").addnext(names)
        for defined in names:
            if defined.get("name") == name and defined.get("localSheetId") is None:
                defined.text = text
                break
        else:
            etree.SubElement(names, f"{Q}definedName", name=name).text = text
        self.names[name] = text
        self.trees["xl/workbook.xml"] = self.workbook

    def add_sheet(self, name: str, xml: str, before: str) -> None:
        """A new worksheet part, listed before ``before`` (the working sheets come last); sheet
        indices of the local names after it (print titles) move with their sheets."""
        parts = [*self.zip.namelist(), *self.added]
        numbers = [int("".join(ch for ch in p if ch.isdigit()) or 0) for p in parts
                   if p.startswith("xl/worksheets/sheet") and p.endswith(".xml")]
        number = max(numbers, default=0) + 1
        part = f"xl/worksheets/sheet{number}.xml"
        self.added[part] = xml.encode("utf-8")
        rels = self.trees.get("xl/_rels/workbook.xml.rels")
        if rels is None:
            rels = self.xml("xl/_rels/workbook.xml.rels")
        taken = {rel.get("Id") for rel in rels}
        rid = next(f"rIdSheet{number}{'x' * i}" for i in range(len(taken) + 1)
                   if f"rIdSheet{number}{'x' * i}" not in taken)
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Target=f"/{part}",
                         Type=f"{REL}/worksheet")
        self.trees["xl/_rels/workbook.xml.rels"] = rels
        types = self.trees.get("[Content_Types].xml")
        if types is None:
            types = self.xml("[Content_Types].xml")
        etree.SubElement(types, f"{{{CT}}}Override", PartName=f"/{part}", ContentType=WORKSHEET_TYPE)
        self.trees["[Content_Types].xml"] = types
        sheets = self.workbook.find(f"{Q}sheets")
        listed = list(sheets)
        at = next((i for i, s in enumerate(listed) if s.get("name") == before), len(listed))
        ids = [int(s.get("sheetId", 0)) for s in listed]
        element = etree.Element(f"{Q}sheet", name=name, sheetId=str(max(ids, default=0) + 1))
        element.set(f"{{{REL}}}id", rid)
        sheets.insert(at, element)
        for defined in self.workbook.iter(f"{Q}definedName"):
            local = defined.get("localSheetId")
            if local is not None and int(local) >= at:
                defined.set("localSheetId", str(int(local) + 1))
        for view in self.workbook.iter(f"{Q}workbookView"):
            if int(view.get("activeTab", 0)) >= at:
                view.set("activeTab", str(int(view.get("activeTab")) + 1))
        self.parts[name] = part
        self.parsed[part] = etree.fromstring(self.added[part])
        self.trees["xl/workbook.xml"] = self.workbook

    def replace_rows(self, sheet: str, frame: pd.DataFrame, header_row: int,
                      numeric: set[int]) -> None:
        """Replace every row below ``header_row`` of ``sheet`` with ``frame``; resize the sheet's
        Excel Table (and its filter) and dimension to the new rows."""
        part = self.parts[sheet]
        xml = self._bytes(part) if part not in self.replaced else b"".join(self.replaced[part])
        open_tag = re.search(rb"<(?:\w+:)?sheetData\s*/?>", xml)
        close = xml.rfind(b"</sheetData>") if open_tag and not open_tag.group(0).endswith(b"/>") else -1
        if open_tag is None:
            raise XladdinError(f"the sheet {sheet} has no cell data part; save the workbook again in Excel")
        body = xml[open_tag.end():close] if close >= 0 else b""
        kept = b""
        for match in ROW_START.finditer(body):
            if int(match.group(1)) > header_row:
                kept = body[:match.start()]
                break
        else:
            kept = body
        data_rows = body[len(kept):]
        first = re.search(rb"<(?:\w+:)?row\b.*?</(?:\w+:)?row>", data_rows, re.S)
        styles = first_cell_styles(first.group(0) if first else b"", len(frame.columns))
        new_rows = [rows_xml(frame.iloc[i:i + CHUNK], header_row + 1 + i, styles, numeric)
                    for i in range(0, len(frame), CHUNK)]
        head = xml[:open_tag.start()] + b"<sheetData>"
        tail = xml[close:] if close >= 0 else b"</sheetData>" + xml[open_tag.end():]
        last = header_row + max(len(frame), 1)
        width = get_column_letter(len(frame.columns))
        dimension = b"\\g<1>A1:" + f"{width}{last}".encode() + b'"'
        head = re.sub(rb'(<(?:\w+:)?dimension\s+ref=")[^"]*"', dimension, head, count=1)
        self.replaced[part] = [head + kept, *new_rows, tail]
        self._resize_tables(part, last)


    def _resize_tables(self, part: str, last: int) -> None:
        rels_path = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if rels_path not in self.zip.namelist():
            return
        for rel in self.xml(rels_path):
            if not rel.get("Type", "").endswith("/table"):
                continue
            target = rel.get("Target")
            table_part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(part), target))
            table = self.xml(table_part)
            c1, r1, c2, _ = range_boundaries(table.get("ref"))
            ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{last}"
            table.set("ref", ref)
            for element in table.iter(f"{Q}autoFilter"):
                element.set("ref", ref)
            self.trees[table_part] = table
