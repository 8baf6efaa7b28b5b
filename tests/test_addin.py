"""The 刷新月报 button end to end on a fake live workbook; the built add-in read back with
oletools and openpyxl and checked against xlwings' own VBA, wrapper generator and GetConfig."""

from __future__ import annotations

import inspect
import io
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path, PureWindowsPath

import pytest
from oletools.olevba import VBA_Parser
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from tests.fake_xlwings import FakeBook
from tests.office import sheets_as_shown
from tests.test_workbook import assert_shown_report, assert_values_only
from xladdin.cli import main
from xladdin.errors import XladdinError
from xladdin.excel import addin as addin_module
from xladdin.excel import udf
from xladdin.excel.addin import XLWINGS_VERSION, build_addin, doctor, install_addin
from xladdin.excel.vba import RIBBON_CALLBACK, udf_wrappers, xlwings_dir
from xladdin.report.layout import layouts
from xladdin.report.render import build_plan


@pytest.fixture
def live(tmp_path, monkeypatch):
    """The template with the sample in 原始数据, opened 'in Excel', tables blanked first."""
    path = tmp_path / "月报.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    book = load_workbook(path)
    for layout in layouts().values():
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
    assert app.screen_updating_seen == [False, True] and app.calculations == 0
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
    from docx import Document

    assert len(Document(str(finished.with_suffix(".docx"))).tables) == 7  # the Word edition beside it
    assert finished.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"  # and its PDF (LibreOffice here)
    assert_shown_report(sheets_as_shown(finished, tmp_path / "csv"), demo_result)


def test_ribbon_enters_again_every_formula_that_calls_a_chip_function(live):
    """The data cell init wrote (and any =CHIP_* cell of the user's) is typed in again, with
    dynamic-array semantics, so Excel binds it to the loaded add-in; other formulas and
    constants are left alone, and 原始数据 is not read for formulas."""
    from xladdin.excel.addin import refresh_book
    from xladdin.report.layout import DATA_FORMULA, DATA_NAME

    wb = live.wb
    sheet, ref = next(iter(wb.defined_names[DATA_NAME].destinations))
    c, r, _, _ = range_boundaries(ref.replace("$", ""))
    assert wb[sheet].cell(r, c).value == DATA_FORMULA  # as init wrote it
    wb["表1"]["K40"].value = '=chip_value(数据,"出口")'
    wb["表1"]["K41"].value = "=SUM(1,2)"
    wb["表1"]["K42"].value = "CHIP_ as text"
    wb["表1"]["K43"].value = '=_xldudf_CHIP_VALUE(数据,"出口")'  # xlwings Lite's, not this add-in's
    assert refresh_book(live) is not None
    assert sorted(live.formulas_entered) == sorted([(sheet, r, c, DATA_FORMULA),
                                                    ("表1", 40, 11, '=chip_value(数据,"出口")')])
    assert wb["表1"]["K41"].value == "=SUM(1,2)" and wb["表1"]["K42"].value == "CHIP_ as text"
    assert wb["表1"]["K43"].value == '=_xldudf_CHIP_VALUE(数据,"出口")'


def test_ribbon_writes_the_workbook_finished_copy_and_word_edition_from_one_document(live, monkeypatch):
    """The button computes each table once, as refresh does: the live workbook's blocks, the
    finished copy and the Word edition all come from the one report document."""
    from xladdin.engine import tables
    from xladdin.errors import XladdinError as Refused
    from xladdin.excel.addin import refresh_book
    from xladdin.files import pdf
    from xladdin.report import document as document_module

    calls: list[int] = []
    real = tables.compute_table

    def counted(engine, no, period):
        calls.append(no)
        return real(engine, no, period)

    def no_converter():  # no PDF here: the Word edition is enough to count
        raise Refused("no converter")

    monkeypatch.setattr(tables, "compute_table", counted)
    monkeypatch.setattr(document_module, "compute_table", counted)
    monkeypatch.setattr(pdf, "converter", no_converter)
    assert refresh_book(live) is not None
    finished = Path(live.fullname).with_name("月报_发布版.xlsx")
    assert finished.exists() and finished.with_suffix(".docx").exists()
    assert sorted(calls) == sorted(tables.SPECS)  # 1…7, each once


