"""``xladdin import``: add customs downloads to a monthly workbook's 原始数据 table.

A later download supersedes an earlier one: rows with the same month, flow and dimensions
(HS code, partner, province) are replaced, and every changed value is listed as a revision.
Rows of the sheet that are not replaced stay exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from xladdin.engine.audit import ROW_KEY
from xladdin.engine.raw import (
    LEFT_OUT_COLUMNS,
    RAW_SHEET,
    RawData,
    empty_frame,
    header_key,
    read_raw,
    read_xlsx_table,
    validate_table,
)
from xladdin.engine.reference import load_reference
from xladdin.engine.scope import Scope, load_scope
from xladdin.engine.setting_cells import parse_scope_cell
from xladdin.errors import Findings, XladdinError
from xladdin.files.lock import WorkbookLock
from xladdin.files.upgrade import upgrade
from xladdin.files.workbook import FLOW_CN, canonical_rows, check_workbook, save_patch
from xladdin.ooxml.xlsxpatch import XlsxPatch


@dataclass
class ImportResult:
    added: int
    replaced: int
    revisions: list[str] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    upgraded: str | None = None  # what an upgrade of an older workbook added, in one line


def _describe(row: pd.Series, scope: Scope | None = None) -> str:
    """'2025-07 出口 韩国（133）: 2,074,900,000 → 2,070,000,000 USD'."""
    ref = load_reference(scope)
    parts = [row["period"], FLOW_CN[row["flow"]]]
    for column, dim in (("hs_code", "product"), ("partner", "partner"), ("province", "province")):
        code = row[column]
        if isinstance(code, str):
            name = ref.label(dim, code[:6] if dim == "product" else code)
            parts.append(f"{name}（{code}）" if name != code else code)
    return f"{' '.join(parts)}: {row['value_old']:,.0f} → {row['value_new']:,.0f} USD"


def _scope_of(workbook: Path) -> str:
    """The product scope 设置 names (an older workbook without the cell: chips)."""
    patch = XlsxPatch(workbook)
    try:
        return parse_scope_cell(patch.read("SET_SCOPE") if "SET_SCOPE" in patch.names else None)
    finally:
        patch.close()


def import_into(files: list[Path], workbook: Path, flow: str | None = None,
                data_period: str | None = None,
                progress: Callable[[str], None] = lambda message: None) -> ImportResult:
    """``progress`` hears what long work is doing (the command line shows it on a terminal)."""
    workbook = Path(workbook)
    if not workbook.exists() and not workbook.is_dir():
        raise XladdinError(f"{workbook}: no such workbook; create one with 'xladdin init'")
    check_workbook(workbook)
    with WorkbookLock(workbook) as lock:
        return _import(files, workbook, lock, flow, data_period, progress)


def _import(files: list[Path], workbook: Path, lock: WorkbookLock, flow: str | None,
            data_period: str | None, progress: Callable[[str], None]) -> ImportResult:
    progress("reading the downloads")
    scope = load_scope(_scope_of(workbook))  # the downloads are read under the workbook's scope
    new = read_raw(files, flow=flow, period=data_period, scope=scope)
    result = ImportResult(0, 0, findings=new.findings)
    fresh = new.frame.drop_duplicates(ROW_KEY, keep="last").reset_index(drop=True)
    if len(fresh) < len(new.frame):
        result.findings.add("warning", f"{len(new.frame) - len(fresh)} rows repeat in the imported "
                            "files; the last one of each was kept", "", "check the downloads")
    table, first_row = read_xlsx_table(workbook)
    filled = ~table.fillna("").astype("str").apply(lambda column: column.str.strip()).eq("").all(axis=1)
    # validate_table numbers rows by their place in the sheet, so it gets the table blanks and all
    old = validate_table(table, f"{workbook.name}, sheet {RAW_SHEET}", first_row, scope=scope) \
        if filled.any() else RawData(empty_frame(), scope=scope)
    table = table[filled]
    matched = old.frame.merge(fresh[[*ROW_KEY, "value"]], on=ROW_KEY, how="inner", suffixes=("_old", "_new"))
    changed = matched[matched["value_old"] != matched["value_new"]]
    result.revisions = [_describe(r, scope) for _, r in changed.iterrows()]
    sheet_rows = pd.Series(range(first_row, first_row + len(filled)), index=filled.index)[filled]
    replaced = set(matched["row"]) | _same_left_out(old, new)
    kept = table[~sheet_rows.isin(replaced)]
    added = canonical_rows(RawData(fresh, new.findings, new.partner_labels, left_out=new.left_out,
                                   scope=scope))
    keys = [header_key(h) for h in table.columns]
    aligned = pd.DataFrame({h: added[k] if k in added else pd.Series(None, index=added.index, dtype=object)
                            for h, k in zip(table.columns, keys)})
    if "value_usd" not in keys:
        raise XladdinError(f"{workbook.name}: the 原始数据 header has no 美元 column; restore the "
                           "template's headers")
    rows = pd.concat([kept.astype(object), aligned.astype(object)], ignore_index=True)
    progress(f"writing {workbook.name}")
    patch = XlsxPatch(workbook)
    try:
        result.upgraded = upgrade(patch)
        patch.replace_rows(RAW_SHEET, rows, header_row=first_row - 1, numeric={keys.index("value_usd")})
        save_patch(patch, lambda temp: lock.check_unchanged())
    finally:
        patch.close()
    result.added, result.replaced = len(added), len(replaced)
    return result


def _same_left_out(old: RawData, new: RawData) -> set[int]:
    """Sheet rows the tables leave out (unknown names, other chapters) that a download brings
    again, written the same way: replaced like any other row, not kept twice."""
    if old.left_out is None or new.left_out is None:
        return set()
    text = list(LEFT_OUT_COLUMNS[:7])
    same = old.left_out.merge(new.left_out[text].drop_duplicates(), on=text, how="inner")
    return set(same["row"])
