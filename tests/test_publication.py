"""The report as a publication: charts that read without recalculation, a Word edition laid
out as an editor would, English a trade economist would publish, and the PDF.

Figures are checked against plain pandas sums of the bundled sample, not against the code's
own output."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from tests.office import sheets_as_shown, soffice
from xladdin.cli import main
from xladdin.engine.load import sample_path

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
E8 = 1e8


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    frame = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    frame["value"] = frame["value_usd"].astype("int64")
    return frame


@pytest.fixture(scope="module")
def products() -> pd.DataFrame:
    """The chips scope's groups, read from its TOML file with tomllib (not through the engine)."""
    import tomllib

    data = tomllib.loads((Path(__file__).parents[1] / "xladdin" / "scopes" / "chips.toml").read_text("utf-8"))
    return pd.DataFrame([{"hs6": g["id"], "name": g["zh"], "name_en": g["en"],
                          "hs8_codes": " ".join(g["codes"])} for g in data["groups"]])


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """The demo's finished workbook and Word edition in both languages."""
    folder = tmp_path_factory.mktemp("publication")
    out = {}
    for lang in ("zh", "en"):
        xlsx, docx = folder / f"r-{lang}.xlsx", folder / f"r-{lang}.docx"
        assert main(["demo", "-o", str(xlsx), "--docx", str(docx), "--lang", lang]) == 0
        out[lang] = (xlsx, docx)
    return out


def charts_of(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n).group()))
        return [etree.fromstring(z.read(n)) for n in names]


def cache(series: etree._Element, part: str) -> list:
    """A series' cached categories (``cat``) or values (``val``), by point index."""
    holder = series.find(f"{C}{part}")
    points = holder.findall(f".//{C}pt")
    count = int(holder.find(f".//{C}ptCount").get("val"))
    out: list = [None] * count
    for point in points:
        text = point.find(f"{C}v").text
        out[int(point.get("idx"))] = float(text) if part == "val" else text
    return out


def month_sum(sample: pd.DataFrame, period: str, flow: str, **by) -> pd.Series | int:
    """Plain sums of product rows (no partner, no province) or of one partner's rows."""
    rows = sample[(sample["period"] == period) & (sample["flow"] == flow)]
    if "partner" in by:
        return rows.loc[rows["partner_name"] == by["partner"], "value"].sum()
    rows = rows[(rows["partner_name"] == "") & (rows["partner_code"] == "") & (rows["province_name"] == "")
                & (rows["province_code"] == "")]
    if by.get("product"):
        return rows.groupby(rows["hs_code"].str[:6])["value"].sum()
    return rows["value"].sum()


def pie_colours(chart: etree._Element) -> dict[str, str]:
    series = chart.find(f".//{C}pieChart/{C}ser")
    names = cache(series, "cat")
    return {names[int(p.find(f"{C}idx").get("val"))]: p.find(f".//{A}srgbClr").get("val")
            for p in series.findall(f"{C}dPt")}


def test_charts_have_sized_words_caches_and_every_top_10_name(editions, sample, products):
    zh_charts = charts_of(editions["zh"][0])
    assert len(zh_charts) == 6
    for chart in zh_charts:
        title = chart.find(f"{C}chart/{C}title")
        assert title.find(f".//{A}defRPr").get("sz") == "1100"  # titles have a size
        for axis in chart.iter(f"{C}catAx", f"{C}valAx"):
            if axis.find(f"{C}delete").get("val") == "0":
                assert axis.find(f"{C}txPr//{A}defRPr").get("sz") == "800"
        for series in chart.iter(f"{C}ser"):  # every series carries both caches
            assert series.find(f"{C}cat/{C}strRef/{C}strCache") is not None
            assert series.find(f"{C}val/{C}numRef/{C}numCache") is not None
    trade, growth, export_pie, import_pie, export_bar, import_bar = zh_charts
    # monthly exports: every month of the sample, July 2025 as summed from the raw rows
    exports = cache(trade.find(f".//{C}ser"), "val")
    assert cache(trade.find(f".//{C}ser"), "cat")[0] == "2024-01" and len(exports) == 19
    assert exports[-1] == pytest.approx(month_sum(sample, "202507", "出口") / E8, abs=1e-6)
    # the YoY line starts at the first month with a prior year (2025-01), not on 2024's gap
    line = growth.find(f".//{C}ser")
    assert cache(line, "cat")[0] == "2025-01" and len(cache(line, "cat")) == 7
    jan = month_sum(sample, "202501", "出口") / month_sum(sample, "202401", "出口") * 100 - 100
    assert cache(line, "val")[0] == pytest.approx(jan, abs=1e-6)
    # the pies are titled by what they show, their slices by product, with percent labels outside
    assert "占出口额比重" in "".join(export_pie.find(f"{C}chart/{C}title").itertext())
    sums = month_sum(sample, "202507", "出口", product=True) / E8
    names = dict(zip(products["name"], products["hs6"]))
    pie = export_pie.find(f".//{C}ser")
    for name, value in zip(cache(pie, "cat"), cache(pie, "val")):
        assert value == pytest.approx(sums[names[name]], abs=1e-6), name
    labels = pie.find(f"{C}dLbls")
    assert labels.find(f"{C}showPercent").get("val") == "1"
    assert labels.find(f"{C}dLblPos").get("val") in ("outEnd", "bestFit")
    # top-10 bars: horizontal, every name shown (one label per bar), values printed on the bars
    for bar in (export_bar, import_bar):
        assert bar.find(f".//{C}barDir").get("val") == "bar"
        assert bar.find(f".//{C}catAx/{C}tickLblSkip").get("val") == "1"
        assert bar.find(f".//{C}ser/{C}dLbls/{C}showVal").get("val") == "1"
        assert len([n for n in cache(bar.find(f".//{C}ser"), "cat") if n]) == 10
    bar = export_bar.find(f".//{C}ser")
    assert cache(bar, "cat")[0] == "中国香港"
    assert cache(bar, "val")[0] == pytest.approx(
        month_sum(sample, "202507", "出口", partner="中国香港") / E8, abs=1e-6)


