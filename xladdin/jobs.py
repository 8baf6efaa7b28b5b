"""The main jobs, shared by the CLI and the Excel ribbon: build, init and refresh."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from xladdin.engine.audit import audit, stop_on_errors
from xladdin.engine.editions import Edition
from xladdin.engine.load import from_raw, report_period, sample_path
from xladdin.engine.metrics import Engine, Settings
from xladdin.engine.periods import parse_period
from xladdin.engine.raw import RawData
from xladdin.engine.scope import DEFAULT_SCOPE, Scope, load_scope, scope_cell
from xladdin.engine.setting_cells import CELLS, SETTING_CELLS, read_settings
from xladdin.errors import Findings, XladdinError
from xladdin.files.lock import WorkbookLock
from xladdin.files.rawcache import read_raw_cached
from xladdin.files.upgrade import upgrade
from xladdin.files.valuesonly import check_values_only
from xladdin.files.workbook import (
    canonical_rows,
    check_output,
    check_workbook,
    finished_name,
    refuse_finished_copy,
    render,
    save_atomic,
    save_with_raw,
    strip_to_finished,
    write_settings,
)
from xladdin.files.xlsxpatch import XlsxPatch
from xladdin.report.compose import report_document
from xladdin.report.document import ReportDocument
from xladdin.report.layout import TOP_N
from xladdin.report.pipeline import forced, prepare_report
from xladdin.report.render import Block, Plan, Publication, apply
from xladdin.report.template import make_template


def progress(message: str) -> None:
    """Say what long work is doing, on a terminal only (scripts and pipes stay quiet). The
    jobs say it; the file back ends below them print nothing."""
    if sys.stderr.isatty():
        print(f"… {message}", file=sys.stderr, flush=True)


@dataclass
class Outcome:
    """What a job wrote, for the front end to report."""

    written: list[Path]
    period: str
    engine: Engine
    plan: Plan | None
    findings: Findings
    #: what the job changed besides its outputs (a setting in 设置), one line each
    notes: list[str] = field(default_factory=list)
    upgraded: str | None = None  # what an upgrade of an older workbook added, in one line


def open_template(template: Path | None, edition: Edition | None = None, top: int = TOP_N):
    """The bundled template for an edition and a number of ranked places (made in memory) or
    an analyst's restyled copy (sized as the monthly workbook: ten places)."""
    if template is None:
        return make_template(edition, top)
    if top != TOP_N:
        raise XladdinError(f"--top {top} with --template: a restyled template's ranked tables have "
                           f"{TOP_N} places; leave out --top or --template")
    try:
        return load_workbook(template)
    except FileNotFoundError:
        raise XladdinError(f"{template}: no such template; check the path") from None
    except Exception:
        raise XladdinError(f"{template}: not a readable xlsx template; save it again in Excel") from None


def build(raw_paths: list[Path], out: Path, period: str | None = None, settings: Settings | None = None,
          include_raw: bool = False, flow: str | None = None, data_period: str | None = None,
          template: Path | None = None, force: bool = False, docx: Path | None = None,
          pdf: Path | None = None, scope: Scope | str | None = None) -> Outcome:
    """The finished, values-only workbook (and the Word edition if ``docx``, as PDF if ``pdf``)
    from raw files. Inputs are only read."""
    out = Path(out)
    check_output(out, [*raw_paths, *([template] if template else [])])
    check_docx(docx, out, pdf=pdf)
    for item in raw_paths:
        refuse_finished_copy(item)
    check_word_fonts(docx or pdf, (settings or Settings()).lang)
    progress("reading raw data")
    raw = read_raw_cached(raw_paths, flow=flow, period=data_period, scope=scope)
    engine = from_raw(raw, settings)
    period = report_period(engine, period)
    found = audit(engine.model, period, jan_feb=engine.settings.jan_feb)
    stop_on_errors(found, force)
    progress(f"computing tables for {period}")
    document = report_document(engine, period, forced=forced(found))  # once, for every format
    plan = write_finished(engine, period, out, raw if include_raw else None, template,
                          forced=forced(found), document=document)
    written = write_word(engine, period, docx, pdf, forced=forced(found), document=document)
    return Outcome([out, *written], period, engine, plan, found)


def check_docx(docx: Path | None, *others: Path, pdf: Path | None = None) -> None:
    """Refuse a Word or PDF target that cannot be written or would overwrite another output,
    and a PDF when no converter is installed (before any work)."""
    if docx is not None:
        check_output(Path(docx), [Path(o) for o in others], suffix=".docx")
    if pdf is not None:
        from xladdin.files.pdf import converter

        check_output(Path(pdf), [Path(o) for o in others], suffix=".pdf")
        converter()


def check_word_fonts(word: Path | None, lang: str) -> None:
    """Before anything is written: the Chinese Word edition's charts (and its PDF) need a CJK font."""
    if word is not None and lang == "zh":
        from xladdin.files.cjkfont import require_cjk_font

        require_cjk_font()


