"""The monthly workbook's jobs: ``init`` starts one, ``refresh`` recomputes it from its own
原始数据 and 设置 and writes its finished copy."""

from __future__ import annotations

from pathlib import Path

from xladdin.engine.audit import audit
from xladdin.engine.editions import Edition
from xladdin.engine.load import from_raw, report_period
from xladdin.engine.metrics import Settings
from xladdin.engine.periods import parse_period
from xladdin.engine.scope import Scope, scope_cell
from xladdin.engine.setting_cells import CELL_BY_NAME, SETTING_CELLS, read_settings
from xladdin.errors import XladdinError
from xladdin.files.lock import WorkbookLock
from xladdin.files.rawcache import read_raw_cached
from xladdin.files.upgrade import upgrade
from xladdin.files.workbook import (
    canonical_rows,
    check_output,
    check_workbook,
    finished_name,
    refuse_finished_copy,
    render,
    save_patch,
    save_with_raw,
    write_settings,
)
from xladdin.jobs.building import (
    Outcome,
    check_docx,
    check_word_fonts,
    progress,
    write_finished,
    write_word,
)
from xladdin.ooxml.xlsxpatch import XlsxPatch
from xladdin.report.compose import report_document
from xladdin.report.layout import TOP_N
from xladdin.report.pipeline import prepare_report
from xladdin.report.render import Block, apply
from xladdin.report.template import make_template


def init(out: Path, raw_paths: list[Path], period: str | None = None,
         settings: Settings | None = None, lite: bool = False,
         scope: Scope | str | None = None) -> Outcome:
    """A new monthly workbook (template + raw rows in 原始数据 + tables) for Excel and refresh;
    ``lite``: with xlwings Lite's part holding main.py and requirements.txt."""
    out = Path(out)
    check_output(out, raw_paths)
    if out.exists():
        raise XladdinError(f"{out}: the file exists; init never overwrites a workbook, use "
                           "'xladdin refresh' on it or choose another name")
    if settings is not None and settings.top_n != TOP_N:
        raise XladdinError(f"--top {settings.top_n}: the monthly workbook's ranked tables have "
                           f"{TOP_N} places (their cells have defined names); use 'xladdin build "
                           f"--top {settings.top_n}' for a finished copy with more or fewer")
    for item in raw_paths:
        refuse_finished_copy(item)
    progress("reading raw data")
    raw = read_raw_cached(raw_paths, scope=scope)
    engine = from_raw(raw, settings)
    chosen, period = period, report_period(engine, period)
    book = make_template(Edition(engine.settings.lang, scope=engine.scope))
    write_settings(book, parse_period(chosen) if chosen else None, engine.settings,  # empty: latest
                   scope_cell(engine.scope))
    found = audit(engine.model, period, jan_feb=engine.settings.jan_feb)
    plan = render(book, report_document(engine, period), span_groups=2)
    progress(f"writing {out.name}")
    finish = None
    if lite:
        from xladdin.lite.workbook import embed_lite as finish
    save_with_raw(book, canonical_rows(raw), out, finish=finish)
    return Outcome([out], period, engine, plan, found)


def refresh(path: Path, include_raw: bool = False, force: bool = False,
            docx: Path | bool | None = None, lang: str | None = None, jan_feb: bool | None = None,
            pdf: Path | bool | None = None, scope: str | None = None) -> Outcome:
    """The ribbon button's headless twin: tables from the workbook's own raw data and settings.

    Only the table and cover sheets are rewritten (``XlsxPatch``): 原始数据 and every other
    part of the file stay byte-identical, and a million raw rows cost seconds, not minutes.
    ``lang`` and ``jan_feb`` override the 设置 cells and are written into them, so the
    ribbon and later refreshes make the same edition; a cell so changed is said in ``notes``.
    ``docx=True``, ``pdf=True``: the Word edition, its PDF, beside the finished copy.
    ``scope`` (an id or a scope file) overrides 设置's product scope cell, and is written there.
    """
    path = check_workbook(path)
    with WorkbookLock(path) as lock:
        progress(f"reading 原始数据 of {path.name}")
        patch = XlsxPatch(path)
        try:
            upgraded = upgrade(patch)  # an older workbook gets what this format needs (committed below)
            cells = settings_cells(patch)
            sheet = read_settings(cells, lang=lang, jan_feb=jan_feb, scope=scope, where=patch.names)
            raw = read_raw_cached([path], scope=sheet.scope)  # read under 设置's product scope
            finished, docx, pdf = finished_targets(path, sheet.settings.lang, docx, pdf)
            progress("computing the tables")
            prepared = prepare_report(raw, sheet, force)
            engine, period, found, plan = prepared.engine, prepared.period, prepared.findings, prepared.plan
            apply(plan, patch)
            notes = []
            for name, value, given in (("SET_LANG", sheet.settings.lang, lang),
                                       ("SET_JAN_FEB", sheet.settings.jan_feb, jan_feb),
                                       ("SET_SCOPE", sheet.scope, scope)):
                if given is not None and name in patch.names:
                    text = CELL_BY_NAME[name].show(value)
                    patch.write(Block(name, [[text]], [["@"]]))
                    notes += setting_changed(name, cells.get(name), text)

            def commit() -> None:
                progress(f"saving {path.name}")
                save_patch(patch, lambda temp: lock.check_unchanged())

            write_finished(engine, prepared.document, finished, raw if include_raw else None,
                           then=commit)
        finally:
            patch.close()
    written = write_word(prepared.document, docx, pdf)
    return Outcome([path, finished, *written], period, engine, plan, found, notes,
                   upgraded)


def finished_targets(path: Path, lang: str, docx: Path | bool | None,
                     pdf: Path | bool | None = None) -> tuple[Path, Path | None, Path | None]:
    """The finished copy of a monthly workbook's edition (each edition its own name) and the
    Word edition and its PDF (``True``: beside the finished copy), all checked before anything
    is written."""
    finished = finished_name(path, lang)
    docx = finished.with_suffix(".docx") if docx is True else docx
    pdf = finished.with_suffix(".pdf") if pdf is True else pdf
    check_output(finished, [path])
    check_docx(docx, path, finished, pdf=pdf)
    check_word_fonts(docx or pdf, lang)
    return finished, docx, pdf


def setting_changed(name: str, before: str | None, after: str) -> list[str]:
    """One line when an option changed a cell of 设置, which later refreshes (and the ribbon)
    follow; nothing when the cell already said so."""
    label = {"SET_LANG": "language", "SET_JAN_FEB": "jan-feb", "SET_SCOPE": "product scope"}[name]
    old = (before or "").strip() or str(CELL_BY_NAME[name].default)  # a blank cell stands for its default
    if old.lower() == after.lower():
        return []
    return [f"changed 设置 {label}: {old} → {after}; later refreshes and the ribbon make this edition "
            "until the cell is changed back"]


def settings_cells(patch: XlsxPatch) -> dict[str, str | None]:
    """The 设置 cells the workbook has (by defined name), as text, for ``read_settings``."""
    return {cell.name: patch.read(cell.name) for cell in SETTING_CELLS if cell.name in patch.names}