def test_one_colour_per_product_in_every_edition_and_format(editions, products, monkeypatch):
    code = {**dict(zip(products["name"], products["hs6"])), **dict(zip(products["name_en"], products["hs6"]))}
    by_code: dict[str, set[str]] = {}
    for lang in ("zh", "en"):
        charts = charts_of(editions[lang][0])
        for pie in charts[2:4]:  # export and import pies: products in another order
            for name, colour in pie_colours(pie).items():
                by_code.setdefault(code[name], set()).add(colour.upper())
        flows = [c.find(f".//{C}ser/{C}spPr//{A}srgbClr").get("val") for c in (charts[0], charts[4], charts[5])]
        assert flows[0] == flows[1] != flows[2]  # exports one colour, imports another
    assert len(by_code) == 5 and all(len(c) == 1 for c in by_code.values())  # one colour each
    assert len({next(iter(c)) for c in by_code.values()}) == 5  # and no two products alike
    # the Word edition's pictures (matplotlib) draw each product in the same colour
    import matplotlib.axes

    from xladdin.engine.load import demo
    from xladdin.files.word import chart_png
    from xladdin.report.compose import report_document
    from xladdin.report.render import build_plan

    drawn: list[tuple[list[str], list]] = []
    real_pie = matplotlib.axes.Axes.pie

    def spy(self, values, *args, **kwargs):
        drawn.append(kwargs["colors"])
        return real_pie(self, values, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "pie", spy)
    from xladdin.engine.metrics import Settings

    for lang in ("zh", "en"):
        engine = demo(Settings(lang=lang))
        plan = build_plan(engine, "2025-07")
        figures = report_document(engine, "2025-07").charts
        for chart in figures[2:4]:
            spec = chart.spec
            drawn.clear()
            chart_png(chart)
            names = [str(r[0]) for r in plan.block(f"T{spec.table}_BODY").values[:5]]
            for name, colour in zip(names, drawn[0]):
                assert by_code[code[name]] == {colour.lstrip("#").upper()}, name


def test_word_edition_numbers_its_figures_and_keeps_tables_whole(editions):
    for lang, caption, source in (("zh", "图{n}：", "数据来源：中国海关总署"),
                                  ("en", "Figure {n}: ", "Source: General Administration of Customs of China")):
        with zipfile.ZipFile(editions[lang][1]) as z:
            body = etree.fromstring(z.read("word/document.xml"))
        paragraphs = ["".join(p.itertext()) for p in body.iter(f"{W}p")]
        for n in range(1, 7):
            at = next(i for i, t in enumerate(paragraphs) if t.startswith(caption.format(n=n)))
            assert paragraphs[at + 1] == source  # the source line under each caption
        rows = list(body.iter(f"{W}tr"))
        assert rows and all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        titles = [p for p in body.iter(f"{W}p") if re.match(r"(表\d：|Table \d: )", "".join(p.itertext()))]
        assert len(titles) == 7 and all(p.find(f"{W}pPr/{W}keepNext") is not None for p in titles)
        text = "\n".join(paragraphs)
        assert text.count("854231") == 1 and text.count("854290") == 1  # the HS list printed once
        contents = paragraphs.index("目录" if lang == "zh" else "Contents")
        assert paragraphs[contents + 1] == ("一、贸易总体情况" if lang == "zh" else "I. Overall trade")


