"""Other editions of the report: the English edition and the January–February combined issue."""

from __future__ import annotations

import json
import re

import pytest
from openpyxl import load_workbook

from tests.office import sheets_as_shown
from xladdin.cli import main
from xladdin.engine.editions import LANGS, word_set
from xladdin.engine.reference import load_reference

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”]")
# The English titles, written out here (not taken from the code).
EN_TITLES = {
    1: "Table 1: China's chip trade, July 2025 (USD 100 million)",
    2: "Table 2: China's chip exports by product, July 2025 (USD 100 million)",
    3: "Table 3: China's chip imports by product, July 2025 (USD 100 million)",
    4: "Table 4: Main destinations of China's chip exports, July 2025 (USD 100 million)",
    5: "Table 5: Top 10 sources of China's chip imports, July 2025 (USD 100 million)",
    6: "Table 6: China's chip exports by province, July 2025 (USD 100 million)",
    7: "Table 7: China's chip imports by province, July 2025 (USD 100 million)",
}
NUMBER = re.compile(r"-?[\d,]+\.\d|—")


@pytest.fixture(scope="module")
def shown(tmp_path_factory) -> dict[str, dict[str, list[list[str]]]]:
    """The demo report in both languages, as LibreOffice shows every sheet."""
    out = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(lang)
        path = folder / f"report-{lang}.xlsx"
        assert main(["demo", "--lang", lang, "-o", str(path)]) == 0
        out[lang] = sheets_as_shown(path, folder / "csv")
    return out


def test_english_workbook_has_english_sheets_titles_and_no_chinese(shown):
    en = shown["en"]
    assert set(en) == {"Cover", "Text", *(f"Table {n}" for n in range(1, 8))}
    for no, title in EN_TITLES.items():
        assert en[f"Table {no}"][0][0] == title
    cover = [r[0] for r in en["Cover"] if r and r[0]]
    assert "China Chip-Product Trade Monthly Monitoring Report" in cover and "(January–July 2025)" in cover
    assert all(title in cover for title in EN_TITLES.values())
    chinese = [(sheet, cell) for sheet, grid in en.items() for row in grid for cell in row if CJK.search(cell)]
    assert chinese == []
    assert en["Table 1"][2][1:4] == ["July", "", "January–July"]
    assert en["Table 1"][3] == ["", "Value", "YoY (%)", "Value", "YoY (%)"]
    assert [r[0] for r in en["Table 1"][4:8]] == ["Total trade", "Exports", "Imports",
                                                  "Net exports (USD 100 million)"]
    assert en["Table 5"][3] == ["Partner", "Imports", "YoY (%)"] * 2
    assert en["Table 7"][3] == ["Province", "Imports", "YoY (%)"] * 2


def test_english_figures_are_the_chinese_ones(shown):
    """Cell by cell: every number shown in the Chinese edition is shown, unchanged, at the same
    place of the English one (which adds thousands separators)."""
    zh, en = shown["zh"], shown["en"]
    compared = 0
    for no in range(1, 8):
        a, b = zh[f"表{no}"], en[f"Table {no}"]
        assert len(a) == len(b)
        for row_a, row_b in zip(a, b):
            for x, y in zip(row_a, row_b):
                if NUMBER.fullmatch(x):
                    assert y.replace(",", "") == x
                    compared += 1
    assert compared > 250
    assert en["Table 1"][4][3] == "3,377.2" and zh["表1"][4][3] == "3377.2"


def test_english_text_states_the_chinese_texts_figures(shown):
    """正文 in English: every paragraph states the same figures as the Chinese one, in order
    (each was also checked against the tables when drafted)."""
    from xladdin.report.narrative import read_figures

    zh = [r[0] for r in shown["zh"]["正文"] if r and r[0]]
    en = [r[0] for r in shown["en"]["Text"] if r and r[0]]
    assert len(zh) == len(en) == 4 + 6 + 14 + 1  # sections, subsections, paragraphs, footnote
    assert en[0] == "I. Overall trade" and en[-3] == "(2) Imports by province"
    paragraphs = [(a, b) for a, b in zip(zh, en) if read_figures(a)]
    assert len(paragraphs) == 14
    for a, b in paragraphs:
        assert read_figures(b, "en") == read_figures(a), b
    assert en[1].startswith("In July 2025, China's trade in chip products (goods of HS code 8542) totalled "
                            "USD 553.2 hundred million, up 18.0% year on year.")
    assert "Cumulative net imports were USD 1,204.5 hundred million." in en[2]