def write_word(engine: Engine, period: str, docx: Path | None, pdf: Path | None = None,
               publication: Publication | None = None, forced: tuple[str, ...] = (),
               document: ReportDocument | None = None) -> list[Path]:
    """The Word edition of a period's report document (in its edition's own shape, whatever
    the workbook's; ``document`` where the job has made it already), if asked for, and its
    PDF (made from a Word edition in a temporary folder when only the PDF is asked for)."""
    if docx is None and pdf is None:
        return []
    import tempfile

    from xladdin.files.word import write_docx

    report = document or report_document(engine, period, publication, forced)

    written = []
    if docx is not None:
        progress(f"writing {Path(docx).name}")
        write_docx(report, Path(docx))
        written.append(Path(docx))
    if pdf is not None:
        from xladdin.files.pdf import write_pdf

        progress(f"writing {Path(pdf).name}")
        with tempfile.TemporaryDirectory(prefix="xladdin-") as work:
            source = Path(docx) if docx is not None else Path(work, Path(pdf).with_suffix(".docx").name)
            if docx is None:
                write_docx(report, source)
            write_pdf(source, Path(pdf))
        written.append(Path(pdf))
    return written


def write_finished(engine: Engine, period: str, out: Path, raw: RawData | None = None,
                   template: Path | None = None, publication: Publication | None = None,
                   forced: tuple[str, ...] = (), then: Callable[[], None] | None = None,
                   document: ReportDocument | None = None) -> Plan:
    """The reader's values-only workbook: render, drop settings (and raw data unless given),
    save atomically (and only if the file holds values only). ``then`` runs once the copy is
    complete and before it takes its name (refresh commits the monthly workbook there, so a
    copy that cannot be written leaves the workbook as it was). The bundled template is made
    for the edition (its language, its span groups); a restyled template has the monthly
    template's two span groups."""
    book = open_template(template, engine.edition(period), engine.settings.top_n)
    plan = render(book, engine, period, publication, forced, span_groups=2 if template else None,
                  document=document)
    strip_to_finished(book, include_raw=raw is not None)
    progress(f"writing {out.name}")

    def verify(temp: str) -> None:
        check_values_only(temp)
        if then is not None:
            then()

    if raw is None:
        save_atomic(book, out, verify)
    else:
        save_with_raw(book, canonical_rows(raw), out, verify)
    return plan


def demo(out: Path, settings: Settings | None = None, docx: Path | None = None,
         pdf: Path | None = None, scope: Scope | str | None = None) -> Outcome:
    require_sample(scope)
    return build([sample_path()], out, None, settings, docx=docx, pdf=pdf)


def require_sample(scope: Scope | str | None) -> None:
    """Only the chips scope has a bundled sample: any other is refused in one sentence."""
    chosen = load_scope(scope)
    if chosen.id != DEFAULT_SCOPE:
        heading = ", ".join(load_scope(DEFAULT_SCOPE).headings)
        raise XladdinError(f"the bundled sample is of the {DEFAULT_SCOPE} scope (HS {heading}) only; for the "
                           f"'{chosen.id}' scope give raw files of HS {', '.join(chosen.headings)} "
                           f"(xladdin build FILE --scope {scope} -o OUT.xlsx)")


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
    plan = render(book, engine, period, span_groups=2)
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
            jan_feb_text = "jan-feb" if sheet.settings.jan_feb else "auto"
            for name, value, given in (("SET_LANG", sheet.settings.lang, lang),
                                       ("SET_JAN_FEB", jan_feb_text, jan_feb),
                                       ("SET_SCOPE", sheet.scope, scope)):
                if given is not None and name in patch.names:
                    patch.write(Block(name, [[value]], [["@"]]))
                    notes += setting_changed(name, cells.get(name), value)

            def commit() -> None:
                progress(f"saving {path.name}")
                patch.commit(lambda temp: lock.check_unchanged())

            write_finished(engine, period, finished, raw if include_raw else None,
                           publication=prepared.publication, forced=forced(found), then=commit,
                           document=prepared.document)
        finally:
            patch.close()
    written = write_word(engine, period, docx, pdf, prepared.publication, forced(found), prepared.document)
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
    old = (before or "").strip() or str(CELLS[name].default)  # a blank cell stands for its default
    if old.lower() == after.lower():
        return []
    return [f"changed 设置 {label}: {old} → {after}; later refreshes and the ribbon make this edition "
            "until the cell is changed back"]


def settings_cells(patch: XlsxPatch) -> dict[str, str | None]:
    """The 设置 cells the workbook has (by defined name), as text, for ``read_settings``."""
    return {cell.name: patch.read(cell.name) for cell in SETTING_CELLS if cell.name in patch.names}
