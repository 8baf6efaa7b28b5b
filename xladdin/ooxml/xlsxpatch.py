"""Patch cells of an xlsx file at the zip level (the render plan's third back end).

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
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from xladdin.errors import XladdinError
from xladdin.ooxml.sheets import WORKBOOK, WORKBOOK_RELS, sheet_parts
from xladdin.ooxml.xmltext import clean_series, clean_text

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
Q = f"{{{NS}}}"
_CELL = re.compile(r"([A-Z]+)(\d+)")


class CellRows(Protocol):
    """What ``XlsxPatch.write`` takes: rows of values for the cells from a defined name's
    first cell on (a render plan's blocks are such)."""

    @property
    def name(self) -> str: ...

    @property
    def values(self) -> Sequence[Sequence[Any]]: ...


#: Reads the cells a chart formula names ("'表2'!$A$5:$A$9") as a list of values, in order.
CellReader = Callable[[str], list]


def split_ref(text: str) -> tuple[str, str]:
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
        end = _CELL.fullmatch((dimension.get("ref", "") if dimension is not None else "")
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
        for match in _ROW_START.finditer(body):
            if int(match.group(1)) > header_row:
                kept = body[:match.start()]
                break
        else:
            kept = body
        data_rows = body[len(kept):]
        first = re.search(rb"<(?:\w+:)?row\b.*?</(?:\w+:)?row>", data_rows, re.S)
        styles = _first_cell_styles(first.group(0) if first else b"", len(frame.columns))
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


def open_member(dst: zipfile.ZipFile, name: str, size: int):
    """A member of ``dst`` to stream ``size`` bytes into (deflated at ``dst``'s level), with a
    ZIP64 extra only if the member needs one.

    A member streamed without a known size would have to reserve ZIP64 in its local header
    (``force_zip64``) in case it grows past 4 GiB; ``zipfile`` then writes that extra in the
    local header but not in the central directory, and strict readers (SheetJS; Excel is
    known to be strict about ZIP64) refuse the file. The size is known here, so the member
    uses ZIP64 exactly when it exceeds 4 GiB, and then in both records (``zipfile`` adds the
    central extra for sizes past the limit).
    """
    # Given a name (not a ZipInfo), zipfile takes dst's compression level and reserves ZIP64
    # only when told to.
    return dst.open(name, "w", force_zip64=size > zipfile.ZIP64_LIMIT)


def copy_compressed(source: Path, item: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
    """Copy one member of the zip file ``source`` into ``dst`` as its compressed bytes.

    Inflating and deflating an untouched part costs the most of a save: a 1M-row 原始数据
    sheet is ~500 MB of XML, ~7 s of zlib. The member's data, CRC and sizes are taken over
    unchanged (so it stays byte-identical); only its local header is written anew, without a
    data descriptor, at the position ``dst`` writes its next member. ``zipfile`` has no public
    call for this: the steps mirror what its own writer does when a member is closed.
    """
    with open(source, "rb") as src:
        src.seek(item.header_offset)
        header = src.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise XladdinError(f"{source.name}: a damaged part ({item.filename}); open and save the "
                               "workbook again in Excel")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        src.seek(item.header_offset + 30 + name_length + extra_length)
        info = zipfile.ZipInfo(item.filename, item.date_time)
        info.compress_type = item.compress_type
        info.flag_bits = item.flag_bits & ~0x08  # sizes are known: no trailing data descriptor
        info.external_attr, info.create_system = item.external_attr, item.create_system
        info.CRC, info.compress_size, info.file_size = item.CRC, item.compress_size, item.file_size
        dst.fp.seek(dst.start_dir)
        info.header_offset = dst.fp.tell()
        dst.fp.write(info.FileHeader())
        left = item.compress_size
        while left:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise XladdinError(f"{source.name}: the file is cut short ({item.filename}); open "
                                   "and save the workbook again in Excel")
            dst.fp.write(chunk)
            left -= len(chunk)
    dst.start_dir = dst.fp.tell()
    dst.filelist.append(info)
    dst.NameToInfo[info.filename] = info


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
        match = _CELL.fullmatch(cell.get("r", ""))
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


# --- replacing the rows of a data table ---------------------------------------------------

CHUNK = 100_000  # rows of XML built at a time, to bound memory
#: zlib level for rows written in bulk: level 1 deflates raw-row XML about 3x as fast as the
#: default 6, for a file about 13 % larger (1M rows: ~500 MB of XML, seconds either way).
BULK_LEVEL = 1
_ROW_START = re.compile(rb"<(?:\w+:)?row\b[^>]*\br=\"(\d+)\"")


def _escape(text: pd.Series) -> pd.Series:
    return (text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False))


def _escaped(text: pd.Series):
    """Cell text cleaned and escaped for XML, once per distinct value (raw columns repeat a
    few names over many rows), as an Arrow array."""
    import pyarrow as pa

    codes, uniques = pd.factorize(text)
    kind = pa.large_string()
    if not len(uniques):
        return pa.array(np.full(len(text), "", dtype=object), type=kind)
    cleaned = pa.array(_escape(clean_series(pd.Series(uniques, dtype="str"))), from_pandas=True).cast(kind)
    return cleaned.take(pa.array(np.maximum(codes, 0)))


def rows_xml(frame: pd.DataFrame, first_row: int, styles: list[str | None], numeric: set[int]) -> bytes:
    """<row> elements for a frame of cells, built with vectorised string operations.

    Text columns become inline strings (never formulas), ``numeric`` columns numbers; blank
    cells are left out; ``styles`` are the cell style indices per column (the template's text
    format for codes). Each row's pieces are joined once, by Arrow, and the rows come out as
    the joined column's own buffer: no growing strings copied column after column.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if frame.empty:
        return b""
    text_type = pa.large_string()
    empty = pa.scalar("", text_type)

    def arrow(series: pd.Series) -> pa.Array:
        return pa.array(series, from_pandas=True).cast(text_type)

    def join(*pieces) -> pa.Array:
        return pc.binary_join_element_wise(
            *[pa.scalar(p, text_type) if isinstance(p, str) else p for p in pieces], empty)

    numbers = pa.array(np.arange(first_row, first_row + len(frame), dtype=np.int64)).cast(text_type)
    parts: list = ['<row r="', numbers, '">']
    for j, column in enumerate(frame.columns):
        head = f'<c r="{get_column_letter(j + 1)}'
        tail = '"' + (f' s="{styles[j]}"' if styles[j] else "")
        values = frame[column]
        text = values.astype("str")
        present = (values.notna() & (text.str.strip() != "")).to_numpy()
        cell = join(head, numbers, tail + ' t="inlineStr"><is><t>', _escaped(text),
                    "</t></is></c>")
        if j in numeric:  # numbers as numbers; text that is no number stays text, never dropped
            number = pd.to_numeric(values, errors="coerce")
            as_number = join(head, numbers, tail + "><v>", arrow(number.astype("str")), "</v></c>")
            cell = pc.if_else(number.notna().to_numpy(), as_number, cell)
        parts.append(pc.if_else(present, cell, empty))
    rows = join(*parts, "</row>")
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=len(rows) + 1, offset=rows.offset * 8)
    return rows.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()


def _first_cell_styles(row_xml: bytes, width: int) -> list[str | None]:
    """The style index of each column's cell in a row (None where a cell has none)."""
    styles: list[str | None] = [None] * width
    for tag in re.finditer(rb"<(?:\w+:)?c\b([^>]*)>", row_xml):
        ref = re.search(rb'\br="([A-Z]+)\d+"', tag.group(1))
        style = re.search(rb'\bs="(\d+)"', tag.group(1))
        if ref and style:
            col = column_index_from_string(ref.group(1).decode()) - 1
            if col < width:
                styles[col] = style.group(1).decode()
    return styles


