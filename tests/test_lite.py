"""The xlwings Lite edition without Excel: functions and script under CPython, the embedded part,
the registration metadata xlwings' Lite decorators produce, the wheel."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.excel_checks import approx, figures_equal_tables_json
from tests.fake_xlwings import FakeBook
from xladdin import lite
from xladdin.cli import main
from xladdin.excel import udf
from xladdin.excel.cells import Dataset
from xladdin.lite import script
from xladdin.lite.bundle import embedded_version, main_py, registered_names
from xladdin.lite.webextension import PART, TASKPANES, read_properties, store_reference
from xladdin.lite.workbook import STORE_ID
from xladdin.report.render import build_plan

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("lite") / "L.xlsx"
    assert main(["init", str(path), "--demo", "--lite"]) == 0
    return path


def lite_raw(book: FakeBook) -> list[list]:
    """RawData[#All] as xlwings Lite passes it: a list of rows, numbers as floats, blank cells
    as empty strings."""
    return [["" if v is None else v for v in row] for row in book.raw_table()]


@pytest.fixture(scope="module")
def data(workbook):
    book = FakeBook(workbook)
    return lite.CHIP_DATA(lite_raw(book), [[None]], [["net_import_pct"]])


def test_the_data_cell_is_an_object_handle_with_the_desktop_text(data, workbook):
    book = FakeBook(workbook)
    assert isinstance(data.obj, Dataset)
    assert data.text.startswith("原始数据 3,318 行 2024-01…2025-07 报告期 2025-07 #")
    desktop = udf.CHIP_DATA(book.raw_table(), None, "net_import_pct")
    assert desktop.startswith(data.text.rpartition("#")[0])


def test_lite_functions_equal_tables_json(data, tables_json):
    assert figures_equal_tables_json(lite, data.obj, tables_json) > 150


def test_lite_and_desktop_answer_alike(data, workbook, tables_json):
    from tests.fake_xlwings import FakeCaller

    book = FakeBook(workbook)
    handle, caller = udf.CHIP_DATA(book.raw_table(), None, "net_import_pct"), FakeCaller(book)
    for no in range(1, 8):
        assert lite.CHIP_TABLE(data.obj, float(no)) == udf.CHIP_TABLE(handle, float(no), None, caller)
    assert lite.CHIP_RANK(data.obj, "进口", None, "province", 5.0, "累计") == \
        udf.CHIP_RANK(handle, "进口", None, "province", 5.0, "累计", caller)
    assert lite.CHIP_VALUE(data, "出口") == approx(tables_json["1"][1]["month"]["value"])  # the handle itself


@pytest.mark.parametrize("call,message", [
    (lambda d: lite.CHIP_VALUE(d, "出入"), "unknown flow '出入': use 出口 or 进口"),
    (lambda d: lite.CHIP_VALUE(d, "出口", "July"), "'July' is not a month: write 2025-07 or 202507"),
    (lambda d: lite.CHIP_TABLE(d, 8.0), "table_no must be 1 to 7, not '8'"),
    (lambda d: lite.CHIP_VALUE("出口", "2025-07"), "the first argument must be the data cell"),
])
def test_errors_are_raised_with_the_desktop_sentences(data, call, message):
    """Lite shows an exception as #VALUE! with its message; the desktop shows '#CHIP! message'."""
    with pytest.raises(Exception) as caught:
        call(data.obj)
    assert str(caught.value).startswith(message)


def test_bad_raw_data_fails_in_the_data_cell(workbook):
    raw = lite_raw(FakeBook(workbook))
    raw[9][7] = "abc"
    with pytest.raises(Exception, match=r"sheet 原始数据 row 10, column 美元: 'abc' is not a number"):
        lite.CHIP_DATA(raw)


# --- the 刷新月报 script ----------------------------------------------------------------------------

def block_values(book, name: str) -> list[list]:
    from openpyxl.utils import range_boundaries

    sheet, ref = next(iter(book.defined_names[name].destinations))
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return [list(r) for r in book[sheet].iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2,
                                                   values_only=True)]


