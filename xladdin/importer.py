"""``xladdin import``: add customs downloads to a monthly workbook's 原始数据 table.

A later download supersedes an earlier one: rows with the same month, flow and dimensions
(HS code, partner, province) are replaced, and every changed value is listed as a revision.
Rows of the sheet that are not replaced stay exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from .errors import Findings, XladdinError
from .raw import RAW_SHEET, RawData, empty_frame, read_raw
from .reference import load_reference
from .workbook import canonical_rows, check_output, progress, save_atomic, write_raw_rows

KEY = ["period", "flow", "hs_code", "partner", "province"]


@dataclass
class ImportResult:
    added: int
    replaced: int
    revisions: list[str] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)


def _existing(workbook: Path) -> RawData:
    try:
        return read_raw([workbook])
    except XladdinError as exc:
        if "no data rows" in str(exc):
            return RawData(empty_frame())
        raise


def _describe(row: pd.Series) -> str:
    """'2025-07 出口 韩国（133）: 2,074,900,000 → 2,070,000,000 USD'."""
    ref = load_reference()
    parts = [row["period"], {"export": "出口", "import": "进口"}[row["flow"]]]
    for column, dim in (("hs_code", "product"), ("partner", "partner"), ("province", "province")):
        code = row[column]
        if isinstance(code, str):
            name = ref.label(dim, code[:6] if dim == "product" else code)
            parts.append(f"{name}（{code}）" if name != code else code)
    return f"{' '.join(parts)}: {row['value_old']:,.0f} → {row['value_new']:,.0f} USD"


def import_into(files: list[Path], workbook: Path, flow: str | None = None,
                data_period: str | None = None) -> ImportResult:
    workbook = Path(workbook)
    if not workbook.exists():
        raise XladdinError(f"{workbook}: no such workbook; create one with 'xladdin init'")
    check_output(workbook, [])
    progress("reading the downloads")
    new = read_raw(files, flow=flow, period=data_period)
    result = ImportResult(0, 0, findings=new.findings)
    fresh = new.frame.drop_duplicates(KEY, keep="last")
    if len(fresh) < len(new.frame):
        result.findings.add("warning", f"{len(new.frame) - len(fresh)} rows repeat in the imported "
                            "files; the last one of each was kept", "", "check the downloads")
    old = _existing(workbook)
    matched = old.frame.merge(fresh[[*KEY, "value"]], on=KEY, how="inner", suffixes=("_old", "_new"))
    changed = matched[matched["value_old"] != matched["value_new"]]
    result.revisions = [_describe(r) for _, r in changed.iterrows()]
    replaced_rows = set(matched["row"])
    progress(f"writing {workbook.name}")
    try:
        book = load_workbook(workbook)
    except Exception:
        raise XladdinError(f"{workbook.name}: openpyxl cannot open the workbook; save it again as "
                           ".xlsx in Excel") from None
    if RAW_SHEET not in book.sheetnames:
        raise XladdinError(f"{workbook.name}: no sheet '{RAW_SHEET}'; import into a workbook made by "
                           "'xladdin init'")
    ws = book[RAW_SHEET]
    kept = [values for number, values in enumerate(ws.iter_rows(min_row=2, max_col=8, values_only=True),
                                                     start=2)
            if number not in replaced_rows and any(v not in (None, "") for v in values)]
    added = list(canonical_rows(RawData(fresh.reset_index(drop=True), new.findings,
                                        new.partner_labels)).itertuples(index=False))
    write_raw_rows(book, kept + added)
    save_atomic(book, workbook)
    result.added, result.replaced = len(added), len(replaced_rows)
    return result
