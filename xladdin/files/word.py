"""The Word edition: the report as the lab publishes it, written from the report document.

Cover, the text with each table after the paragraphs that discuss it (as the published
report places them), then the charts as pictures (drawn with matplotlib from the data each
chart of the document carries, which the workbook's charts read too). Header and footer carry
the report title and page numbers. An analyst edits the wording in Word and publishes;
nothing in the file needs Python.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from xladdin.engine.scope import Scope
from xladdin.files.workbook import write_atomic
from xladdin.report.charts import product_colour
from xladdin.report.document import DASH, Chart, ReportDocument, Table

FONT = "Microsoft YaHei"
#: CJK fonts tried in order for the chart pictures (Windows, macOS, Linux).
CHART_FONTS = ["Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "WenQuanYi Micro Hei",
               "Noto Sans CJK SC", "Source Han Sans SC", "DejaVu Sans"]
#: Column widths (cm) per table kind: names and headers (同比变化（%）) wide enough not to
#: wrap, 16 cm in all at most.
COLUMN_CM = {"overview": [3.6, 3.1, 3.1, 3.1, 3.1], "composition": [2.6, 2.25, 2.25, 2.25, 2.25, 2.25, 2.25],
             "ranking": [2.5, 2.3, 2.7, 2.5, 2.3, 2.7]}
#: English names are longer ("Processors and controllers", "Hong Kong, China"), headers shorter.
COLUMN_CM_EN = {"overview": [4.8, 2.8, 2.8, 2.8, 2.8],
                "composition": [4.4, 1.95, 1.95, 1.95, 1.95, 1.95, 1.95],
                "ranking": [3.3, 2.1, 2.3, 3.3, 2.1, 2.3]}


def _figure_format(fmt: str) -> bool:
    """A table figure's number format (one decimal; the English one with thousands separators)."""
    return fmt.startswith(("0.0", "#,##0.0"))


def _cell_text(value, fmt: str) -> str:
    if value is None:
        return ""
    if _figure_format(fmt) and isinstance(value, (int, float)):
        text = f"{value:,.1f}" if fmt.startswith("#,") else f"{value:.1f}"
        return "0.0" if text == "-0.0" else text
    return str(value)


