"""Chart caches kept true to the cells, at the XML level (the charts of a patched workbook).

A chart series names its cells (``c:f``) and may carry a copy of their values (``c:numCache``,
``c:strCache``). Excel recalculates from the cells, but mail and file previewers, phones and
quick-look viewers draw only the copy: a series without one is an empty chart there, and a
stale one a wrong chart. ``refresh`` rewrites table and history cells in place, so after a
write every chart's copies are rebuilt from the cells the series read, and each pie slice
takes its product's colour again (the products' order follows their values, which change
month to month).
"""

from __future__ import annotations

from lxml import etree

from xladdin.ooxml.xlsxpatch import CellReader
from xladdin.report.charts import product_colour

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
#: what a pie series holds after its data points (schema order)
_AFTER_DPT = {f"{C}dLbls", f"{C}cat", f"{C}val", f"{C}extLst"}

def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _points(cache: etree._Element, values: list, numeric: bool) -> None:
    etree.SubElement(cache, f"{C}ptCount", val=str(len(values)))
    for i, value in enumerate(values):
        text = repr(_number(value)) if numeric else (None if value in (None, "") else str(value))
        if (numeric and _number(value) is None) or text is None:
            continue
        point = etree.SubElement(cache, f"{C}pt", idx=str(i))
        etree.SubElement(point, f"{C}v").text = text


def _rebuild(holder: etree._Element, values: list, categories: bool) -> None:
    """Replace the reference under ``c:cat``/``c:val`` with one carrying a fresh cache:
    names as text (``strRef``), figures as numbers (``numRef``, format kept)."""
    old = next((child for child in holder if child.tag in (f"{C}numRef", f"{C}strRef")), None)
    if old is None:
        return
    formula = old.find(f"{C}f").text
    previous = old.find(f"{C}numCache/{C}formatCode")
    numeric = not categories or all(_number(v) is not None for v in values if v not in (None, ""))
    ref = etree.Element(f"{C}{'numRef' if numeric else 'strRef'}")
    etree.SubElement(ref, f"{C}f").text = formula
    cache = etree.SubElement(ref, f"{C}{'numCache' if numeric else 'strCache'}")
    if numeric:
        etree.SubElement(cache, f"{C}formatCode").text = previous.text if previous is not None else "General"
    _points(cache, values, numeric)
    holder.replace(old, ref)


def _colour_slices(series: etree._Element, names: list) -> None:
    """One data point per slice, coloured by its product."""
    for point in series.findall(f"{C}dPt"):
        series.remove(point)
    at = next((i for i, child in enumerate(series) if child.tag in _AFTER_DPT), len(series))
    for i, name in enumerate(names):
        point = etree.Element(f"{C}dPt")
        etree.SubElement(point, f"{C}idx", val=str(i))
        etree.SubElement(point, f"{C}bubble3D", val="0")
        props = etree.SubElement(point, f"{C}spPr")
        fill = etree.SubElement(props, f"{{{A}}}solidFill")
        etree.SubElement(fill, f"{{{A}}}srgbClr", val=product_colour(name, i))
        series.insert(at + i, point)


def refresh_caches(chart: etree._Element, read: CellReader) -> bool:
    """Rebuild every series' caches of one chart part from the cells; True if it has series."""
    changed = False
    for series in chart.iter(f"{C}ser"):
        names: list = []
        for holder in series:
            tag = holder.tag.removeprefix(C)
            if tag not in ("cat", "val"):
                continue
            formula = holder.find(f"{C}*/{C}f")
            if formula is None or not formula.text:
                continue
            values = read(formula.text)
            _rebuild(holder, values, tag == "cat")
            if tag == "cat":
                names = values
            changed = True
        if series.getparent().tag in (f"{C}pieChart", f"{C}pie3DChart", f"{C}doughnutChart") and names:
            _colour_slices(series, names)
    return changed
