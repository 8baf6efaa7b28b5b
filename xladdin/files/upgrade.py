"""Upgrade a monthly workbook made by an earlier xladdin, in place.

An analyst keeps a workbook for years and adds to it (sheets, formulas, widths, names), so
``refresh`` and ``import`` never ask for a new one: they add what the current format needs
and leave every other part of the file as it was. Each step is a small function keyed by the
workbook format that brought what it adds; it first checks whether the workbook lacks it (so
a step never adds a thing twice) and refuses with one sentence where it would have to
overwrite the analyst's cells. The format cell (``SET_FORMAT`` in 设置) is then set to
``WORKBOOK_FORMAT``. Steps work on an open ``XlsxPatch``: nothing is written unless the job
that opened it commits.

To add a step: write ``needed(patch) -> bool`` and ``apply(patch) -> str`` (what it added,
for the one line the user sees), append ``Step(version, …)`` to ``STEPS`` and raise
``WORKBOOK_FORMAT`` to that version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree
from openpyxl.utils import get_column_letter, range_boundaries

from xladdin.engine.editions import parse_lang, word_set
from xladdin.engine.history import COLUMNS
from xladdin.engine.raw import RAW_SHEET
from xladdin.engine.scope import DEFAULT_SCOPE
from xladdin.engine.setting_cells import CELL_BY_NAME, WORKBOOK_FORMAT, parse_cell
from xladdin.errors import XladdinError
from xladdin.ooxml.cells import Q, cell_at, row_at, set_value, split_ref
from xladdin.ooxml.xlsxpatch import XlsxPatch
from xladdin.report.layout import DATA_NAME, HIST_BODY, SETTINGS_SHEET


@dataclass(frozen=True)
class Step:
    """One upgrade: ``version`` is the workbook format that brought what it adds."""

    version: int
    what: str
    needed: Callable[[XlsxPatch], bool]
    apply: Callable[[XlsxPatch], str]


def workbook_format(patch: XlsxPatch) -> int:
    """The format the workbook says it is (none: 1, the first release's)."""
    return parse_cell("SET_FORMAT", patch.read("SET_FORMAT") if "SET_FORMAT" in patch.names else None,
                      patch.names.get("SET_FORMAT"))


def upgrade(patch: XlsxPatch) -> str | None:
    """Bring the open workbook to ``WORKBOOK_FORMAT``; the one line saying what was added, or
    None when it already is. A workbook without a format cell gets every step it lacks (it
    may predate the first release's sheets); a marked one the steps after its format."""
    fmt = workbook_format(patch)
    marked = "SET_FORMAT" in patch.names
    if marked and fmt == WORKBOOK_FORMAT:
        return None
    done = [step.apply(patch) for step in STEPS
            if (step.version > fmt or not marked) and step.needed(patch)]
    set_format(patch)
    added = "; ".join(done) if done else "nothing but its format"
    return f"upgraded {patch.path.name} from workbook format {fmt} to {WORKBOOK_FORMAT}: added {added}"


def set_format(patch: XlsxPatch) -> None:
    sheet, row, col = patch.anchor("SET_FORMAT")
    set_value(cell_at(row_at(_data(patch, sheet), row), row, col), WORKBOOK_FORMAT)


# --- cells of a sheet ------------------------------------------------------------------------

def _data(patch: XlsxPatch, sheet: str) -> etree._Element:
    return patch.sheet(sheet, write=True).find(f"{Q}sheetData")


def _find(patch: XlsxPatch, sheet: str, ref: str) -> etree._Element | None:
    return next((c for c in patch.sheet(sheet).iter(f"{Q}c") if c.get("r") == ref), None)


def _style(patch: XlsxPatch, sheet: str, ref: str) -> str | None:
    """A cell's style index (None where the cell or its style is missing)."""
    cell = _find(patch, sheet, ref)
    return None if cell is None else cell.get("s")


def _holds(cell: etree._Element | None) -> bool:
    """Whether a cell holds something (a value, text or formula), not only a style."""
    return cell is not None and any((e.text or "").strip() for e in cell.iter()
                                    if e.tag in (f"{Q}v", f"{Q}t", f"{Q}f"))


# --- a new 设置 cell -------------------------------------------------------------------------

def _move_row(patch: XlsxPatch, sheet: str, source: int, target: int) -> None:
    """Move the cells of row ``source`` to the empty row ``target`` (xladdin's own rows only)."""
    data = _data(patch, sheet)
    old = row_at(data, source)
    new = row_at(data, target)
    for attr in ("ht", "customHeight"):
        if old.get(attr) is not None:
            new.set(attr, old.get(attr))
    for cell in list(old):
        cell.set("r", f"{''.join(ch for ch in cell.get('r') if ch.isalpha())}{target}")
        new.append(cell)
    data.remove(old)


def add_setting(patch: XlsxPatch, name: str, value: object = None) -> str:
    """A 设置 cell in the row below the last one, labelled and styled like the row above.

    xladdin's own note and data cell (数据) below the settings move down a row to make room;
    anything else in the way is the analyst's, and the upgrade is refused.
    """
    cell = CELL_BY_NAME[name]
    rows = [patch.anchor(c)[1] for c in CELL_BY_NAME
            if c in patch.names and patch.anchor(c)[0] == SETTINGS_SHEET]
    if not rows:
        raise XladdinError(f"{patch.path.name}: 设置 has none of its settings cells; start from the "
                           "xladdin template (xladdin init)")
    last = max(rows)
    target = last + 1
    ours: list[int] = []
    if DATA_NAME in patch.names and patch.anchor(DATA_NAME)[0] == SETTINGS_SHEET:
        data_row = patch.anchor(DATA_NAME)[1]
        ours = [data_row - 1, data_row] if target <= data_row else []
    if target in ours:  # make room: the note and the data cell move down one row
        below = ours[-1] + 1
        _refuse_if_held(patch, below, cell.label)
        for row in reversed(ours):
            _move_row(patch, SETTINGS_SHEET, row, row + 1)
        _, _, col = patch.anchor(DATA_NAME)
        patch.define_name(DATA_NAME, SETTINGS_SHEET, f"${get_column_letter(col)}${ours[-1] + 1}")
    else:
        _refuse_if_held(patch, target, cell.label)
    data = _data(patch, SETTINGS_SHEET)
    for col, text in ((1, cell.label), (2, cell.default if value is None else value)):
        style = _style(patch, SETTINGS_SHEET, f"{get_column_letter(col)}{last}")
        new = cell_at(row_at(data, target), target, col)
        if style:
            new.set("s", style)
        set_value(new, text)
    patch.define_name(name, SETTINGS_SHEET, f"$B${target}")
    if cell.choices:
        _add_choices(patch, f"B{target}", cell.choices)
    return f"the {SETTINGS_SHEET} cell {name} at {SETTINGS_SHEET}!B{target}"


def _refuse_if_held(patch: XlsxPatch, row: int, label: str) -> None:
    held = [f"{c}{row}" for c in ("A", "B") if _holds(_find(patch, SETTINGS_SHEET, f"{c}{row}"))]
    if held:
        raise XladdinError(f"{patch.path.name}: upgrading the workbook to format {WORKBOOK_FORMAT} puts the "
                           f"new setting '{label}' in {SETTINGS_SHEET}!A{row}:B{row}, which holds your "
                           f"own {' and '.join(held)}; move it to another row and run the command again")


#: Worksheet parts that come after the data validations (ECMA-376 CT_Worksheet order).
_AFTER_VALIDATIONS = {"hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
                      "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors",
                      "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects",
                      "controls", "webPublishItems", "tableParts", "extLst"}


def _add_choices(patch: XlsxPatch, ref: str, choices: tuple[str, ...]) -> None:
    """A drop-down list on a new setting, as the template has on its own."""
    root = patch.sheet(SETTINGS_SHEET, write=True)
    rules = root.find(f"{Q}dataValidations")
    if rules is None:  # in its place among the worksheet's parts: before hyperlinks and print setup
        rules = etree.Element(f"{Q}dataValidations")
        later = next((child for child in root if etree.QName(child).localname in _AFTER_VALIDATIONS), None)
        if later is None:
            root.append(rules)
        else:
            later.addprevious(rules)
    rule = etree.SubElement(rules, f"{Q}dataValidation", sqref=ref, type="list", allowBlank="0")
    etree.SubElement(rule, f"{Q}formula1").text = f'"{",".join(choices)}"'
    rules.set("count", str(len(rules)))


# --- a new sheet -----------------------------------------------------------------------------

def _sheet_names(patch: XlsxPatch) -> dict:
    lang = parse_lang(patch.read("SET_LANG") if "SET_LANG" in patch.names else None)
    return word_set(lang)["sheets"]


def _worksheet(cols: str, rows: str, merges: list[str], landscape: bool = True, frozen: str = "",
               header_footer: str = "") -> str:
    """A worksheet part: A4, fit to the page's width, optionally frozen above and left of a cell,
    with a print header and footer (``<headerFooter>`` as another sheet has it)."""
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    pane = ""
    if frozen:
        col, row = range_boundaries(frozen)[:2]
        pane = (f'<sheetViews><sheetView workbookViewId="0"><pane xSplit="{col - 1}" ySplit="{row - 1}" '
                f'topLeftCell="{frozen}" activePane="bottomRight" state="frozen"/></sheetView></sheetViews>')
    orientation = "landscape" if landscape else "portrait"
    return (f'<worksheet xmlns="{Q[1:-1]}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>{pane}'
            f'<cols>{cols}</cols><sheetData>{rows}</sheetData>'
            + (f'<mergeCells count="{len(merges)}">{merged}</mergeCells>' if merges else "")
            + '<pageMargins left="0.6" right="0.6" top="0.8" bottom="0.8" header="0.35" footer="0.35"/>'
            f'<pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" fitToHeight="0"/>'
            f"{header_footer}</worksheet>")


def _report_header_footer(patch: XlsxPatch) -> str:
    """Table 1's print header and footer (the report title, the page number), for a sheet an
    upgrade adds."""
    if "T1_TITLE" not in patch.names:
        return ""
    element = patch.sheet(patch.anchor("T1_TITLE")[0]).find(f"{Q}headerFooter")
    if element is None:
        return ""
    return etree.tostring(element, encoding="unicode").replace(f' xmlns="{Q[1:-1]}"', "")


def _borrowed(patch: XlsxPatch, name: str, right: int = 0, down: int = 0) -> str:
    """The style of a cell of table 1 (its title, header, body or notes), so a sheet an upgrade
    adds looks like the report's own: the workbook's styles part stays as it was."""
    if name not in patch.names:
        return ""
    sheet, row, col = patch.anchor(name)
    style = _style(patch, sheet, f"{get_column_letter(col + right)}{row + down}")
    return f' s="{style}"' if style else ""


def add_history_sheet(patch: XlsxPatch) -> str:
    """月度数据 as the template lays it out (title, note, two header rows, a body the refresh
    fills), for a workbook made before it had one; styled like table 1."""
    sheet = _sheet_names(patch)["history"]
    if sheet in patch.parts:
        raise XladdinError(f"{patch.path.name}: upgrading the workbook adds the monthly history as the "
                           f"sheet '{sheet}', but a sheet of that name is yours; rename it and run the "
                           "command again")
    width = 1 + len(COLUMNS)
    last = get_column_letter(width)
    cols = '<col min="1" max="1" width="9" customWidth="1"/>' + \
        f'<col min="2" max="{width}" width="8.5" customWidth="1"/>'
    styles = {1: [_borrowed(patch, "T1_TITLE")], 2: [_borrowed(patch, "T1_NOTES")],
              3: [_borrowed(patch, "T1_HEAD")] * width, 4: [_borrowed(patch, "T1_HEAD", 1, 1)] * width,
              5: [_borrowed(patch, "T1_BODY")] + [_borrowed(patch, "T1_BODY", 1)] * (width - 1)}
    heights = {1: ' ht="24" customHeight="1"', 4: ' ht="30" customHeight="1"'}
    rows = "".join(f'<row r="{r}"{heights.get(r, "")}>'
                   + "".join(f'<c r="{get_column_letter(c)}{r}"{s}/>' for c, s in enumerate(cells, 1))
                   + "</row>" for r, cells in styles.items())
    half = 1 + len(COLUMNS) // 2
    merges = [f"A1:{last}1", f"A2:{last}2", "A3:A4", f"B3:{get_column_letter(half)}3",
              f"{get_column_letter(half + 1)}3:{last}3"]
    patch.add_sheet(sheet, _worksheet(cols, rows, merges, frozen="B5",
                                      header_footer=_report_header_footer(patch)), before=RAW_SHEET)
    for name, ref in (("HIST_TITLE", "$A$1"), ("HIST_NOTE", "$A$2"), ("HIST_HEAD", f"$A$3:${last}$4"),
                      (HIST_BODY, f"$A$5:${last}$5")):
        patch.define_name(name, sheet, ref)
    return f"the sheet {sheet} (the monthly history)"


def add_chart_sheet(patch: XlsxPatch) -> str:
    """图表 with its title, for a workbook made before it had one (its charts are drawn by
    ``xladdin init``; the finished copy always has them)."""
    sheet = _sheet_names(patch)["charts"]
    if sheet in patch.parts:
        raise XladdinError(f"{patch.path.name}: upgrading the workbook adds the sheet '{sheet}', but a "
                           "sheet of that name is yours; rename it and run the command again")
    before = _sheet_names(patch)["history"]
    title = f'<row r="1"><c r="A1"{_borrowed(patch, "T1_TITLE")}/></row>'
    patch.add_sheet(sheet, _worksheet('<col min="1" max="1" width="60" customWidth="1"/>', title, [],
                                      landscape=False, header_footer=_report_header_footer(patch)),
                    before=before if before in patch.parts else RAW_SHEET)
    patch.define_name("CHART_TITLE", sheet, "$A$1")
    return f"the sheet {sheet} (its title; the charts are in the finished copy)"


# --- a wider history -------------------------------------------------------------------------

def history_narrower(patch: XlsxPatch) -> bool:
    """Whether 月度数据 has fewer columns than the history holds now."""
    if "HIST_HEAD" not in patch.names:
        return False
    c1, _, c2, _ = range_boundaries(split_ref(patch.names["HIST_HEAD"])[1])
    return c2 - c1 + 1 < 1 + len(COLUMNS)


def widen_history(patch: XlsxPatch) -> str:
    """Widen 月度数据's header and body to the history's current columns: the new columns
    styled like the last one, the title and note merged across, the two column groups
    re-merged; a cell of the analyst's in the new columns refuses the upgrade."""
    sheet, ref = split_ref(patch.names["HIST_HEAD"])
    c1, r1, c2, _ = range_boundaries(ref)
    _, _, _, body_last = range_boundaries(split_ref(patch.names[HIST_BODY])[1])
    width = 1 + len(COLUMNS)
    new_last = c1 + width - 1
    root = patch.sheet(sheet, write=True)
    for cell in root.iter(f"{Q}c"):
        col, row = range_boundaries(cell.get("r"))[:2]
        if c2 < col <= new_last and r1 - 2 <= row <= body_last and _holds(cell):
            raise XladdinError(f"{patch.path.name}: upgrading the workbook widens the sheet {sheet} to "
                               f"column {get_column_letter(new_last)}, but {cell.get('r')} holds your own "
                               "cell; move it elsewhere and run the command again")
    data = root.find(f"{Q}sheetData")
    for row in range(r1, body_last + 1):
        style = _style(patch, sheet, f"{get_column_letter(c2)}{row}")
        for col in range(c2 + 1, new_last + 1):
            cell = cell_at(row_at(data, row), row, col)
            if style and cell.get("s") is None:
                cell.set("s", style)
    merges = root.find(f"{Q}mergeCells")
    if merges is not None:
        for merge in list(merges):
            m1, mr1, _, mr2 = range_boundaries(merge.get("ref"))
            if mr1 < r1 or mr1 == r1 and mr2 == r1:  # title, note, the column groups' heads
                merges.remove(merge)
        half = c1 + len(COLUMNS) // 2
        last = get_column_letter(new_last)
        first = get_column_letter(c1)
        for text in (f"{first}{r1 - 2}:{last}{r1 - 2}", f"{first}{r1 - 1}:{last}{r1 - 1}",
                     f"{get_column_letter(c1 + 1)}{r1}:{get_column_letter(half)}{r1}",
                     f"{get_column_letter(half + 1)}{r1}:{last}{r1}"):
            etree.SubElement(merges, f"{Q}mergeCell", ref=text)
        merges.set("count", str(len(merges)))
    last = get_column_letter(new_last)
    patch.define_name("HIST_HEAD", sheet, f"${get_column_letter(c1)}${r1}:${last}${r1 + 1}")
    body = split_ref(patch.names[HIST_BODY])[1]
    b1, br1, _, br2 = range_boundaries(body)
    patch.define_name(HIST_BODY, sheet, f"${get_column_letter(b1)}${br1}:${last}${br2}")
    return f"{new_last - c2} columns of {sheet}"


#: Every upgrade, oldest first. Format 1 (the first release) brought the monthly history and
#: the charts sheet: a workbook without them (made before) gets them. Format 2 brought the
#: format cell itself; format 3 the product scope cell (an older workbook is a chips report).
STEPS: tuple[Step, ...] = (
    Step(1, "the monthly history sheet 月度数据 and its names", lambda p: HIST_BODY not in p.names,
         add_history_sheet),
    Step(1, "the charts sheet 图表 and its title", lambda p: "CHART_TITLE" not in p.names, add_chart_sheet),
    Step(1, "the monthly history's columns, as many as the history holds", history_narrower, widen_history),
    Step(2, "the workbook format cell 设置!SET_FORMAT", lambda p: "SET_FORMAT" not in p.names,
         lambda p: add_setting(p, "SET_FORMAT", WORKBOOK_FORMAT)),
    Step(3, "the product scope cell 设置!SET_SCOPE", lambda p: "SET_SCOPE" not in p.names,
         lambda p: add_setting(p, "SET_SCOPE", DEFAULT_SCOPE)),
)