def _font(run, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold or None


def _paragraph(doc, text: str, size: float = 10.5, bold: bool = False, align=None, indent: bool = False,
               space_after: float = 6, keep_next: bool = False, space_before: float = 0):
    from docx.shared import Pt

    para = doc.add_paragraph()
    _font(para.add_run(text), size, bold)
    fmt = para.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(space_before)
    fmt.keep_with_next = keep_next or None
    if indent:
        fmt.first_line_indent = Pt(size * 2)  # two characters, as Chinese text is set
        fmt.line_spacing = 1.25
    if align is not None:
        para.alignment = align
    return para


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when showing the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header_footer(doc, report: ReportDocument) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = doc.sections[0]
    section.different_first_page_header_footer = True  # the cover carries neither
    head = section.header.paragraphs[0]
    _font(head.add_run(report.cover.title), 9)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, between, after = report.page_of
    _font(foot.add_run(before), 9)
    _field(foot, "PAGE")
    _font(foot.add_run(between), 9)
    _field(foot, "NUMPAGES")
    _font(foot.add_run(after), 9)


def _table(doc, table: Table, lang: str, listed: str) -> None:
    """One table: title, two header rows (merged as on the sheet), body, notes (but the
    product list, which starts with ``listed``)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    _paragraph(doc, table.title, 10.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4,
               keep_next=True, space_before=6)
    width, heads = table.columns, len(table.head)
    body = [row for row in table.body if any(c.value not in (None, "") for c in row.cells)]  # places filled
    grid = doc.add_table(rows=heads + len(body), cols=width)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _narrow_margins(grid)
    widths = (COLUMN_CM_EN if lang == "en" else COLUMN_CM)[table.kind]
    for j, column in enumerate(grid.columns):  # the grid, which LibreOffice reads
        column.width = Cm(widths[j])
    for i, row in enumerate(grid.rows):
        for j, cell in enumerate(row.cells):
            cell.width = Cm(widths[j])
        _keep_row(row, header=i < heads)
    # place each cell, merge first and write after: a merged cell keeps the paragraphs of every
    # cell it absorbs
    placed: list[tuple[int, int, object, bool, bool]] = []  # row, column, cell, header, section
    for i, j, cell in table.head_places():
        if cell.span > 1 or cell.rows > 1:
            grid.cell(i, j).merge(grid.cell(i + cell.rows - 1, j + cell.span - 1))
        placed.append((i, j, cell, True, False))
    for i, row in enumerate(body, start=heads):
        if row.section:
            grid.cell(i, 0).merge(grid.cell(i, width - 1))
        placed += [(i, j, cell, False, row.section) for j, cell in enumerate(row.cells)]
    last = heads + len(body) - 1
    for i, j, cell, is_head, section in placed:
        text = _cell_text(cell.value, cell.format)
        para = grid.cell(i, j).paragraphs[0]
        _font(para.add_run(text), 8 if is_head else 9, bold=is_head or section)
        numeric = not is_head and (_figure_format(cell.format) or text == DASH)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER if is_head else (
            WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT)
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.keep_with_next = True if i < last else None
    # the product list is printed once, as the footnote of section two (as published)
    notes = [n for n in table.notes if not n.startswith(listed)]
    for k, note in enumerate(notes):
        para = _paragraph(doc, note, 9, space_after=2, space_before=4 if k == 0 else 0)
        para.paragraph_format.line_spacing = 1.15


def _narrow_margins(table, twips: int = 57) -> None:
    """Cell margins of 0.1 cm left and right (Word's default is 0.19 cm): headers such as
    同比变化（%） and names such as 处理器及控制器 stay on one line in their columns."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    look = props.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        props.append(margins)


def _keep_row(row, header: bool) -> None:
    """A row never breaks across pages (``cantSplit``); header rows repeat on a new page."""
    from docx.oxml import OxmlElement

    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        props.append(OxmlElement("w:tblHeader"))


def _hex(colour: str) -> str:
    return f"#{colour}"


def chart_png(chart: Chart, scope: Scope | None = None) -> bytes:
    """One chart drawn as a PNG picture (matplotlib, no display needed), in the palette the
    workbook's charts use; its title is the figure's caption, below it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from xladdin.files.cjkfont import chart_fonts

    plt.rcParams["font.sans-serif"] = chart_fonts(CHART_FONTS)
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    spec, categories, series = chart.spec, list(chart.categories), chart.series
    fig, ax = plt.subplots(figsize=(6.3, 2.75), dpi=150)
    colours = [_hex(c) for c in spec.colours] or ["#2F5597"]
    if spec.kind == "pie":
        values = [v or 0.0 for v in series[0][1]]
        total = sum(values) or 1.0
        wedges, _ = ax.pie(values, labels=None, startangle=0, counterclock=False,
                           colors=[_hex(product_colour(c, i, scope)) for i, c in enumerate(categories)],
                           wedgeprops={"linewidth": 0.6, "edgecolor": "white"})
        # percent labels outside, stacked where slices are thin so they never collide
        last_y = None
        for wedge, value in sorted(zip(wedges, values), key=lambda p: -abs(p[1])):
            angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
            x, y = math.cos(angle), math.sin(angle)
            ty = 1.22 * y
            if value / total < 0.05 and last_y is not None and abs(ty - last_y) < 0.16:
                ty = last_y - 0.16 if ty <= last_y else last_y + 0.16
            last_y = ty if value / total < 0.05 else last_y
            ax.annotate(f"{value / total * 100:.1f}%", xy=(x * 0.98, y * 0.98), xytext=(1.25 * x, ty),
                        ha="left" if x >= 0 else "right", va="center", fontsize=7.5,
                        arrowprops={"arrowstyle": "-", "linewidth": 0.5, "color": "#808080"})
        ax.legend(categories, loc="center left", bbox_to_anchor=(1.15, 0.5), fontsize=8, frameon=False)
        ax.axis("equal")
    elif spec.kind == "bar":
        values = [v or 0.0 for v in series[0][1]]
        ax.barh(range(len(values)), values, color=colours[0])
        ax.set_yticks(range(len(values)), categories, fontsize=8)
        ax.invert_yaxis()  # rank 1 on top
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlim(0, max(values or [1]) * 1.12)
        for k, v in enumerate(values):
            ax.text(v, k, f" {v:,.1f}", va="center", fontsize=7)
    else:
        x = list(range(len(categories)))
        step = max(1, len(categories) // 12)
        for k, (title, values) in enumerate(series):
            colour = colours[k % len(colours)]
            if spec.kind == "column":
                offset = (k - (len(series) - 1) / 2) * 0.4
                ax.bar([i + offset for i in x], [v if v is not None else 0.0 for v in values], width=0.4,
                       label=title, color=colour)
            else:
                ax.plot(x, [float("nan") if v is None else v for v in values], marker="o", markersize=2.5,
                        label=title, color=colour)
        ax.set_xticks(x[::step], categories[::step], rotation=45, ha="right", fontsize=7)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_ylabel(spec.y_title, fontsize=8)
        ax.grid(axis="y", linewidth=0.4, alpha=0.6)
        ax.legend(fontsize=8, frameon=False, loc="upper left", ncols=len(series))
        if spec.kind == "line":
            ax.axhline(0, color="#808080", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _figures(doc, report: ReportDocument) -> None:
    """The charts as numbered figures: picture, caption (图1：… / Figure 1: …), source line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    center = WD_ALIGN_PARAGRAPH.CENTER
    heading = _paragraph(doc, report.figures_heading, 14, bold=True, space_after=8, keep_next=True)
    heading.paragraph_format.page_break_before = True  # three figures a page, as on the charts sheet
    for chart in report.charts:
        doc.add_picture(io.BytesIO(chart_png(chart, report.scope)), width=Cm(14.5))
        picture = doc.paragraphs[-1]
        picture.alignment = center
        picture.paragraph_format.keep_with_next = True
        _paragraph(doc, chart.caption, 10, bold=True, align=center, space_after=0, keep_next=True)
        _paragraph(doc, report.cover.source, 8.5, align=center, space_after=12)


def _cover(doc, report: ReportDocument) -> None:
    """Title, span, a contents list (the sections, then the figures) and the issuer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm

    center, cover = WD_ALIGN_PARAGRAPH.CENTER, report.cover
    for _ in range(4):
        doc.add_paragraph()
    _paragraph(doc, cover.title, 22, bold=True, align=center)
    _paragraph(doc, cover.subtitle, 15, align=center, space_after=48)
    _paragraph(doc, cover.contents_heading, 12, bold=True, align=center, space_after=6)
    for line in [*report.sections, report.figures_heading]:
        para = _paragraph(doc, line, 11, space_after=3)
        para.paragraph_format.left_indent = Cm(4.5)
    _paragraph(doc, "", 11, space_after=60)
    _paragraph(doc, cover.issuer, 14, align=center)
    _paragraph(doc, cover.date, 14, align=center)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def build_document(report: ReportDocument, listed: str = ""):
    """The Word document of a report (python-docx ``Document``); ``listed``: the start of the
    product-list note, which only section two's footnote prints."""
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    _drop_styles_with_effects(doc)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.4)
    _header_footer(doc, report)
    _cover(doc, report)
    for piece in report.body:
        if isinstance(piece, Table):
            _table(doc, piece, report.lang, listed)
        elif piece.kind == "section":
            _paragraph(doc, piece.text, 14, bold=True, space_after=8, space_before=14, keep_next=True)
        elif piece.kind == "subsection":
            _paragraph(doc, piece.text, 12, bold=True, space_after=6, space_before=10, keep_next=True)
        elif piece.kind == "footnote":
            _paragraph(doc, piece.text, 8.5, space_after=6)
        elif piece.text:
            _paragraph(doc, piece.text, 10.5, indent=True)
    _figures(doc, report)
    return doc


def _drop_styles_with_effects(doc) -> None:
    """Drop python-docx's ``stylesWithEffects.xml``: an optional copy of the styles for Word
    2010 that Word 2013 and later no longer write. Kept, it would go stale as soon as styles
    are added (the header and footer styles), and Word may call such a file unreadable; without
    it Word uses ``styles.xml``. An unreferenced part is not saved."""
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rid]


def write_docx(report: ReportDocument, path: Path) -> None:
    """Save the Word edition atomically (a temporary file beside it, then a rename)."""
    from xladdin.engine.editions import word_set

    listed = word_set(report.lang, report.scope)["notes"]["products"].partition("{")[0]
    doc = build_document(report, listed)
    write_atomic(Path(path), lambda temp: doc.save(temp), suffix=".docx")