def test_english_names_come_from_the_reference_lists(shown):
    ref = load_reference()
    partner_en = dict(zip(ref.partners["name"], ref.partners["name_en"]))
    province_en = dict(zip(ref.provinces["short_name"], ref.provinces["name_en"]))
    regions = {"东盟": "ASEAN", "欧盟": "EU"}
    zh, en = shown["zh"], shown["en"]
    for no, names in ((4, partner_en), (5, partner_en), (6, province_en), (7, province_en)):
        for row_a, row_b in zip(zh[f"表{no}"][4:], en[f"Table {no}"][4:]):
            for col in (0, 3):
                if col < len(row_a) and (row_a[col] in names or row_a[col] in regions):
                    assert row_b[col] == {**names, **regions}[row_a[col]]
    assert [r[0] for r in en["Table 5"][8:11]] == ["Taiwan, China", "South Korea", "United States"]
    assert [r[0] for r in en["Table 6"][4:7]] == ["Guangdong", "Jiangsu", "Shanghai"]


def test_every_code_has_an_english_name():
    ref = load_reference()
    for table in (ref.partners, ref.provinces):
        names = table["name_en"]
        assert (names.str.len() > 0).all() and not names.str.contains(CJK).any()
        assert names.is_unique
    assert len(ref.partners) == 243 and len(ref.provinces) == 31
    assert ref.name("partner", "143", "name_en") == "Taiwan, China"
    assert ref.name("partner", "344", "name_en") == "Russia"


def test_word_sets_have_the_same_keys():
    """A language is a complete set of words: every key of the Chinese set, nothing Chinese."""
    def keys(d, prefix=""):
        return {f"{prefix}{k}" for k in d} | {x for k, v in d.items() if isinstance(v, dict)
                                              for x in keys(v, f"{prefix}{k}.")}
    zh = word_set("zh")
    for lang in LANGS:
        assert keys(word_set(lang)) == keys(zh), lang
    assert not CJK.search(json.dumps(word_set("en"), ensure_ascii=False))


def test_tables_json_and_text_in_english(capsys):
    assert main(["tables", "--demo", "--period", "2025-07", "--lang", "en", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["lang"] == "en" and result["unit"] == "USD 100 million"
    assert result["tables"]["4"]["month"][0]["label"] == "Hong Kong, China"
    assert result["tables"]["4"]["regions"][0]["label"] == "ASEAN"
    assert result["tables"]["2"][0]["label"] == "Memories"
    assert main(["tables", "--demo", "--period", "2025-07", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert not CJK.search(text) and "Table 7: China's chip imports by province" in text
    assert "3,377.2" in text


def test_english_monthly_workbook_init_refresh_and_switch(tmp_path):
    work = tmp_path / "report.xlsx"
    assert main(["init", str(work), "--demo", "--lang", "en"]) == 0
    book = load_workbook(work)
    assert book.sheetnames[:9] == ["Cover", "Text", *(f"Table {n}" for n in range(1, 8))]
    assert "原始数据" in book.sheetnames and "设置" in book.sheetnames  # the working sheets keep their names
    assert book["设置"]["B7"].value == "en"
    assert main(["refresh", str(work)]) == 0
    finished = load_workbook(tmp_path / "report_发布版.xlsx")
    assert finished["Table 4"]["A1"].value == EN_TITLES[4]
    assert main(["refresh", str(work), "--lang", "zh"]) == 0  # recorded in 设置
    book = load_workbook(work)
    assert book["设置"]["B7"].value == "zh" and book["Table 4"]["A1"].value.startswith("表4：2025年7月")
    assert load_workbook(tmp_path / "report_发布版.xlsx").sheetnames[:3] == ["封面", "正文", "表1"]


def test_ribbon_follows_the_language_cell(tmp_path, monkeypatch):
    from tests.fake_xlwings import FakeBook
    from xladdin.excel.addin import refresh_book

    path = tmp_path / "月报.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    fake = FakeBook(path)
    fake.sheets["设置"].range("B7").value = "en"
    report = refresh_book(fake)
    assert report is not None and fake.app.alerts == []
    assert fake.wb["表4"]["A1"].value == EN_TITLES[4]
    assert load_workbook(report.finished).sheetnames[:3] == ["Cover", "Text", "Table 1"]
    fake.sheets["设置"].range("B7").value = "fr"
    assert refresh_book(fake) is None
    assert "language 'fr'" in fake.app.alerts[-1][1]