def test_english_text_in_billions_with_separators(editions, tmp_path):
    xlsx, docx = editions["en"]
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    text = "\n".join("".join(p.itertext()) for p in body.iter(f"{W}p"))  # paragraphs and table cells
    assert "hundred million" not in text and "respectively" not in text
    assert "US$337.72 billion" in text and "1,086.3" in text  # text in billions, tables with separators
    assert not re.search(r"(?<![\d,])\d{4}\.\d", text)  # no figure of 1,000 or more unseparated
    shown = sheets_as_shown(xlsx, tmp_path / "csv")
    july = next(r for r in shown["Monthly data"] if r and r[0] == "2025-07")
    ytd_imports = month_sum_all(sample_path(), "进口") / E8
    assert july[9] == f"{ytd_imports:,.1f}" and "," in july[9]  # 2,290.9 as the tables print it
    assert not [r for r in shown["Text"] if r and "hundred million" in r[0]]


def month_sum_all(path: Path, flow: str) -> int:
    """January–July 2025 of one flow, summed from the raw product rows."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = frame[(frame["period"].between("202501", "202507")) & (frame["flow"] == flow)
                 & (frame["partner_name"] == "") & (frame["partner_code"] == "")
                 & (frame["province_name"] == "") & (frame["province_code"] == "")]
    return rows["value_usd"].astype("int64").sum()


def test_refresh_rebuilds_the_caches_from_the_new_cells(tmp_path, sample, products, capsys):
    before, july = tmp_path / "to_june.csv", tmp_path / "july.csv"
    raw = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    raw[raw["period"] < "202507"].to_csv(before, index=False)
    raw[raw["period"] == "202507"].to_csv(july, index=False)
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), str(before)]) == 0  # the period follows the data
    assert main(["import", str(july), "--into", str(work)]) == 0
    assert main(["refresh", str(work)]) == 0
    capsys.readouterr()
    charts = charts_of(work)
    exports = cache(charts[0].find(f".//{C}ser"), "val")
    assert len(exports) == 19  # the history grew by July, and so did the cache
    assert exports[-1] == pytest.approx(month_sum(sample, "202507", "出口") / E8, abs=1e-6)
    assert cache(charts[1].find(f".//{C}ser"), "cat")[-1] == "2025-07"
    sums = month_sum(sample, "202507", "出口", product=True) / E8
    names = dict(zip(products["name"], products["hs6"]))
    pie = charts[2].find(f".//{C}ser")
    assert len(cache(pie, "cat")) == 5
    for name, value in zip(cache(pie, "cat"), cache(pie, "val")):
        assert value == pytest.approx(sums[names[name]], abs=1e-6), name
    first = charts_of(tmp_path / "月报_发布版.xlsx")[2]
    assert pie_colours(charts[2]) == pie_colours(first)  # the same colour per product as the copy


def test_pdf_is_the_word_edition(tmp_path, capsys):
    xlsx, docx, pdf = tmp_path / "r.xlsx", tmp_path / "r.docx", tmp_path / "r.pdf"
    assert main(["demo", "-o", str(xlsx), "--docx", str(docx), "--pdf", "--lang", "en"]) == 0
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    assert "r.pdf" in capsys.readouterr().out
    own = tmp_path / "own"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(own), str(docx)],
                   check=True, capture_output=True, timeout=180)

    def pages(path: Path) -> int:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))

    def text(path: Path) -> str:
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout

    assert pages(pdf) == pages(own / "r.pdf") >= 6
    assert text(pdf) == text(own / "r.pdf")
    assert "Figure 6: " in text(pdf) and "US$55.32 billion" in text(pdf)


def test_pdf_without_word_or_libreoffice_is_one_sentence(tmp_path, capsys, monkeypatch):
    import xladdin.files.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "_word", lambda: None)
    monkeypatch.setattr(pdf_module, "soffice_path", lambda: None)
    out = tmp_path / "r.xlsx"
    assert main(["demo", "-o", str(out), "--pdf", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "neither Microsoft Word" in err[0] and "LibreOffice" in err[0]
    assert list(tmp_path.iterdir()) == []  # refused before anything was written
    assert main(["demo", "-o", str(out), "--pdf", str(tmp_path / "r.docx")]) == 2
    assert ".pdf" in capsys.readouterr().err


def test_word_headers_and_names_stay_on_one_line(editions, tmp_path):
    """As LibreOffice lays the Chinese edition out: every 同比变化（%） header and every product
    name of tables 2 and 3 is whole on its line (a wrapped one is split over two)."""
    docx = editions["zh"][1]
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{docx.stem}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    headers = sum(len(re.findall(r"同比变化\s*（%）", line)) for line in text.splitlines())
    assert headers == 14  # two in each of the seven tables
    assert len(re.findall(r"处理器及控制器\s+\d", text)) == 2  # its row of table 2 and of table 3
