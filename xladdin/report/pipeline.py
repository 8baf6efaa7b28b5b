"""One refresh, whoever asks: raw rows and 设置 in, the engine, the period, the audit and
the render plan out.

The command line, the ribbon button and the Lite script differ only in how they fetch the
raw rows and the settings cells (zip parts, COM, awaited requests) and where they write the
plan; everything between is ``prepare_report``: synchronous, pure (no files, no Excel), so
each front end does the same refresh and a test can compare their plans.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xladdin.engine.audit import audit, stop_on_errors
from xladdin.engine.load import from_raw, report_period
from xladdin.engine.metrics import Engine
from xladdin.engine.raw import RawData
from xladdin.engine.setting_cells import WORKBOOK_FORMAT, SheetSettings
from xladdin.errors import Findings, XladdinError
from xladdin.report.compose import Publication, report_document
from xladdin.report.document import ReportDocument
from xladdin.report.render import Plan, plan_of


@dataclass(frozen=True)
class PreparedReport:
    """A refresh ready to write: the plan for the monthly workbook and what it came from."""

    engine: Engine
    period: str
    findings: Findings
    plan: Plan
    publication: Publication
    format: int  # the workbook's format, as 设置 says
    #: the report document the plan is laid out from (the finished copy and the Word edition
    #: are written from it too)
    document: ReportDocument | None = None


def forced(found: Findings) -> tuple[str, ...]:
    """The audit's errors a job went on despite (--force), for the workbook to say so."""
    return tuple(f.line().removeprefix("error: ") for f in found.of("error"))


def prepare_report(raw: RawData, sheet: SheetSettings, force: bool | None = None,
                   on_audit: Callable[[Findings], None] | None = None) -> PreparedReport:
    """Validate, audit and plan a monthly workbook's refresh (both span groups: the workbook
    has them, an edition with one leaves the second blank). ``on_audit`` sees the findings
    before errors stop the refresh (the Lite pane prints the warnings first); errors stop it
    unless ``force`` (``None``: the front end has no --force to offer, as in Excel)."""
    engine = from_raw(raw, sheet.settings)
    period = report_period(engine, sheet.period)
    found = audit(engine.model, period, jan_feb=sheet.settings.jan_feb)
    for note in sheet.notes:
        found.add("warning", note)
    if on_audit is not None:
        on_audit(found)
    stop_on_errors(found, force)
    publication = Publication.of(sheet.issuer, sheet.date)
    document = report_document(engine, period, publication, forced(found))
    plan = plan_of(document, span_groups=2)
    return PreparedReport(engine, period, found, plan, publication, sheet.format, document)


def check_plan_names(plan: Plan, has: Callable[[str], bool], fmt: int) -> None:
    """Before a live workbook is written: a name the plan needs and an older workbook lacks is
    what an upgrade adds, which only the command line does to the file."""
    if fmt >= WORKBOOK_FORMAT:
        return  # a current workbook has every name; a deleted one is the back end's sentence
    missing = [b.name for b in plan.blocks if b.values and not has(b.name)]
    if missing:
        raise XladdinError(f"the workbook was made by an older xladdin (workbook format {fmt}) and "
                           f"lacks {', '.join(missing[:3])}: close it, run 'xladdin refresh' on the "
                           "file once (it upgrades the workbook in place and keeps your own sheets) "
                           "and open it again")
