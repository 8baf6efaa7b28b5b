"""The report document is the one source of every format: the workbook's charts read exactly
the data the document's charts carry (which the Word edition draws), and a job that writes
the workbook and the Word edition computes each table once."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from xladdin.engine import tables
from xladdin.engine.load import demo, sample_path
from xladdin.engine.metrics import Settings
from xladdin.jobs import build, init, refresh
from xladdin.report import document as document_module
from xladdin.report.compose import report_document

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def chart_cells(path: Path) -> list[tuple[list, list[list]]]:
    """Every chart of a written workbook, in order: the values of the cells its categories
    and each series' values point at (read from the chart part's references)."""
    book = load_workbook(path)

    def cells(ref: str) -> list:
        sheet, area = re.fullmatch(r"'?(.+?)'?!(.+)", ref).groups()
        c1, r1, c2, r2 = range_boundaries(area.replace("$", ""))
        assert c1 == c2, ref
        return [book[sheet].cell(r, c1).value for r in range(r1, r2 + 1)]

    out = []
    with zipfile.ZipFile(path) as z:
        parts = sorted((n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n).group()))
        for name in parts:
            root = etree.fromstring(z.read(name))
            series = list(root.iter(f"{C}ser"))
            categories = cells(series[0].find(f"{C}cat/*/{C}f").text)
            out.append((categories, [cells(s.find(f"{C}val/*/{C}f").text) for s in series]))
    return out


def number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


@pytest.mark.parametrize(("settings", "period"), [
    (Settings(), "2025-07"),
    (Settings(lang="en", top_n=5), "2025-07"),  # five places: the bar charts read five rows
    (Settings(jan_feb=True), "2025-02"),  # one span group
])
def test_workbook_charts_read_the_documents_chart_data(tmp_path, settings, period):
    out = tmp_path / "r.xlsx"
    build([sample_path()], out, period, settings)
    document = report_document(demo(settings), period)
    written = chart_cells(out)
    assert len(written) == len(document.charts) == 6
    for chart, (categories, series) in zip(document.charts, written):
        # a ranking's places the data cannot fill are empty cells, which no chart draws
        kept = [i for i, c in enumerate(categories) if c not in (None, "")]
        assert tuple(str(categories[i]) for i in kept) == chart.categories, chart.spec.key
        assert len(series) == len(chart.series)
        for (_, values), cells in zip(chart.series, series):
            assert tuple(number(cells[i]) for i in kept) == pytest.approx(values, rel=1e-12), chart.spec.key
        assert chart.categories and any(v is not None for _, values in chart.series for v in values)


def chart_titles(path: Path) -> list[str]:
    """The title of every chart part of a written workbook, in order."""
    A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    with zipfile.ZipFile(path) as z:
        parts = sorted((n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n).group()))
        return ["".join(t.text or "" for t in etree.fromstring(z.read(n)).find(f"{C}chart/{C}title").iter(f"{A}t"))
                for n in parts]


@pytest.mark.parametrize(("settings", "zh_bars", "en_bars"), [
    (Settings(), "当月前十大出口目的地（亿美元）", "Top 10 export destinations, the month (USD 100 million)"),
    (Settings(top_n=5), "当月前五大出口目的地（亿美元）", "Top 5 export destinations, the month (USD 100 million)"),
    (Settings(top_n=15), "当月前十大出口目的地（亿美元）", "Top 10 export destinations, the month (USD 100 million)"),
])
def test_ranking_charts_name_the_places_they_draw(tmp_path, settings, zh_bars, en_bars):
    """A bar chart draws at most ten places, fewer where the report ranks fewer, and its
    title says how many (前五大 over five bars, never 前十大), in the workbook and Word alike."""
    for lang, expected in (("zh", zh_bars), ("en", en_bars)):
        chosen = Settings(lang=lang, top_n=settings.top_n)
        out = tmp_path / f"{lang}.xlsx"
        build([sample_path()], out, "2025-07", chosen)
        document = report_document(demo(chosen), "2025-07")
        bars = next(c for c in document.charts if c.spec.key == "export_partners")
        assert bars.spec.title == expected
        assert len(bars.categories) == min(settings.top_n, 10)
        assert chart_titles(out)[4] == expected
        assert expected in bars.caption


def test_document_charts_hold_the_raw_sums():
    """Independently of the code: the monthly chart's July exports and the export partners'
    bars are the plain sums of the sample's rows (亿美元)."""
    raw = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    raw["value"] = raw["value_usd"].astype(float) / 1e8
    july = raw[(raw["period"] == "202507") & (raw["flow"] == "出口")]
    total = july[(july["partner_code"] == "") & (july["province_code"] == "")]["value"].sum()
    charts = {c.spec.key: c for c in report_document(demo(), "2025-07").charts}
    trade = charts["trade"]
    assert trade.categories[-1] == "2025-07" and len(trade.categories) == 19
    assert trade.series[0][1][-1] == pytest.approx(total)
    partners = july[july["partner_code"] != ""].groupby("partner_code")["value"].sum()
    never = {"142", "701", "702", "999"} | {str(c) for c in range(199, 700, 100)}
    top = partners[~partners.index.isin(never)].sort_values(ascending=False).head(10)
    assert charts["export_partners"].series[0][1] == pytest.approx(tuple(top))


def test_workbook_and_word_edition_compute_each_table_once(tmp_path, monkeypatch):
    calls: list[int] = []
    real = tables.compute_table

    def counted(engine, no, period):
        calls.append(no)
        return real(engine, no, period)

    monkeypatch.setattr(tables, "compute_table", counted)
    monkeypatch.setattr(document_module, "compute_table", counted)
    build([sample_path()], tmp_path / "r.xlsx", docx=tmp_path / "r.docx")
    assert (tmp_path / "r.docx").exists()
    assert sorted(calls) == sorted(tables.SPECS)  # 1…7, each once
    # refresh: the monthly workbook, its finished copy and the Word edition from one document
    init(tmp_path / "m.xlsx", [sample_path()])
    calls.clear()
    refresh(tmp_path / "m.xlsx", docx=True)
    assert (tmp_path / "m_发布版.docx").exists()
    assert sorted(calls) == sorted(tables.SPECS)
