"""The 刷新月报 button end to end on a fake live workbook, and the built add-in checked statically."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

import pytest
from oletools.olevba import VBA_Parser
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from tests.fake_xlwings import FakeBook
from tests.office import sheets_as_shown
from tests.test_workbook import assert_shown_report, assert_values_only
from xladdin.cli import main
from xladdin.excel.addin import build_addin, install_addin
from xladdin.report.layout import LAYOUTS
from xladdin.report.render import build_plan


@pytest.fixture
def live(tmp_path, monkeypatch):
    """The template with the sample in 原始数据, opened 'in Excel', tables blanked first."""
    path = tmp_path / "月报.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    book = load_workbook(path)
    for layout in LAYOUTS.values():
        sheet, ref = next(iter(book.defined_names[layout.name("BODY")].destinations))
        c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        for row in book[sheet].iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            for cell in row:
                if cell.coordinate not in book[sheet].merged_cells:
                    cell.value = None
    book.save(path)
    fake = FakeBook(path)
    import xlwings

    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: fake), raising=False)
    return fake


def block_values(book, name: str) -> list[list]:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return [list(r) for r in book[sheet].iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2,
                                                   values_only=True)]


def test_ribbon_main_refreshes_the_live_workbook_like_build(live, tmp_path, demo_engine, demo_result):
    import xladdin

    xladdin.main()
    app = live.app
    assert app.alerts == [] and "已刷新 2025-07" in app.status_bar
    assert app.screen_updating_seen == [False, True] and app.calculations == 1
    built = tmp_path / "built.xlsx"
    assert main(["demo", "-o", str(built)]) == 0
    reference = load_workbook(built)
    plan = build_plan(demo_engine, "2025-07")
    for block in plan.blocks:
        got = block_values(live.wb, block.name)
        want = block_values(reference, block.name)
        assert got == [[pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in r] for r in want]
    assert len([w for w in live.writes if w[0] != "原始数据"]) == len(plan.blocks)  # one write per block
    finished = tmp_path / "月报_发布版.xlsx"
    assert_values_only(finished)
    assert_shown_report(sheets_as_shown(finished, tmp_path / "csv"), demo_result)


def test_ribbon_reports_bad_data_in_a_message_box(live, tmp_path):
    ws = live.wb["原始数据"]
    ws["H5"].value = "abc"
    from xladdin.excel.addin import refresh_book

    assert refresh_book(live) is None
    title, message = live.app.alerts[0]
    assert "未能刷新" in title and "row 5, column 美元: 'abc' is not a number" in message
    assert not (tmp_path / "月报_发布版.xlsx").exists()
    assert "Traceback" not in message


@pytest.fixture(scope="module")
def xlam(tmp_path_factory):
    return build_addin(tmp_path_factory.mktemp("addin") / "xladdin.xlam")


def test_custom_ui_has_the_tab_and_button(xlam):
    with zipfile.ZipFile(xlam) as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
        rels = z.read("_rels/.rels").decode()
    ns = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
    tab = ui.find(".//ui:tab", ns)
    button = ui.find(".//ui:button", ns)
    assert tab.get("label") == "芯片月报"
    assert button.get("label").startswith("刷新月报") and button.get("size") == "large"
    assert "customUI/customUI.xml" in rels
    callbacks = {b.get("onAction") for b in ui.iter() if b.get("onAction")}
    assert callbacks == {"RibbonMyAddin.RunMain"}


def test_every_callback_exists_in_the_vba(xlam):
    parser = VBA_Parser(str(xlam))
    modules = {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    parser.close()
    with zipfile.ZipFile(xlam) as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
    for element in ui.iter():
        action = element.get("onAction")
        if action:
            module, sub = action.split(".")
            assert f"Sub {sub}(control As IRibbonControl)" in modules[module]
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in modules["RibbonMyAddin"]
    assert "ThisWorkbook.Name" in modules["RibbonMyAddin"]  # module = the add-in's file name


def test_configuration_names_the_function_module(xlam):
    with zipfile.ZipFile(xlam) as z:
        workbook = z.read("xl/workbook.xml").decode()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert 'name="myaddin.conf"' in workbook  # active: no leading underscore
    assert '<c r="A6" s="1" t="s"><v>1</v></c><c r="B6" s="1" t="inlineStr"><is><t>xladdin.excel.udf</t>' in sheet
    assert "<si><t>PYTHONPATH</t></si><si><t>UDF Modules</t></si>" in strings  # shared string 1
    assert '<c r="B8" s="1" t="b"><v>1</v></c>' in sheet  # Use UDF Server


def test_build_is_reproducible(xlam, tmp_path):
    again = build_addin(tmp_path / "xladdin.xlam")
    assert again.read_bytes() == xlam.read_bytes()
    with pytest.raises(Exception, match="must be called xladdin.xlam"):
        build_addin(tmp_path / "other.xlam")


def test_install_copies_the_addin_and_writes_its_config(tmp_path, xlam):
    addin, config = install_addin(tmp_path / "XLSTART", tmp_path / "home" / ".myaddin" / "myaddin.conf",
                                  interpreter="/opt/python/bin/python3")
    assert addin.read_bytes() == xlam.read_bytes()
    text = config.read_text(encoding="utf-8")
    assert '"UDF MODULES","xladdin.excel.udf"' in text and '"USE UDF SERVER","True"' in text