def test_ribbon_resizes_the_history_to_the_months_held(live):
    """A history longer or shorter than its name (months imported or removed since the last
    refresh): the rows are written or cleared and the name follows, as Excel's Name.RefersTo."""
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName

    from xladdin.engine.history import COLUMNS
    from xladdin.excel.addin import refresh_book

    last = get_column_letter(1 + len(COLUMNS))  # O: the month, then 14 figures (环比 last)

    wb = live.wb
    wb.defined_names["HIST_BODY"] = DefinedName("HIST_BODY", attr_text=f"'月度数据'!$A$5:${last}$6")
    assert refresh_book(live) is not None
    assert str(wb.defined_names["HIST_BODY"].attr_text) == f"'月度数据'!$A$5:${last}$23"
    assert wb["月度数据"]["A23"].value == "2025-07"
    wb.defined_names["HIST_BODY"] = DefinedName("HIST_BODY", attr_text=f"'月度数据'!$A$5:${last}$30")
    wb["月度数据"]["A30"].value = "2025-12"
    live.names.known.clear()
    assert refresh_book(live) is not None
    assert str(wb.defined_names["HIST_BODY"].attr_text) == f"'月度数据'!$A$5:${last}$23"
    assert wb["月度数据"]["A30"].value is None and wb["月度数据"]["A23"].value == "2025-07"


def test_ribbon_without_a_pdf_converter_still_refreshes_and_says_why(live, tmp_path, monkeypatch):
    import xladdin.files.pdf as pdf_module
    from xladdin.excel.addin import refresh_book

    monkeypatch.setattr(pdf_module, "_word", lambda: None)
    monkeypatch.setattr(pdf_module, "soffice_path", lambda: None)
    report = refresh_book(live)
    assert report is not None and (tmp_path / "月报_发布版.docx").exists()
    assert not (tmp_path / "月报_发布版.pdf").exists()
    assert any("neither Microsoft Word" in w for w in report.warnings)


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


