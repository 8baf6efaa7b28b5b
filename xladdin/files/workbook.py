"""The report workbook as a file: the openpyxl back end, 设置 and 原始数据 written, atomic saves.

The openpyxl back end applies the render plan to a workbook file; ``save_atomic`` writes a
temporary file beside the target and renames it, so a failure never leaves half a file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from copy import copy
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from xladdin.engine.metrics import Settings
from xladdin.engine.raw import RAW_SHEET, RawData
from xladdin.engine.reference import load_reference
from xladdin.engine.setting_cells import CELL_BY_NAME
from xladdin.errors import XladdinError, describe_os_error, finish_uninterrupted
from xladdin.files.chartcache import refresh_caches
from xladdin.files.xlsx_charts import add_charts
from xladdin.ooxml.xlsxpatch import XlsxPatch
from xladdin.ooxml.xmltext import clean_text
from xladdin.report.document import ReportDocument
from xladdin.report.layout import SETTINGS_SHEET
from xladdin.report.render import Block, Plan, apply, plan_of

FLOW_CN = {"export": "出口", "import": "进口"}


class OpenpyxlBackend:
    """Writes plan blocks into an openpyxl workbook where their defined names point."""

    def __init__(self, book: Workbook) -> None:
        self.book = book

    def anchor(self, name: str) -> tuple[str, int, int]:
        defined = self.book.defined_names.get(name)
        if defined is None:
            raise XladdinError(f"the workbook has no defined name {name}; start from the xladdin "
                               "template or restore the name (公式 > 名称管理器)")
        destinations = list(defined.destinations)
        if not destinations or destinations[0][0] not in self.book.sheetnames:
            raise XladdinError(f"the defined name {name} does not point into this workbook; "
                               "make it refer to the table's cells again")
        sheet, ref = destinations[0]
        min_col, min_row, _, _ = range_boundaries(ref.replace("$", ""))
        return sheet, min_row, min_col

    def write(self, block: Block) -> None:
        """Write a block from its name's first cell; a block with more or fewer rows than its
        name (the monthly history) styles new rows like the first, clears rows it no longer
        fills and resizes the name."""
        sheet, row, col = self.anchor(block.name)
        ws = self.book[sheet]
        ref = next(iter(self.book.defined_names[block.name].destinations))[1]
        _, _, last_col, last_row = range_boundaries(ref.replace("$", ""))
        named = last_row - row + 1
        for i, (values, formats) in enumerate(zip(block.values, block.formats)):
            for j, (value, fmt) in enumerate(zip(values, formats)):
                cell = ws.cell(row + i, col + j)
                if isinstance(cell, MergedCell):
                    continue
                if i >= named:
                    cell._style = copy(ws.cell(row, col + j)._style)
                if isinstance(value, str):
                    cell.value = clean_text(value)
                    cell.data_type = "s"  # text from data that starts with '=' stays text
                else:
                    cell.value = value
                cell.number_format = fmt
        if block.values and len(block.values) != named:
            width = max(block.shape[1], last_col - col + 1)
            for i in range(len(block.values), named):
                for j in range(width):
                    ws.cell(row + i, col + j).value = None
            end = f"${get_column_letter(col + width - 1)}${row + len(block.values) - 1}"
            self.book.defined_names[block.name] = DefinedName(
                block.name, attr_text=f"{quote_sheetname(sheet)}!${get_column_letter(col)}${row}:{end}")


def check_output(path: Path, inputs: list[Path] = (), suffix: str = ".xlsx") -> None:
    """Refuse an output that would overwrite an input or cannot be written, before any work:
    every reason a write could fail that can be known in advance is checked here."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        article = "an" if suffix == ".xlsx" else "a"
        raise XladdinError(f"{path}: the output must be {article} {suffix} file; name it e.g. "
                           f"月报-2025-07{suffix}")
    if len(path.name.encode("utf-8")) > NAME_LIMIT:
        raise XladdinError(f"{path.name[:40]}…: the file name is longer than {NAME_LIMIT} bytes; "
                           "choose a shorter name")
    for item in inputs:
        if Path(item).exists() and path.exists() and path.resolve() == Path(item).resolve():
            raise XladdinError(f"{path}: the output would overwrite an input file; choose another name")
    parent = path.parent
    if not parent.exists():
        blocker = next((p for p in parent.parents if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise XladdinError(f"{path}: {blocker} is a file, not a folder; check the output path")
        raise XladdinError(f"{path}: the folder {parent} does not exist; create it or choose "
                           "another output path")
    if not parent.is_dir():
        raise XladdinError(f"{path}: {parent} is a file, not a folder; check the output path")
    if path.is_dir():
        raise XladdinError(f"{path}: that is a folder; name the .xlsx file to write")
    if not os.access(parent, os.W_OK):
        raise XladdinError(f"{path}: the folder {parent} is not writable; choose another folder")
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR):
        raise XladdinError(f"{path}: the file is read-only; make it writable or choose another name")


def check_workbook(path: Path) -> Path:
    """An existing workbook to read and change (refresh, import): a readable .xlsx file."""
    path = Path(path)
    if path.is_dir():
        raise XladdinError(f"{path}: that is a folder, not a workbook; name the .xlsx file")
    if not path.exists():
        raise XladdinError(f"{path}: no such workbook; check the path or create one with 'xladdin init'")
    if not os.access(path, os.R_OK):
        raise XladdinError(f"{path}: the workbook cannot be read (permission denied); check its "
                           "permissions")
    check_output(replace_target(path))
    refuse_finished_copy(path)
    return path


#: File names longer than this many bytes are refused by the usual file systems.
NAME_LIMIT = 255


def save_atomic(book: Workbook, path: Path, verify=None) -> None:
    """Save via a temporary file in the same folder and a rename: all or nothing."""
    write_atomic(path, book.save, verify)


def replace_target(path: Path) -> Path:
    """The file a write to ``path`` must replace: the link's target when ``path`` is a symbolic
    link (replacing the link itself would leave the real workbook unchanged), else ``path``."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_atomic(path: Path, write, verify=None, suffix: str = ".xlsx") -> None:
    """Call ``write(temp_path)`` for a temporary file beside ``path`` (then ``verify(temp_path)``,
    which may refuse it), then rename it over ``path``; on any failure the temporary file is
    removed and ``path`` is untouched. Through a symbolic link the link's target is replaced
    and the link kept."""
    path = replace_target(path)
    check_output(path, suffix=suffix)
    umask = os.umask(0)
    os.umask(umask)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask
    temp = ""
    try:  # from here on, whatever happens (Ctrl-C included), the temporary files go
        handle, temp = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=f"{suffix}.tmp",
                                        dir=path.parent)
        os.close(handle)
        write(temp)
        if verify is not None:
            verify(temp)
        os.chmod(temp, mode)
        finish_uninterrupted()
        os.replace(temp, path)
    except PermissionError:
        raise XladdinError(f"{path}: cannot replace the file; it is open in Excel or locked: "
                           "close it and try again") from None
    except OSError as exc:
        raise XladdinError(f"{path}: could not write the workbook: {describe_os_error(exc, None)}") \
            from None
    finally:
        for leftover in (temp, f"{temp}.plain") if temp else ():
            if os.path.exists(leftover):
                os.remove(leftover)


def render(book: Workbook, document: ReportDocument, span_groups: int | None = None) -> Plan:
    """Write a report into a workbook: its document laid out into blocks (``span_groups``: the
    workbook's, by default the edition's own), and its charts."""
    plan = plan_of(document, span_groups)
    apply(plan, OpenpyxlBackend(book))
    add_charts(book, [chart.spec for chart in document.charts])
    return plan


#: The custom document property that marks the reader's copy (a value, so values-only holds).
FINISHED_MARK = ("xladdin", "finished copy")
_CUSTOM_PROPS = "docProps/custom.xml"


def is_finished_copy(path: Path) -> bool:
    """Whether an xlsx is a finished copy: it carries the mark, or (made before the mark
    existed) it has the report's tables but no settings names."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
            if _CUSTOM_PROPS in names:
                text = book.read(_CUSTOM_PROPS).decode("utf-8", "replace")
                name, value = FINISHED_MARK
                if f'name="{name}"' in text and f">{value}<" in text:
                    return True
            workbook = book.read("xl/workbook.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False  # not an xlsx: its reader says what is wrong
    return 'definedName name="T1_BODY"' in workbook and 'definedName name="SET_PERIOD"' not in workbook


def refuse_finished_copy(path: Path) -> None:
    """Refuse a finished copy where a monthly workbook (or raw data) is needed, naming the
    monthly workbook to use: its name without _发布版, if it is there, else init's."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file() or not is_finished_copy(path):
        return
    stem = path.stem.split("_发布版")[0] if "_发布版" in path.stem else None
    monthly = path.with_name(f"{stem}{path.suffix}") if stem else None
    use = f"use the monthly workbook {monthly} instead" if monthly is not None and monthly.is_file() \
        and not is_finished_copy(monthly) \
        else "use the monthly workbook made by 'xladdin init' instead"
    raise XladdinError(f"{path}: this is a finished copy (values only, for readers), not a monthly "
                       f"workbook or raw data; {use}")


def strip_to_finished(book: Workbook, include_raw: bool = False) -> Workbook:
    """Turn a rendered workbook into the reader's copy: no settings, no raw data by default,
    and the mark by which every command recognises it."""
    from openpyxl.packaging.custom import StringProperty

    name, value = FINISHED_MARK
    book.custom_doc_props.append(StringProperty(name=name, value=value))
    drop = [SETTINGS_SHEET] + ([] if include_raw else [RAW_SHEET])
    for sheet in drop:
        if sheet in book.sheetnames:
            del book[sheet]
    for name in list(book.defined_names):
        destinations = list(book.defined_names[name].destinations)
        if any(sheet not in book.sheetnames for sheet, _ in destinations):
            del book.defined_names[name]
    book.active = 0
    return book


def canonical_rows(raw: RawData) -> pd.DataFrame:
    """Every input row in the canonical layout, as written to 原始数据 (codes as text), in the
    order read: the validated rows with the reference's names, and the rows the tables leave
    out (unknown names, other chapters) as they were written. The raw sheet keeps the user's
    data; validation decides what the tables use."""
    ref = load_reference(raw.scope)
    f = raw.frame
    provinces = dict(zip(ref.provinces["code"], ref.provinces["customs_name"]))
    names = {**ref.partner_names, **raw.partner_labels}
    rows = pd.DataFrame({
        "period": f["period"].str.replace("-", "", regex=False),
        "flow": f["flow"].map(FLOW_CN),
        "hs_code": f["hs_code"].fillna(raw.scope.headings[0]),
        "partner_code": f["partner"],
        "partner_name": f["partner"].map(names),
        "province_code": f["province"],
        "province_name": f["province"].map(provinces),
        "value_usd": f["value"],
    })
    left = raw.left_out
    if left is None or not len(left):
        return rows
    blank = {c: left[c].where(left[c] != "") for c in
             ("hs_code", "partner_code", "partner_name", "province_code", "province_name")}
    kept = pd.DataFrame({"period": left["period"].str.replace("-", "", regex=False),
                         "flow": left["flow"].map(FLOW_CN), **blank, "value_usd": left["value"]})
    sources = pd.concat([f["source"], left["source"]], ignore_index=True)
    order = pd.Series(range(sources.nunique()), index=sources.unique())
    place = sources.map(order) * 2**40 + pd.concat([f["row"], left["row"]], ignore_index=True)
    both = pd.concat([rows.astype(object), kept[rows.columns].astype(object)], ignore_index=True)
    return both.iloc[place.argsort(kind="stable")].reset_index(drop=True)


def save_patch(patch: XlsxPatch, verify=None) -> None:
    """Replace the file ``patch`` opened with the patched workbook, atomically (temp file,
    rename), every chart's cached copy of its cells rebuilt from them (viewers that do not
    recalculate show the new month too); ``verify(temp)`` may refuse at the last moment (the
    workbook changed meanwhile)."""

    def write(temp: str) -> None:
        patch.edit_charts(refresh_caches)
        patch.save(Path(temp))
        patch.close()  # the rename needs the file closed (Windows)

    write_atomic(patch.path, write, verify)


def save_with_raw(book: Workbook, raw: pd.DataFrame, path: Path, verify=None,
                  finish: Callable[[Path], None] | None = None) -> None:
    """Save ``book`` atomically with ``raw`` (canonical rows) as its 原始数据 table;
    ``finish`` completes the file (e.g. adds the xlwings Lite part) before it takes its name.

    The rows are written into the saved file as XML by ``XlsxPatch`` (vectorised), not cell
    by cell through openpyxl: a million rows take seconds.
    """
    def write(temp: str) -> None:
        staging = f"{temp}.plain"  # removed by write_atomic whatever happens
        book.save(staging)
        patch = XlsxPatch(Path(staging))
        try:
            patch.replace_rows(RAW_SHEET, raw, header_row=1, numeric={len(raw.columns) - 1})
            patch.edit_charts(refresh_caches)
            patch.save(Path(temp))
        finally:
            patch.close()
        if finish is not None:
            finish(Path(temp))

    write_atomic(path, write, verify)


def write_settings(book: Workbook, period: str | None, settings: Settings, scope: str = "chips") -> None:
    """Fill 设置: the report month (None leaves it empty: the latest month in the data) and
    the options, with the product scope the raw rows were read under."""
    backend = OpenpyxlBackend(book)
    for name, value in (("SET_PERIOD", period), ("SET_NET_YOY", settings.net_yoy),
                        ("SET_LANG", settings.lang), ("SET_JAN_FEB", settings.jan_feb), ("SET_SCOPE", scope)):
        sheet, row, col = backend.anchor(name)
        cell = book[sheet].cell(row, col)
        cell.value, cell.data_type = CELL_BY_NAME[name].show(value), "s"


def finished_name(path: Path, lang: str = "zh") -> Path:
    """Where the finished copy of a monthly workbook goes: beside it, one name per edition
    (月报_发布版.xlsx, 月报_发布版_en.xlsx), so one edition never replaces another."""
    edition = "" if lang == "zh" else f"_{lang}"
    return path.with_name(f"{path.stem}_发布版{edition}.xlsx")