def test_the_script_writes_what_build_writes_reading_in_chunks(workbook, tmp_path, monkeypatch, demo_engine):
    monkeypatch.setattr(script, "CHUNK_ROWS", 1000)
    book = FakeBook(workbook)
    said: list[str] = []
    plan = asyncio.run(script.refresh(book, said.append))
    assert plan is not None and plan.period == "2025-07", said
    raw_reads = [r for r in book.async_reads if r[0] == "原始数据"]
    assert [r[1] for r in raw_reads] == [1000, 1000, 1000, 319] and {r[2] for r in raw_reads} == {8}
    assert said[0] == "芯片月报：正在读取原始数据…" and said[-1].startswith("芯片月报：已刷新 2025-07")
    assert any("已读取 2,999 / 3,318 行" in s for s in said)
    built = tmp_path / "built.xlsx"
    assert main(["demo", "-o", str(built)]) == 0
    reference = load_workbook(built)
    for block in build_plan(demo_engine, "2025-07").blocks:
        want = block_values(reference, block.name)
        assert block_values(book.wb, block.name) == \
            [[pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for v in r] for r in want], block.name
    assert len([w for w in book.writes if w[0] != "原始数据"]) == len(plan.blocks)


def test_the_script_reports_bad_data_and_writes_nothing(workbook):
    book = FakeBook(workbook)
    book.wb["原始数据"]["H5"].value = "abc"
    said: list[str] = []
    assert asyncio.run(script.refresh(book, said.append)) is None
    assert said[-1].startswith("error: L.xlsx, sheet 原始数据 row 5, column 美元: 'abc' is not a number")
    assert book.writes == []


# --- the workbook's Lite part ------------------------------------------------------------------------

def test_init_lite_embeds_main_py_and_requirements(workbook):
    import xlwings

    assert store_reference(workbook) == STORE_ID == "wa200008175"
    props = read_properties(workbook)
    assert props["main.py"] == main_py() and embedded_version(props["main.py"]) == lite_version()
    assert "xladdin lite update WORKBOOK.xlsx" in props["main.py"][:1500]  # the header says how to update
    # Lite's own lines first, in the form Lite writes them; never xladdin from an index
    lines = props["requirements.txt"].splitlines()
    assert lines[:4] == [f"xlwings=={xlwings.__version__}  # required", "python-dotenv==1.1.1  # required",
                         "pyodide-http  # required", "black  # required"]
    assert lines[4:] == ["pandas>=2.2.3", "openpyxl>=3.1", "lxml>=4.9"]
    assert "xladdin" not in props["requirements.txt"]
    assert props["pyodideVersion"] == "0.27.5" and props["addinVersion"] == "1.0.0.0-18"
    assert list(props) == ["main.py", "pyodideVersion", "addinVersion", "requirements.txt"]  # as Excel-saved
    code = compile(props["main.py"], "main.py", "exec")
    namespace: dict = {}
    exec(code, namespace)
    assert {n for n in namespace if n.startswith("CHIP_")} == {
        "CHIP_DATA", "CHIP_VALUE", "CHIP_YOY", "CHIP_MOM", "CHIP_SHARE", "CHIP_SERIES", "CHIP_RANK",
        "CHIP_TABLE"}
    assert namespace["refresh_report"] is lite.refresh_report
    with zipfile.ZipFile(workbook) as z:
        names = z.namelist()
        rels = z.read("_rels/.rels").decode()
        types = z.read("[Content_Types].xml").decode()
        from lxml import etree

        for part in (PART, TASKPANES, "xl/webextensions/_rels/taskpanes.xml.rels"):
            assert part in names
            etree.fromstring(z.read(part))  # well-formed
        xml = z.read(PART).decode()
    assert "relationships/webextensiontaskpanes" in rels and 'Target="xl/webextensions/taskpanes.xml"' in rels
    assert "application/vnd.ms-office.webextension+xml" in types
    book = load_workbook(workbook)  # still an ordinary workbook to openpyxl
    assert "数据" in book.defined_names
    assert len(xml.encode()) < 300_000, len(xml)  # the whole package inside, well under 1 MB