def vba_modules(path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {stream.split("/")[-1]: code.replace("\r\n", "\n")
                for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


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
    assert callbacks == {"XladdinRibbon.RefreshReport"} == {RIBBON_CALLBACK}


def test_every_callback_exists_in_the_vba_and_runs_main(xlam):
    modules = vba_modules(xlam)
    with zipfile.ZipFile(xlam) as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
    for element in ui.iter():
        action = element.get("onAction")
        if action:
            module, sub = action.split(".")
            assert f"Sub {sub}(control As IRibbonControl)" in modules[module]
    # the command test_ribbon_main_refreshes_the_live_workbook_like_build runs
    assert 'RunPython "import xladdin; xladdin.main()"' in modules["XladdinRibbon"]


def test_the_vba_is_xlwings_own_under_the_add_in_name(xlam):
    """The runtime module is xlwings_custom_addin.bas of the pinned xlwings, PROJECT_NAME aside."""
    modules = vba_modules(xlam)
    assert set(modules) == {"ThisWorkbook", "Sheet2", "Dictionary", "xlwings", "XladdinRibbon",
                            "xlwings_udfs", "XladdinHelp"}
    shipped = (xlwings_dir() / "xlwings_custom_addin.bas").read_text(encoding="cp1252").replace("\r\n", "\n")
    ours = modules["xlwings"]
    assert 'Public Const PROJECT_NAME As String = "xladdin"' in ours
    assert ours.replace('"xladdin"', '"myaddin"').strip() == shipped.strip()
    assert f'XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in ours
    assert f'"xlwings64-{XLWINGS_VERSION}.dll"' in ours
    dictionary = modules["Dictionary"]
    assert "Public Property Get CompareMode() As CompareMethod" in dictionary
    assert "VERSION 1.0 CLASS" not in dictionary


def test_pyproject_pins_the_xlwings_the_vba_comes_from():
    import xlwings

    text = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert f'"xlwings=={XLWINGS_VERSION}"' in text
    assert xlwings.__version__ == XLWINGS_VERSION


def test_wrappers_are_what_xlwings_generator_writes_for_every_chip_function(xlam):
    module = vba_modules(xlam)["xlwings_udfs"]
    assert module == udf_wrappers()  # the generator's text, line for line
    # Independently of the generator: one wrapper per CHIP_* function of the module, with its
    # arguments (caller aside), optional where Python has a default, calling the module.
    functions = {n: f for n, f in vars(udf).items() if n.startswith("CHIP_") and callable(f)}
    assert len(functions) >= 5
    declared = dict(re.findall(r"^Function (CHIP_\w+)\((.*)\)$", module, flags=re.M))
    assert set(declared) == set(functions)
    for name, func in functions.items():
        params = [p for p in inspect.signature(func).parameters.values() if p.name != "caller"]
        expected = ", ".join(("Optional " if p.default is not p.empty else "") + p.name for p in params)
        assert declared[name] == expected
        assert f'{name} = XLPy.CallUDF("xladdin.excel.udf", "{name}", Array(' in module
        assert ", ActiveWorkbook, Application.Caller)" in module  # an add-in: the formula's workbook


def as_xlsm(xlam_bytes: bytes) -> io.BytesIO:
    """The same parts presented as a macro workbook (openpyxl and LibreOffice open no add-ins)."""
    source, copy = zipfile.ZipFile(io.BytesIO(xlam_bytes)), io.BytesIO()
    with zipfile.ZipFile(copy, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"ms-excel.addin.macroEnabled.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            out.writestr(name, data)
    return copy


def test_libreoffice_imports_the_vba_project_with_each_module_kind(xlam, tmp_path):
    """A third, independent MS-OVBA reader: LibreOffice turns the project into the Basic library
    ``xladdin`` and keeps each module's kind, which it takes from the dir and PROJECT streams."""
    from tests.office import _convert

    book = tmp_path / "addin.xlsm"
    book.write_bytes(as_xlsm(xlam.read_bytes()).getvalue())
    _convert(book, "ods", tmp_path)
    with zipfile.ZipFile(tmp_path / "addin.ods") as ods:
        modules = {}
        for name in ods.namelist():
            if name.startswith("Basic/xladdin/") and not name.endswith("script-lb.xml"):
                root = ET.fromstring(ods.read(name))
                ns = "{http://openoffice.org/2000/script}"
                modules[root.get(f"{ns}name")] = (root.get(f"{ns}moduleType"), root.text)
    assert {k: v[0] for k, v in modules.items()} == {
        "ThisWorkbook": "document", "Sheet2": "document", "Dictionary": "class", "xlwings": "normal",
        "XladdinRibbon": "normal", "xlwings_udfs": "normal", "XladdinHelp": "normal"}
    assert "Function CHIP_VALUE(" in modules["xlwings_udfs"][1]
    assert 'RunPython "import xladdin; xladdin.main()"' in modules["XladdinRibbon"][1]


def read_sheet_config(xlam_bytes: bytes, sheet_name: str) -> dict[str, object] | None:
    """xlwings' GetConfigFromSheet: keys from A1 down to A1.End(xlDown), upper-cased; a key's
    value is the cell beside it, even when that cell is empty."""
    book = load_workbook(as_xlsm(xlam_bytes))
    if sheet_name not in book.sheetnames:
        return None
    sheet = book[sheet_name]
    last = 1
    if sheet["A2"].value not in (None, ""):
        while sheet.cell(last + 1, 1).value not in (None, ""):
            last += 1
    return {str(sheet.cell(r, 1).value).upper(): ("" if sheet.cell(r, 2).value is None else sheet.cell(r, 2).value)
            for r in range(1, last + 1)}


def read_config_file(path: Path, ansi: str) -> dict[str, str]:
    """GetConfigFromFile: VBA's ``Input #`` of "name","value" pairs, in the ANSI code page."""
    if not path.exists():
        return {}
    pairs = {}
    for line in path.read_bytes().decode(ansi, errors="replace").splitlines():
        m = re.match(r'"([^"]*)","([^"]*)"', line)
        if m and m.group(1).lower() not in {k.lower() for k in pairs}:
            pairs[m.group(1)] = m.group(2)
    return pairs


def get_config(key: str, default: str, layers: list) -> object:
    """xlwings' GetConfig: workbook sheet, add-in sheet (a present key wins, even empty),
    directory file, user file (case-insensitive keys), default."""
    active_sheet, addin_sheet, directory_file, user_file = layers
    for sheet in (active_sheet, addin_sheet):
        if sheet is not None and key in sheet:
            return sheet[key]
    for file in (directory_file, user_file):
        for name, value in file.items():
            if name.lower() == key.lower():
                return value
    return default


def resolved(layers: list, mac: bool) -> tuple[object, str]:
    """RunPython's interpreter and GetUdfModules, as xlwings' VBA computes them."""
    interpreter = get_config("INTERPRETER_MAC" if mac else "INTERPRETER_WIN", "", layers)
    if interpreter == "":
        interpreter = get_config("INTERPRETER", "python" if mac else "pythonw", layers)
    modules = str(get_config("UDF MODULES", "", layers)).rstrip(";")
    return interpreter, modules


@pytest.mark.parametrize("platform, python, expected", [
    ("win32", r"C:\Users\张伟\xladdin-env\Scripts\python.exe", r"C:\Users\张伟\xladdin-env\Scripts\pythonw.exe"),
    ("darwin", "/Users/张伟/xladdin-env/bin/python3", "/Users/张伟/xladdin-env/bin/python3"),
])
def test_get_config_resolves_this_python_and_the_udf_module(tmp_path, platform, python, expected):
    """Replay xlwings' lookup on what install writes, for a profile with Chinese characters and a
    stale user config file with other values in the way."""
    home = tmp_path / "张伟"
    mac = platform == "darwin"
    user_file = (home / "Library/Containers/com.microsoft.Excel/Data/xladdin.conf" if mac
                 else home / ".xladdin" / "xladdin.conf")
    user_file.parent.mkdir(parents=True)
    user_file.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n"INTERPRETER_MAC","/old/python"\n'
                         '"UDF MODULES","oldmodule"\n', encoding="utf-8")
    (tmp_path / "env").mkdir()
    addin, settings = install_addin(tmp_path / "XLSTART", python=python, prefix=str(tmp_path / "env"),
                                    platform=platform)
    data = addin.read_bytes()
    sheet = read_sheet_config(data, "xladdin.conf")
    assert all(v != "" for v in sheet.values())  # no empty cell hides a value
    layers = [None, sheet, {}, read_config_file(user_file, "cp1252" if not mac else "utf-8")]
    assert resolved(layers, mac) == (expected, "xladdin.excel.udf")
    assert get_config("USE UDF SERVER", False, layers) is True
    # the quickstart's own name is gone: no myaddin sheet, and the VBA reads xladdin.conf
    assert read_sheet_config(data, "myaddin.conf") is None and read_sheet_config(data, "_myaddin.conf") is None
    assert 'PROJECT_NAME As String = "xladdin"' in vba_modules(addin)["xlwings"]
    # a workbook's own xladdin.conf sheet still comes first, as xlwings documents
    assert resolved([{"UDF MODULES": "mine"}, sheet, {}, {}], mac)[1] == "mine"


def test_a_build_without_install_leaves_the_user_file_in_charge(xlam, tmp_path):
    sheet = read_sheet_config(xlam.read_bytes(), "xladdin.conf")
    assert sheet == {"UDF MODULES": "xladdin.excel.udf", "USE UDF SERVER": True}
    user = {"Interpreter_Win": r"D:\py\pythonw.exe"}
    assert resolved([None, sheet, {}, user], mac=False)[0] == r"D:\py\pythonw.exe"


def test_conda_environment_is_activated_by_xlwings(tmp_path):
    env = tmp_path / "miniconda3" / "envs" / "chip"
    (env / "conda-meta").mkdir(parents=True)
    addin, settings = install_addin(tmp_path / "XLSTART", python=str(env / "python.exe"), prefix=str(env),
                                    platform="win32")
    sheet = read_sheet_config(addin.read_bytes(), "xladdin.conf")
    assert sheet["INTERPRETER_WIN"] == "pythonw" and sheet["CONDA ENV"] == "chip"
    assert PureWindowsPath(sheet["CONDA PATH"]).name == "miniconda3"
    # XLPyLoadDLL then loads the DLL from CondaPath\envs\chip, the environment's own folder
    python, _ = addin_module.effective_python("win32", sheet, {})
    assert PureWindowsPath(python) == PureWindowsPath(sheet["CONDA PATH"]) / "envs" / "chip" / "pythonw.exe"


def test_build_is_reproducible(xlam, tmp_path):
    again = build_addin(tmp_path / "xladdin.xlam")
    assert again.read_bytes() == xlam.read_bytes()
    with pytest.raises(XladdinError, match="must be called xladdin.xlam"):
        build_addin(tmp_path / "other.xlam")


def test_install_fails_loudly_when_xlwings_did_not_copy(tmp_path, monkeypatch):
    import xlwings.cli

    def failing_install(args):
        print("Error: Failed to install the add-in: If Excel is running, quit Excel and try again.")

    monkeypatch.setattr(xlwings.cli, "addin_install", failing_install)
    monkeypatch.setattr(addin_module, "xlstart_folder", lambda *args: tmp_path / "XLSTART")
    with pytest.raises(XladdinError, match="not copied into .*XLSTART.*If Excel is running, quit Excel"):
        install_addin(python=sys.executable, platform="win32")
    assert not (tmp_path / "XLSTART" / "xladdin.xlam").exists()


def test_install_through_xlwings_copies_and_verifies(tmp_path, monkeypatch):
    import shutil

    import xlwings.cli

    target = tmp_path / "XLSTART"
    target.mkdir()
    monkeypatch.setattr(xlwings.cli, "addin_install",
                        lambda args: shutil.copyfile(args.file, target / Path(args.file).name))
    monkeypatch.setattr(addin_module, "xlstart_folder", lambda *args: target)
    addin, _ = install_addin(python=sys.executable, platform="win32")
    assert read_sheet_config(addin.read_bytes(), "xladdin.conf")["UDF MODULES"] == "xladdin.excel.udf"


def test_a_replayed_macos_install_passes_doctor(tmp_path, monkeypatch):
    """xlwings' own installer replayed as on a Mac with Excel 365: asked for its start-up
    folder, Excel answers with Office's group container; the add-in goes there, RunPython's
    AppleScript into Excel's script folder, and doctor, looking where Excel looks, passes."""
    import xlwings
    import xlwings.cli

    home = tmp_path / "Users" / "张伟"
    reported = home / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"

    def excel_startup_path(global_location=False):  # Application.StartupPath; Excel creates it
        reported.mkdir(parents=True, exist_ok=True)
        return str(reported)

    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(xlwings, "apps", [])  # no running Excel holding the add-in open
    monkeypatch.setattr(xlwings.cli, "get_addin_dir", excel_startup_path)
    old = home / addin_module.MAC_OLD_STARTUP / "xladdin.xlam"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"an earlier install's copy, which Excel never loads")
    addin, _ = install_addin(python=sys.executable, prefix=sys.prefix, platform="darwin")
    assert addin == reported / "xladdin.xlam"
    xlwings.cli.runpython_install(None)  # what install runs on a Mac (sys.platform darwin)
    checks = doctor(platform="darwin", home=home)
    assert [c.label for c in checks if not c.ok] == [], [c for c in checks if not c.ok]
    assert str(reported) in checks[0].detail
    # without it there, doctor points at the folder Excel uses and at the stale copy
    addin.unlink()
    checks = doctor(platform="darwin", home=home)
    assert not checks[0].ok and str(reported) in checks[0].detail and "does not load" in checks[0].detail


def test_doctor_reports_what_xlwings_will_resolve(tmp_path):
    home = tmp_path / "home"
    install_addin(tmp_path / "XLSTART", python=sys.executable, prefix=sys.prefix, platform="darwin")
    checks = {c.label: c for c in doctor(tmp_path / "XLSTART", platform="darwin", home=home)}
    assert checks["add-in"].ok and f"xlwings VBA {XLWINGS_VERSION}" in checks["add-in"].detail
    assert checks["UDF Modules"].ok and "xladdin.excel.udf from add-in sheet" in checks["UDF Modules"].detail
    assert checks["interpreter"].ok and checks["interpreter"].detail.startswith(sys.executable)
    assert checks["imports"].ok
    assert checks["xlwings"].ok and checks["xlwings"].detail.startswith(XLWINGS_VERSION)
    assert not checks["RunPython"].ok and checks["RunPython"].fix == "run 'xlwings runpython install'"


def test_doctor_says_what_to_fix(tmp_path, capsys):
    assert main(["addin", "doctor", "--xlstart", str(tmp_path)]) == 1
    assert "run 'xladdin addin install'" in capsys.readouterr().out
    build_addin(tmp_path / "xladdin.xlam")  # built, never installed: no interpreter on the sheet
    checks = {c.label: c for c in doctor(tmp_path, platform="win32", home=tmp_path / "h", ansi="cp1252")}
    assert not checks["interpreter"].ok and checks["interpreter"].detail == "pythonw from xlwings' default"
    # then the user config file decides, read in the ANSI code page as VBA reads it
    user = tmp_path / "h" / ".xladdin" / "xladdin.conf"
    user.parent.mkdir(parents=True)
    user.write_bytes('"INTERPRETER_WIN","C:\\Programme\\Büro\\pythonw.exe"\n'.encode("cp1252"))
    checks = {c.label: c for c in doctor(tmp_path, platform="win32", home=tmp_path / "h", ansi="cp1252")}
    assert checks["interpreter"].detail == "C:\\Programme\\Büro\\pythonw.exe from user config file"
    install_addin(tmp_path, python=r"C:\Users\张伟\env\Scripts\python.exe", prefix=str(tmp_path / "x"),
                  platform="win32")
    checks = {c.label: c for c in doctor(tmp_path, platform="win32", home=tmp_path / "h", ansi="cp1252")}
    assert not checks["ANSI path"].ok and "cp1252" in checks["ANSI path"].detail
    checks = {c.label: c for c in doctor(tmp_path, platform="win32", home=tmp_path / "h", ansi="gbk")}
    assert checks["ANSI path"].ok


def vba_strings(code: str) -> dict[str, str]:
    """Every ``name = …`` string assignment of VBA code, evaluated: quoted runs and ``ChrW(n)``
    joined with ``&``, ``name = name & …`` continuing — read independently of the writer."""
    values: dict[str, str] = {}
    for line in code.splitlines():
        match = re.match(r'^\s*(\w+(?:\(\d+\))?) = (.*)$', line)
        if not match:
            continue
        target, expr = match.groups()
        if not (expr.startswith(('"', "ChrW(")) or expr.startswith(f"{target} & ")):
            continue
        text = ""
        if expr.startswith(f"{target} & "):
            text, expr = values[target], expr[len(target) + 3:]
        for token in re.findall(r'"((?:[^"]|"")*)"|ChrW\((\d+)\)', expr):
            text += token[0].replace('""', '"') if not token[1] else chr(int(token[1]))
        values[target] = text
    return values


def test_the_add_in_registers_every_function_help_with_macro_options(xlam):
    """Read back with oletools: Workbook_Open runs the help module, which gives every CHIP_
    function its description, category and one description per argument, in the wrapper's
    order, as declared (Excel's limit of 255 characters each holds)."""
    from xladdin.excel.functions import FUNCTIONS

    modules = vba_modules(xlam)
    assert "Private Sub Workbook_Open()" in modules["ThisWorkbook"]
    assert "XladdinHelp.RegisterFunctionHelp" in modules["ThisWorkbook"]
    help_code = modules["XladdinHelp"]
    assert "Application.MacroOptions Macro:=target, Description:=desc, Category:=\"xladdin\"" in help_code
    assert "ArgumentDescriptions:=args" in help_code
    wrappers = dict(re.findall(r"^Function (CHIP_\w+)\((.*)\)$", modules["xlwings_udfs"], flags=re.M))
    registered = re.findall(r'^    Register "(CHIP_\w+)", d, a\1, wasAddin$', help_code, flags=re.M)
    assert sorted(registered) == sorted(wrappers) and {"CHIP_SERIES", "CHIP_MOM"} <= set(registered)
    blocks = re.split(r"^    ' (CHIP_\w+)$", help_code, flags=re.M)[1:]
    declared = {f.name: f for f in FUNCTIONS}
    for name, block in zip(blocks[::2], blocks[1::2]):
        values = vba_strings(block)
        params = [p.removeprefix("Optional ") for p in wrappers[name].split(", ")]
        assert values["d"] == declared[name].doc and len(values["d"]) <= 255
        args = [values[f"a{name}({i})"] for i in range(1, len(params) + 1)]
        assert args == [a.doc for a in declared[name].args] and len(params) == len(declared[name].args)
        assert all(0 < len(a) <= 255 for a in args)
    series = vba_strings(blocks[blocks.index("CHIP_SERIES") + 1])
    assert "环比" in series["aCHIP_SERIES(8)"] and series["aCHIP_SERIES(4)"].startswith("the last month")


def test_long_help_is_split_over_lines_and_cut_at_excels_limit():
    from xladdin.excel.vba import _assign

    text = "环比（%）" * 60 + 'a "quoted" tail'
    lines = _assign("d", text)
    assert len(lines) > 3 and all(len(line) < 1023 for line in lines)
    assert vba_strings("\n".join(lines))["d"] == text[:255]
