"""The finished copy of a report from raw files (``build``, ``demo``), and what every job that
writes one shares: its Word edition and PDF, its checks, the outcome and progress it reports."""

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
from xladdin.engine.raw import RawData
from xladdin.engine.scope import DEFAULT_SCOPE, Scope, load_scope
from xladdin.errors import Findings, XladdinError
from xladdin.files.rawcache import read_raw_cached
from xladdin.files.valuesonly import check_values_only
from xladdin.files.workbook import (
    canonical_rows,
    check_output,
    refuse_finished_copy,
    render,
    save_atomic,
    save_with_raw,
    strip_to_finished,
)
from xladdin.report.compose import report_document
from xladdin.report.document import ReportDocument
from xladdin.report.layout import TOP_N
from xladdin.report.pipeline import forced
from xladdin.report.render import Plan
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
    plan = write_finished(engine, document, out, raw if include_raw else None, template)
    written = write_word(document, docx, pdf)
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


def write_word(report: ReportDocument, docx: Path | None, pdf: Path | None = None) -> list[Path]:
    """The Word edition of a report document (in its edition's own shape, whatever the
    workbook's), if asked for, and its PDF (made from a Word edition in a temporary folder when
    only the PDF is asked for)."""
    if docx is None and pdf is None:
        return []
    import tempfile

    from xladdin.files.word import write_docx

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


def write_finished(engine: Engine, document: ReportDocument, out: Path, raw: RawData | None = None,
                   template: Path | None = None, then: Callable[[], None] | None = None) -> Plan:
    """The reader's values-only workbook: render, drop settings (and raw data unless given),
    save atomically (and only if the file holds values only). ``then`` runs once the copy is
    complete and before it takes its name (refresh commits the monthly workbook there, so a
    copy that cannot be written leaves the workbook as it was). The bundled template is made
    for the edition (its language, its span groups); a restyled template has the monthly
    template's two span groups. ``engine`` gives the template its edition and ranked places."""
    book = open_template(template, engine.edition(document.period), engine.settings.top_n)
    plan = render(book, document, span_groups=2 if template else None)
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