def test_the_part_carries_what_excel_writes_for_lite(workbook):
    """As Excel-saved Lite workbooks store it: the alternate store reference, the runtime
    versions, and the extLst declaring custom functions."""
    with zipfile.ZipFile(workbook) as z:
        xml = z.read(PART).decode()
    assert ('<we:alternateReferences><we:reference id="wa200008175" version="1.0.0.0" '
            'store="WA200008175" storeType="OMEX"/></we:alternateReferences>') in xml
    assert '<we:property name="pyodideVersion" value="&quot;0.27.5&quot;"/>' in xml
    assert '<we:property name="addinVersion" value="&quot;1.0.0.0-18&quot;"/>' in xml
    assert xml.index('name="main.py"') < xml.index('name="pyodideVersion"') < xml.index('name="requirements.txt"')
    ext = xml[xml.index("<we:extLst>"):]
    assert 'uri="{D87F86FE-615C-45B5-9D79-34F1136793EB}"><we:containsCustomFunctions/>' in ext
    assert 'uri="{7C84B067-C214-45C3-A712-C9D94CD141B2}"><we:customFunctionIdList/>' in ext
    assert ext.endswith("</we:extLst></we:webextension>")


def chip_formulas(path) -> list[str]:
    """Every formula of the workbook's sheets that calls a CHIP_ function, as stored."""
    import re

    with zipfile.ZipFile(path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    return [f for f in re.findall(r"<f[^>]*>([^<]*)</f>", xml.decode()) if "CHIP_" in f]


def test_every_lite_formula_is_stored_as_excel_stores_an_add_in_function(workbook, tmp_path):
    formulas = chip_formulas(workbook)
    assert formulas == ["_xldudf_CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)"]
    plain = tmp_path / "plain.xlsx"
    assert main(["init", str(plain), "--demo"]) == 0  # the desktop keeps its own form
    assert chip_formulas(plain) == ["CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)"]


def test_main_py_imports_every_declared_function_and_the_script_from_the_lite_module():
    """main.py's list comes from the cell-function declarations, so a new function reaches it,
    and each name is a function of xladdin.lite (no helper of the module is registered)."""
    from xladdin.excel.functions import FUNCTIONS

    declared = {f.name for f in FUNCTIONS} | {"refresh_report"}
    assert set(registered_names()) == declared >= {"CHIP_DATA", "CHIP_VALUE", "CHIP_SERIES", "CHIP_MOM"}
    assert all(callable(getattr(lite, name)) and getattr(lite, name).__module__ == "xladdin.lite"
               for name in declared)
    tail = main_py().rpartition("from xladdin.lite import (")[2]
    assert {line.strip(" ,") for line in tail.splitlines()[1:-1]} == declared


def lite_version() -> str:
    from xladdin import __version__

    return __version__


def test_refresh_and_import_keep_the_part_and_the_finished_copy_never_has_it(workbook, tmp_path):
    from xladdin.engine.load import sample_path

    work = tmp_path / "L.xlsx"
    work.write_bytes(workbook.read_bytes())
    with zipfile.ZipFile(work) as z:
        before = {n: z.read(n) for n in z.namelist() if n.startswith("xl/webextensions/")}
        root_rels = z.read("_rels/.rels")
    assert main(["import", str(sample_path()), "--into", str(work)]) == 0
    assert main(["refresh", str(work)]) == 0
    with zipfile.ZipFile(work) as z:
        assert {n: z.read(n) for n in z.namelist() if n.startswith("xl/webextensions/")} == before
        assert z.read("_rels/.rels") == root_rels
    assert chip_formulas(work) == ["_xldudf_CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)"]
    with zipfile.ZipFile(tmp_path / "L_发布版.xlsx") as z:
        assert not [n for n in z.namelist() if "webextension" in n]
        assert b"webextension" not in z.read("_rels/.rels") + z.read("[Content_Types].xml")
    assert read_properties(work)["main.py"] == main_py()


def test_the_lite_path_imports_nothing_pyodide_lacks(workbook):
    """With fastexcel (and the desktop's pywin32 world) absent, main.py imports and the
    functions run; nothing on the way imports fastexcel."""
    code = f"""
import sys
class Absent:  # fastexcel and pywin32 do not exist in Pyodide: record any attempt to import them
    tried = []
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("fastexcel", "win32com", "pythoncom", "pywintypes"):
            Absent.tried.append(name)
            raise ImportError(name)
sys.meta_path.insert(0, Absent())
from xladdin.lite.webextension import read_properties
namespace = {{}}
exec(read_properties({str(workbook)!r})["main.py"], namespace)
from tests.fake_xlwings import FakeBook
raw = FakeBook({str(workbook)!r}).raw_table()
data = namespace["CHIP_DATA"](raw)
print(round(namespace["CHIP_VALUE"](data.obj, "出口"), 3))
print(Absent.tried)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["179.349", "[]"]


REGISTRATION = """
import json, sys, types
import xlwings as xw
from xlwings.server import custom_functions_meta, custom_scripts_meta
module = types.ModuleType("main")
exec(compile(open(sys.argv[1], encoding="utf-8").read(), "main.py", "exec"), module.__dict__)
print(json.dumps({"functions": custom_functions_meta(module), "scripts": custom_scripts_meta(module),
                  "loaded": sorted(m for m in ("pandas", "numpy", "fastexcel", "openpyxl") if m in sys.modules)},
                 ensure_ascii=False, default=str))
"""


@pytest.fixture(scope="module")
def main_file(workbook, tmp_path_factory) -> Path:
    """The workbook's main.py, alone in a folder."""
    path = tmp_path_factory.mktemp("main") / "main.py"
    path.write_text(read_properties(workbook)["main.py"], encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registration(main_file) -> dict:
    """main.py under xlwings' own Lite/Server decorators (``xlwings.server``), in CPython."""
    env = {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", REGISTRATION, str(main_file)], capture_output=True, text=True,
                          cwd=main_file.parent, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_registration_metadata_from_xlwings_lite_decorators(registration):
    """The metadata Excel registers: six functions, none volatile, dropdowns for flow, span and
    by, the data handle first; the 刷新月报 script with the async book."""
    meta = registration
    functions = {f["name"]: f for f in meta["functions"]["functions"]}
    assert set(functions) == {"CHIP_DATA", "CHIP_VALUE", "CHIP_YOY", "CHIP_MOM", "CHIP_SHARE", "CHIP_SERIES",
                              "CHIP_RANK", "CHIP_TABLE"}
    assert not any(f["options"].get("volatile") for f in functions.values())
    value = functions["CHIP_VALUE"]["parameters"]
    assert [p["name"] for p in value] == ["data", "flow", "period", "product", "partner", "province", "span"]
    assert value[0]["description"].startswith("the 数据 cell") and "optional" not in value[0]
    assert value[1]["customEnumId"] == "CHIP_VALUE.FLOW" and all(p.get("optional") for p in value[2:])
    enums = {e["id"]: [v["name"] for v in e["values"]] for e in meta["functions"]["enums"]}
    assert enums["CHIP_VALUE.FLOW"] == ["出口", "进口"] and enums["CHIP_YOY.SPAN"] == ["当月", "累计"]
    assert enums["CHIP_RANK.BY"] == ["partner", "province", "product"]
    assert [p["name"] for p in functions["CHIP_DATA"]["parameters"]] == ["raw", "period", "net_yoy"]
    assert [p["name"] for p in functions["CHIP_TABLE"]["parameters"]] == ["data", "table_no", "period"]
    from xladdin.excel.functions import FUNCTIONS  # every function's and argument's help, as declared

    for declared in FUNCTIONS:
        registered = functions[declared.name]
        assert registered["description"] == declared.doc
        assert [(p["name"], p["description"]) for p in registered["parameters"]] == \
            [(a.name, a.doc) for a in declared.args]
    series = functions["CHIP_SERIES"]["parameters"]
    assert [p["name"] for p in series] == ["data", "flow", "start", "end", "product", "partner", "province",
                                           "measure", "span"]
    assert enums["CHIP_SERIES.MEASURE"] == ["value", "yoy", "mom", "share"] and "环比" in series[7]["description"]
    assert [p["name"] for p in functions["CHIP_MOM"]["parameters"]] == [p["name"] for p in value]
    scripts = meta["scripts"]
    assert [s["name"] for s in scripts] == ["刷新月报"] and scripts[0]["lazy"] is True, scripts




def test_main_py_registers_the_same_in_pyodide(registration, main_file):
    """Pyodide from the npm registry, run by Node offline: main.py alone (xladdin comes out of
    its embedded zip, nothing of xladdin is copied in) and xlwings' decorators give the same
    metadata as CPython. Pyodide's packages (pandas …) come from its CDN, not reachable
    offline; importing xladdin.lite does not need them."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js and npm are not installed (.ci/run installs them)")
    here = ROOT / "tests" / "pyodide"
    if not (here / "node_modules" / "pyodide" / "pyodide.asm.wasm").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=here, check=True, timeout=600)
    from xladdin.excel.vba import xlwings_dir

    done = subprocess.run([node, "registration.mjs", str(main_file), str(xlwings_dir())], cwd=here,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    meta = json.loads(done.stdout)
    assert meta["platform"] == "emscripten" and "pandas" not in meta["loaded"]
    assert meta["xladdin"].endswith(".zip/xladdin/__init__.py"), meta["xladdin"]  # from main.py's zip
    from xladdin.engine.editions import word_set

    assert meta["data"] == "code" and meta["words"] == sorted(word_set("zh"))[:3]  # read inside the zip
    assert meta["scopes"] == ["chips", "equipment"] and meta["equipment"] == "8486"  # scope files too
    assert same_docs(meta["functions"]) == same_docs(registration["functions"])
    assert meta["scripts"] == registration["scripts"]
    assert len(meta["functions"]["functions"]) == 8


def same_docs(functions: dict) -> dict:
    """Python 3.13+ strips docstrings' indentation when compiling: compare them dedented."""
    import inspect

    out = json.loads(json.dumps(functions))
    for f in out["functions"]:
        f["description"] = inspect.cleandoc(f["description"])
    return out


def test_the_wheel_is_pure_python_without_fastexcel(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                           "-q", "-w", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    wheel, = tmp_path.glob("xladdin-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
        names = z.namelist()
    requires = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    hard = [r for r in requires if "extra ==" not in r]
    assert not [r for r in hard if r.startswith("fastexcel")], hard
    assert any(r.startswith("fastexcel") and 'extra == "fast"' in r for r in requires), requires
    assert "xladdin/lite/__init__.py" in names and not [n for n in names if n.endswith((".so", ".pyd"))]


def test_without_fastexcel_the_reader_gives_the_same_text(workbook, tmp_path, monkeypatch):
    """The fallback reader (openpyxl, for Pyodide) reads every kind of cell as fastexcel does."""
    from datetime import date, datetime

    from openpyxl import Workbook

    from xladdin.engine.raw import read_xlsx_table

    kinds = tmp_path / "kinds.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "原始数据"
    for row in [["note"], ["数据年月", "美元", "x"], [202507, 317088371.0, "abc"], ["202507", 1.5, None],
                [datetime(2025, 7, 1), 12345678901.0, True], [date(2025, 7, 1), -0.25, 0], [None, 1e20, 3.0]]:
        sheet.append(row)
    book.save(kinds)
    fast = [read_xlsx_table(p) for p in (workbook, kinds)]
    monkeypatch.setitem(sys.modules, "fastexcel", None)
    slow = [read_xlsx_table(p) for p in (workbook, kinds)]
    for (a, first_a), (b, first_b) in zip(fast, slow):
        assert first_a == first_b and list(a.columns) == list(b.columns)
        assert a.fillna("<blank>").values.tolist() == b.fillna("<blank>").values.tolist()
    assert slow[1][0].values.tolist()[0] == ["202507", "317088371", "abc"]
    assert len(slow[0][0]) == 3318


# --- xladdin lite update -------------------------------------------------------------------------------

OLD_LITE = ROOT / "tests" / "upgrade_fixtures" / "0.1.0-7b495fe" / "lite.xlsx"


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_lite_update_re_embeds_the_code_and_keeps_every_other_part(tmp_path, capsys):
    """A Lite workbook made by 0.1.0 (its main.py asked an index for xladdin==0.1.0): the part
    is replaced, its ids kept, the one sheet with the bare CHIP_DATA formula gets Excel's
    stored form, and every other member keeps its bytes. A second update changes nothing."""
    work = tmp_path / "lite.xlsx"
    shutil.copy(OLD_LITE, work)
    old, old_props = members(work), read_properties(work)
    assert "xladdin==0.1.0" in old_props["requirements.txt"]
    assert main(["lite", "update", str(work)]) == 0
    assert capsys.readouterr().out.strip() == ("lite.xlsx: xlwings Lite code updated from a main.py that "
                                               f"installed xladdin from an index to xladdin {lite_version()}")
    new, props = members(work), read_properties(work)
    assert props["main.py"] == main_py() and "xladdin" not in props["requirements.txt"]
    assert props["xlwingsWorkbookId"] == old_props["xlwingsWorkbookId"]
    ids = [z.split(b'id="', 2)[1].split(b'"')[0] for z in (old[PART], new[PART])]
    assert ids[0] == ids[1]
    assert set(new) == set(old)
    changed = {n for n in old if old[n] != new[n]}
    sheets = {n for n in changed if n.startswith("xl/worksheets/")}
    assert changed == {PART} | sheets and len(sheets) == 1
    for n in sheets:  # only the prefix was added
        assert new[n].replace(b"_xldudf_", b"") == old[n] and new[n].count(b"_xldudf_CHIP_") == 1
    assert chip_formulas(work) == ["_xldudf_CHIP_DATA(RawData[#All],SET_PERIOD,SET_NET_YOY)"]
    assert main(["lite", "update", str(work)]) == 0
    assert members(work) == new
    assert zip64_marked(OLD_LITE) and not zip64_marked(work)  # 0.1.0's ZIP64 local header is gone


def test_lite_update_fills_a_lite_part_whose_main_py_is_blank(tmp_path, capsys):
    """A Lite part with no code at all (main.py emptied in Lite's editor) is nobody's code: it
    gets xladdin's, as a workbook without the part does; only code of another program is refused."""
    from xladdin.lite.webextension import embed, extension_id, part_xml

    work = tmp_path / "blank.xlsx"
    shutil.copy(OLD_LITE, work)
    embed(work, part_xml(STORE_ID, extension_id(work), {**read_properties(work), "main.py": " \n"}))
    assert read_properties(work)["main.py"] == " \n"
    assert main(["lite", "update", str(work)]) == 0
    assert read_properties(work)["main.py"] == main_py()
    assert capsys.readouterr().out.strip() == \
        f"blank.xlsx: added the xlwings Lite code of xladdin {lite_version()}"


def zip64_marked(path) -> list[str]:
    """Members whose local header claims ZIP64 (version 4.5, 0xFFFFFFFF sizes or an extra)."""
    import struct

    data = Path(path).read_bytes()
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    marked = []
    for info in infos:
        version, _, _, _, _, _, size, _, _, extra = struct.unpack_from("<HHHHHIIIHH", data, info.header_offset + 4)
        if version >= 45 or size == 0xFFFFFFFF or extra:
            marked.append(info.filename)
    return marked


def test_refresh_says_when_the_embedded_code_is_older(tmp_path, capsys):
    work = tmp_path / "lite.xlsx"
    shutil.copy(OLD_LITE, work)
    assert main(["refresh", str(work)]) == 0
    err = capsys.readouterr().err
    assert ("note: the xlwings Lite code in lite.xlsx asks a package index for xladdin, which Lite cannot "
            f"install; run 'xladdin lite update lite.xlsx' to embed xladdin {lite_version()} in it") in err
    assert main(["lite", "update", str(work)]) == 0
    assert main(["refresh", str(work)]) == 0
    assert "xlwings Lite code" not in capsys.readouterr().err


def test_stale_note_compares_versions(workbook, tmp_path, monkeypatch):
    from xladdin.lite import workbook as lite_workbook

    assert lite_workbook.stale_note(workbook) is None
    embedded = lite_version()  # the workbook fixture's code is this version's
    monkeypatch.setattr(lite_workbook, "__version__", "0.10.0")  # installed: newer than the embedded one
    assert f"is xladdin {embedded}, older than the installed xladdin 0.10.0" in lite_workbook.stale_note(workbook)
    plain = tmp_path / "plain.xlsx"
    assert main(["init", str(plain), "--demo"]) == 0
    assert lite_workbook.stale_note(plain) is None


@pytest.mark.parametrize("content,message", [
    (None, "no such workbook"),
    (b"not a zip", "not a readable xlsx workbook"),
])
def test_lite_update_refuses_with_one_sentence(tmp_path, capsys, content, message):
    work = tmp_path / "x.xlsx"
    if content is not None:
        work.write_bytes(content)
    assert main(["lite", "update", str(work)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0], err
    if content is not None:
        assert work.read_bytes() == content and list(tmp_path.iterdir()) == [work]


def test_lite_update_refuses_a_workbook_that_is_not_a_monthly_one(tmp_path, capsys):
    """Any other workbook without a Lite part is left alone: the code would have no 设置 and no
    原始数据 to work on."""
    from openpyxl import Workbook

    work = tmp_path / "notes.xlsx"
    book = Workbook()
    book.active["A1"] = "an analyst's own notes"
    book.save(work)
    before = work.read_bytes()
    assert main(["lite", "update", str(work)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: notes.xlsx: not an xladdin monthly workbook (it has no 设置 cells and no 原始数据 "
                   "sheet), so xlwings Lite code would have nothing to work on; make one with 'xladdin init "
                   "WORKBOOK.xlsx RAW... --lite'"]
    assert work.read_bytes() == before and list(tmp_path.iterdir()) == [work]
    plain = tmp_path / "plain.xlsx"  # a monthly workbook made without --lite gets the code
    assert main(["init", str(plain), "--demo"]) == 0
    assert main(["lite", "update", str(plain)]) == 0
    assert read_properties(plain)["main.py"] == main_py()


def test_lite_update_through_a_link_keeps_the_link_and_the_files_mode(tmp_path, capsys):
    """The one link-aware atomic replace of the other commands: the link's target is written,
    the link stays a link, the target keeps its permissions, nothing is left beside it."""
    real = tmp_path / "real"
    real.mkdir()
    target = real / "lite.xlsx"
    shutil.copy(OLD_LITE, target)
    target.chmod(0o640)
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    assert main(["lite", "update", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert "xladdin" not in read_properties(target)["requirements.txt"]
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["link.xlsx", "lite.xlsx", "real"]
