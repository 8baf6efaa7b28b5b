"""xladdin's files beside files Microsoft Excel saved (see made_by_excel/README.md).

Two sources of Excel's own files, both available offline at test time:

- the xlwings package installed beside xladdin ships add-ins and workbooks Excel saved
  (``docProps/app.xml``: Microsoft Excel 16.0300): ``addin/xlwings.xlam``, ``quickstart.xlsm`` …;
- ``made_by_excel/lite_facts.json`` records what six public xlwings Lite workbooks saved by
  Excel hold in their Lite parts (the files themselves carry no licence and are not stored).
  The facts were read by ``made_by_excel/extract_lite_facts.py`` (standard library only); the
  same extractor is run here on xladdin's Lite workbook, so both are read the same way.

``XLADDIN_EXCEL_LITE_DIR`` (a clone of the facts' repository) adds a check of the real files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from xladdin.cli import main
from xladdin.engine.load import sample_path
from xladdin.engine.raw import CANONICAL_HEADERS
from xladdin.lite.webextension import extension_id, read_properties, store_reference

HERE = Path(__file__).parent / "made_by_excel"
XLWINGS = Path(xlwings.__file__).parent
FACTS = json.loads((HERE / "lite_facts.json").read_text(encoding="utf-8"))
EXCEL_LITE = FACTS["files"]
_spec = importlib.util.spec_from_file_location("extract_lite_facts", HERE / "extract_lite_facts.py")
extract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(extract)

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
SS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MC_IGNORABLE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {n: book.read(n) for n in book.namelist()}


def content_type(parts: dict[str, bytes], name: str) -> str | None:
    """A part's content type as a package reader resolves it: its Override, else its Default."""
    types = ET.fromstring(parts["[Content_Types].xml"])
    for override in types.iter(CT + "Override"):
        if override.get("PartName") == "/" + name:
            return override.get("ContentType")
    extension = name.rsplit(".", 1)[-1]
    return next((d.get("ContentType") for d in types.iter(CT + "Default") if d.get("Extension") == extension), None)


def relationships(parts: dict[str, bytes], name: str) -> set[tuple[str, str]]:
    """(type, target) of each relationship in a .rels part; the Ids are the saver's choice."""
    return {(r.get("Type"), r.get("Target")) for r in ET.fromstring(parts[name]).iter(PR + "Relationship")}


def test_the_reference_files_are_excels_own():
    """Guard: every reference is what Excel saved, not a file of ours."""
    for name in ("addin/xlwings.xlam", "quickstart.xlsm", "quickstart_addin_ribbon.xlam"):
        app = members(XLWINGS / name)["docProps/app.xml"].decode()
        assert "<Application>Microsoft Excel</Application>" in app, name
    assert len(EXCEL_LITE) == 6
    assert {f["application"] for f in EXCEL_LITE.values()} == {"Microsoft Excel"}
    assert FACTS["source"]["repository"].endswith("amararun/xlwings-lite-apps-codes-docs")


# --- the xlwings Lite part ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def lite_book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lite") / "L.xlsx"
    assert main(["init", str(path), "--demo", "--lite"]) == 0
    return path


@pytest.fixture(scope="module")
def ours(lite_book) -> dict:
    return extract.facts(lite_book)


#: What the saver chooses, not the format: the extension's own id, the task pane's width and
#: row, the code and its statistics, the locale Excel runs in (en-IN), whether '/' is escaped in
#: the JSON (json.loads reads '\/' and '/' alike), the root relationship's Id, the alternate
#: reference's id (Excel writes it lower- or upper-case); each is compared on its own below.
SAVERS_CHOICE = {"extension_id", "taskpane", "main_py", "reference", "escapes", "root_relationships",
                 "requirements_required", "raw_non_ascii", "app_version", "application", "alternate_reference"}


def test_our_lite_parts_are_shaped_as_excel_saves_them(ours):
    """Part names, content types, relationship types, namespaces, every element and attribute
    name, the property names and their order: the same as Excel-saved Lite workbooks whose code
    defines cell functions (the extLst that says so) and has a requirements.txt."""
    like_ours = {path: f for path, f in EXCEL_LITE.items()
                 if "requirements.txt" in f["property_names"] and "a" in f["namespace_prefixes"]}
    assert len(like_ours) == 3
    for path, excel in like_ours.items():
        for key in excel.keys() - SAVERS_CHOICE:
            assert ours[key] == excel[key], (path, key)
        assert ours["root_relationships"][0]["Type"] == excel["root_relationships"][0]["Type"]
        assert ours["root_relationships"][0]["Target"] == excel["root_relationships"][0]["Target"]
        assert ours["taskpane"].keys() == excel["taskpane"].keys()
        assert {k: v for k, v in ours["taskpane"].items() if k not in ("width", "row")} == \
               {"dockstate": "right", "visibility": "0"} == \
               {k: v for k, v in excel["taskpane"].items() if k not in ("width", "row")}
        assert {k: v for k, v in ours["reference"].items() if k != "store"} == \
               {k: v for k, v in excel["reference"].items() if k != "store"}
    # the alternate reference: Excel writes its id either way; ours is one of Excel's forms
    assert ours["alternate_reference"] in [f["alternate_reference"] for f in EXCEL_LITE.values()]
    # Lite's own requirement lines: the same packages in the same order, in the same form
    names = [[line.split("==")[0].split()[0] for line in f["requirements_required"]]
             for f in (ours, *like_ours.values())]
    assert names == [["xlwings", "python-dotenv", "pyodide-http", "black"]] * 4


def test_every_excel_saved_lite_part_has_the_properties_lite_reads():
    """What xlwings Lite reads (main.py, and requirements.txt where packages are named) is in
    each file, with the runtime versions xladdin records when it writes the part."""
    from xladdin.lite.workbook import ADDIN_VERSION, PYODIDE_VERSION

    for path, excel in EXCEL_LITE.items():
        assert excel["property_names"][:3] == ["main.py", "pyodideVersion", "addinVersion"], path
        assert set(excel["property_names"]) <= {"main.py", "pyodideVersion", "addinVersion", "requirements.txt"}
        assert excel["main_py"]["scripts"] >= 1  # Lite runs @script functions from main.py
    newest = {tuple(f["versions"].values()) for f in EXCEL_LITE.values()}
    assert (PYODIDE_VERSION, ADDIN_VERSION) in newest


#: The Lite part as Excel writes it (element and attribute order of the files in the facts;
#: checked against their recorded shape below); the values are filled in by the test.
EXCEL_PART = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
              '<we:webextension xmlns:we="{we}" id="{id}"><we:reference id="{ref_id}" version="{version}" '
              'store="{store}" storeType="{store_type}"/><we:alternateReferences><we:reference id="{alt_id}" '
              'version="{version}" store="{alt_store}" storeType="{store_type}"/></we:alternateReferences>'
              '<we:properties>{properties}</we:properties><we:bindings/><we:snapshot xmlns:r="{r}"/>'
              '</we:webextension>')
EXCEL_PANES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
               '<wetp:taskpanes xmlns:wetp="{wetp}"><wetp:taskpane dockstate="right" visibility="0" '
               'width="{width}" row="{row}"><wetp:webextensionref xmlns:r="{r}" r:id="rId1"/>'
               '</wetp:taskpane></wetp:taskpanes>')
#: Someone else's main.py (ours, made up), with what Excel escapes: quotes, <, >, &, '/', tabs.
FOREIGN_MAIN = ('import xlwings as xw\nfrom xlwings import script\n\n@script\ndef hello(book: xw.Book):\n'
                '\t"""Say hello <to> the sheet & https://example.org/x."""\n    book.sheets[0]["A1"].value = "你好"\n')


def _excel_json(value: str) -> str:
    """A property value as Excel writes it: JSON with '/' escaped and non-ASCII kept, then
    quoted for the attribute (&quot; &amp; &lt; &gt;)."""
    text = json.dumps(value, ensure_ascii=False).replace("/", "\\/")
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture(scope="module")
def foreign_lite(tmp_path_factory) -> tuple[Path, dict]:
    """A Lite workbook that is not xladdin's: Excel's quickstart.xlsm made an .xlsx (its VBA
    project, relationship and content type removed: our edit) with Lite's three parts, written
    as Excel writes them from the recorded facts of the Excel-saved file with the most elements,
    holding a made-up main.py."""
    excel = EXCEL_LITE["technical-analysis/TECHNICAL_ANALYSIS_PDF_HTML_V2_1025.xlsx"]
    ns = excel["namespace_prefixes"]
    props = {"main.py": FOREIGN_MAIN, **excel["versions"], "requirements.txt": "pandas\nrequests"}
    ref, alt = excel["reference"], excel["alternate_reference"]
    part = EXCEL_PART.format(we=ns["we"], r=ns["r"], id=excel["extension_id"], ref_id=ref["id"],
                             version=ref["version"], store=ref["store"], store_type=ref["storeType"],
                             alt_id=alt["id"], alt_store=alt["store"],
                             properties="".join(f'<we:property name="{k}" value="{_excel_json(v)}"/>'
                                                for k, v in props.items()))
    panes = EXCEL_PANES.format(wetp=ns["wetp"], r=ns["r"], **excel["taskpane"])
    parts = members(XLWINGS / "quickstart.xlsm")
    del parts["xl/vbaProject.bin"]
    types = parts["[Content_Types].xml"].decode()
    types = types.replace('<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>', "")
    types = types.replace("application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    overrides = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in excel["content_types"].items())
    parts["[Content_Types].xml"] = types.replace("</Types>", overrides + "</Types>").encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = re.sub(r'<Relationship [^>]*vbaProject[^>]*/>', "", rels).encode()
    (root,) = excel["root_relationships"]
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rId4" Type="{root["Type"]}" Target="{root["Target"]}"/>'
                             "</Relationships>".encode())
    (pane_rel,) = excel["taskpanes_relationships"]
    parts["xl/webextensions/_rels/taskpanes.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="'
        f'{PR[1:-1]}"><Relationship Id="{pane_rel["Id"]}" Type="{pane_rel["Type"]}" Target="{pane_rel["Target"]}"/>'
        "</Relationships>").encode()
    parts["xl/webextensions/taskpanes.xml"] = panes.encode()
    parts["xl/webextensions/webextension1.xml"] = part.encode()
    path = tmp_path_factory.mktemp("foreign") / "someone-else.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path, props


def test_the_excel_form_we_write_for_the_tests_is_excels_shape(foreign_lite):
    """Guard for the next tests: the part built above has the shape the facts record."""
    path, _ = foreign_lite
    built = extract.facts(path)
    excel = EXCEL_LITE["technical-analysis/TECHNICAL_ANALYSIS_PDF_HTML_V2_1025.xlsx"]
    shape = excel["webextension_shape"]
    assert built["webextension_shape"] == [shape[0], shape[1], shape[2][:-1]]  # all but the extLst
    assert [{k: r[k] for k in ("Type", "Target")} for r in built["root_relationships"]] == \
        [{k: r[k] for k in ("Type", "Target")} for r in excel["root_relationships"]]
    for key in ("taskpanes_shape", "taskpane", "content_types", "taskpanes_relationships",
                "reference", "alternate_reference", "property_names", "versions", "webextension_parts"):
        assert built[key] == excel[key], key
    assert set(built["escapes"]) >= {"&quot;", "&amp;", "&lt;", "&gt;", "\\/", "\\n", "\\t"}


def test_our_reader_reads_the_part_excel_writes(foreign_lite):
    path, props = foreign_lite
    excel = EXCEL_LITE["technical-analysis/TECHNICAL_ANALYSIS_PDF_HTML_V2_1025.xlsx"]
    assert extension_id(path) == excel["extension_id"].strip("{}")
    assert store_reference(path) == "wa200008175"
    assert read_properties(path) == props
    assert read_properties(path)["main.py"].splitlines()[5] == '\t"""Say hello <to> the sheet & https://example.org/x."""'


def test_lite_update_refuses_someone_elses_lite_workbook_and_changes_nothing(foreign_lite, tmp_path, capsys):
    work = tmp_path / "theirs.xlsx"
    shutil.copyfile(foreign_lite[0], work)
    before = work.read_bytes()
    assert main(["lite", "update", str(work)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: theirs.xlsx: its xlwings Lite code (main.py) is not xladdin's, and xladdin does not "
                   "replace another program's code; make a monthly workbook with 'xladdin init WORKBOOK.xlsx "
                   "RAW... --lite' instead"]
    assert work.read_bytes() == before and list(tmp_path.iterdir()) == [work]
    from xladdin.lite.workbook import stale_note

    assert stale_note(work) is None  # refresh does not offer to 'update' it either


@pytest.mark.skipif(not os.environ.get("XLADDIN_EXCEL_LITE_DIR"),
                    reason="XLADDIN_EXCEL_LITE_DIR (a clone of the facts' repository) is not set")
def test_the_real_excel_saved_lite_workbooks(tmp_path, capsys):
    """On the real files: the stored facts are what they hold, our reader finds the same id,
    properties and code, and lite update refuses each, changing no byte."""
    clone = Path(os.environ["XLADDIN_EXCEL_LITE_DIR"])
    for name, excel in EXCEL_LITE.items():
        assert extract.facts(clone / name) == excel, name
        assert extension_id(clone / name) == excel["extension_id"].strip("{}")
        props = read_properties(clone / name)
        assert list(props) == excel["property_names"]
        assert extract.hashlib.sha256(props["main.py"].encode()).hexdigest() == excel["main_py"]["sha256"]
        work = tmp_path / Path(name).name
        shutil.copyfile(clone / name, work)
        assert main(["lite", "update", str(work)]) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        assert work.read_bytes() == (clone / name).read_bytes()


# --- the desktop add-in -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("addin") / "xladdin.xlam"
    assert main(["addin", "build", "-o", str(out)]) == 0
    return out


def test_our_add_in_part_by_part_with_excels_xlwings_xlam(xlam):
    """xladdin.xlam (built from xlwings' quickstart add-in, VBA and ribbon ours) beside the
    xlwings.xlam Excel saved: the same parts with the same content types (a macro-enabled
    add-in's workbook part, the VBA project's type), the same relationships by type and target,
    the ribbon linked by the relationship type of its namespace (Office 2007's customUI),
    workbook.xml's fileVersion/workbookPr codeNames that tie the sheets to the VBA project, and
    a hidden window. Differences judged harmless: fileVersion's lowestEdited and rupBuild,
    workbookPr's defaultThemeVersion (Excel's build and theme), absPath, relationship Ids."""
    a, b = members(xlam), members(XLWINGS / "addin" / "xlwings.xlam")
    assert set(a) == set(b)
    for name in a:
        assert content_type(a, name) == content_type(b, name), name
    assert content_type(a, "xl/workbook.xml") == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert content_type(a, "xl/vbaProject.bin") == "application/vnd.ms-office.vbaProject"
    assert relationships(a, "xl/_rels/workbook.xml.rels") == relationships(b, "xl/_rels/workbook.xml.rels")
    assert ("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin") in \
        relationships(a, "xl/_rels/workbook.xml.rels")
    assert relationships(a, "_rels/.rels") == relationships(b, "_rels/.rels")
    assert ET.fromstring(a["customUI/customUI.xml"]).tag == ET.fromstring(b["customUI/customUI.xml"]).tag == \
        "{http://schemas.microsoft.com/office/2006/01/customui}customUI"
    books = [ET.fromstring(p["xl/workbook.xml"]) for p in (a, b)]
    for book in books:
        version = book.find(SS + "fileVersion")
        assert version.get("appName") == "xl" and version.get("lastEdited") == "7"
        assert re.fullmatch(r"\{[0-9A-F-]{36}\}", version.get("codeName"))
        assert book.find(SS + "workbookPr").get("codeName") == "ThisWorkbook"
        assert book.find(f"{SS}bookViews/{SS}workbookView").get("visibility") == "hidden"
        declared = set(re.findall(rb'xmlns:(\w+)=', a["xl/workbook.xml"] if book is books[0] else b["xl/workbook.xml"]))
        assert {p.encode() for p in book.get(MC_IGNORABLE).split()} <= declared
    # each sheet's codeName is a document module of the add-in's VBA project
    sheet_code = ET.fromstring(a["xl/worksheets/sheet1.xml"]).find(SS + "sheetPr").get("codeName")
    parser = VBA_Parser(str(xlam))
    try:
        modules = {stream.split("/")[-1] for _, stream, _, _ in parser.extract_macros()}
    finally:
        parser.close()
    assert {"ThisWorkbook", sheet_code} <= modules
    assert b"<Application>Microsoft Excel</Application>" in a["docProps/app.xml"]


# --- raw data in a workbook Excel saved ---------------------------------------------------------


def _shared(text: str) -> str:
    return f'<si><t>{text}</t><phoneticPr fontId="1" type="noConversion"/></si>'


#: The 进出口 header with a phonetic run (Excel keeps the reading an East Asian IME typed):
#: readers must show the text, not the reading.
PHONETIC_FLOW_HEADER = ('<si><t>进出口</t><rPh sb="0" eb="3"><t>jinchukou</t></rPh>'
                        '<phoneticPr fontId="1" type="noConversion"/></si>')


#: The 美元 header as Excel keeps a cell whose characters carry different fonts: rich-text runs.
RICH_VALUE_HEADER = ('<si><r><rPr><b/><sz val="12"/><color theme="1"/><rFont val="DengXian"/><family val="3"/>'
                     '<charset val="134"/><scheme val="minor"/></rPr><t>美</t></r><r><rPr><sz val="12"/>'
                     '<color rgb="FFFF0000"/><rFont val="DengXian"/><family val="3"/><charset val="134"/>'
                     '<scheme val="minor"/></rPr><t>元</t></r><phoneticPr fontId="1" type="noConversion"/></si>')


SPECIAL_HEADERS = {"value_usd": RICH_VALUE_HEADER, "flow": PHONETIC_FLOW_HEADER}


def excel_raw_sheet(tmp_path: Path) -> Path:
    """The bundled sample's raw rows in a sheet 原始数据 of a copy of Excel's quickstart.xlsm.

    Excel's: the package (its styles, theme, VBA project, calc settings), the worksheet's root
    element (mc:Ignorable="x14ac xr xr2 xr3", xr:uid, sheetPr codeName, x14ac:dyDescent), its
    shared-strings part with its 15 strings, which ours follow. Ours, in Excel's conventions:
    the rows (spans, x14ac:dyDescent), digits typed as numbers (codes and values: <v> without a
    type), text as shared strings with phonetic properties (as Excel in a Chinese locale keeps
    them), the 美元 header as rich-text runs, the 进出口 header with a phonetic reading, blank cells left out; the province names as inline
    strings (what other programs write and Excel reads). The sheet renamed in workbook.xml and
    app.xml."""
    frame = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    parts = members(XLWINGS / "quickstart.xlsm")
    sst = parts["xl/sharedStrings.xml"].decode()
    base = int(re.search(r'uniqueCount="(\d+)"', sst).group(1))
    strings: dict[str, int] = {}
    added: list[str] = []

    def shared(text: str, xml: str | None = None) -> int:
        if text not in strings:
            strings[text] = base + len(added)
            added.append(xml or _shared(text))
        return strings[text]

    columns = list(CANONICAL_HEADERS)
    letters = "ABCDEFGH"
    header = "".join(f'<c r="{letters[i]}1" t="s"><v>{shared(CANONICAL_HEADERS[k], SPECIAL_HEADERS.get(k))}</v></c>'
                     for i, k in enumerate(columns))
    rows = [f'<row r="1" spans="1:8" x14ac:dyDescent="0.3">{header}</row>']
    uses = 8
    for n, record in enumerate(frame[columns].itertuples(index=False), start=2):
        cells = []
        for i, (key, value) in enumerate(zip(columns, record)):
            ref = f"{letters[i]}{n}"
            if value == "":
                continue
            if key == "province_name":
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            elif value.isdigit() and key != "partner_code":
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:  # partner codes as text, as in a column formatted as Text before pasting
                uses += 1
                cells.append(f'<c r="{ref}" t="s"><v>{shared(value)}</v></c>')
        rows.append(f'<row r="{n}" spans="1:8" x14ac:dyDescent="0.3">{"".join(cells)}</row>')
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1"/>' in sheet and "<sheetData/>" in sheet and 'xr:uid="' in sheet
    sheet = sheet.replace('<dimension ref="A1"/>', f'<dimension ref="A1:H{len(frame) + 1}"/>')
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("<sheetData/>", f"<sheetData>{''.join(rows)}</sheetData>").encode()
    total = len(added) + base
    count = int(re.search(r' count="(\d+)"', sst).group(1)) + uses
    sst = re.sub(r' count="\d+" uniqueCount="\d+"', f' count="{count}" uniqueCount="{total}"', sst)
    parts["xl/sharedStrings.xml"] = sst.replace("</sst>", "".join(added) + "</sst>").encode()
    for name in ("xl/workbook.xml", "docProps/app.xml"):
        parts[name] = parts[name].replace(b'name="Sheet1"', 'name="原始数据"'.encode()).replace(
            b"<vt:lpstr>Sheet1</vt:lpstr>", "<vt:lpstr>原始数据</vt:lpstr>".encode())
    path = tmp_path / "excel-raw.xlsm"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def tables(args: list[str], capsys) -> dict:
    assert main(["tables", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["tables"]


@pytest.mark.parametrize("reader", ["fastexcel", "openpyxl"])
def test_reads_raw_rows_kept_in_excels_conventions(tmp_path, capsys, monkeypatch, reader):
    """Both raw readers (calamine through fastexcel; openpyxl, as in Pyodide) read the sheet
    inside Excel's package: the tables equal the bundled sample's, and July 2025's exports
    equal a plain sum of the sample's product rows."""
    path = excel_raw_sheet(tmp_path)
    with zipfile.ZipFile(path) as book:  # the sheet really is in Excel's conventions
        sheet = book.read("xl/worksheets/sheet1.xml")
        assert b'x14ac:dyDescent="0.3"' in sheet and b't="inlineStr"' in sheet and b'xr:uid="' in sheet
        assert b"<r><rPr>" in book.read("xl/sharedStrings.xml") and b"<rPh " in book.read("xl/sharedStrings.xml")
    if reader == "openpyxl":
        monkeypatch.setitem(sys.modules, "fastexcel", None)
    got = tables([str(path), "--period", "2025-07"], capsys)
    assert got == tables(["--demo", "--period", "2025-07"], capsys)
    frame = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    product_rows = frame[(frame["period"] == "202507") & (frame["flow"] == "出口")
                         & (frame[["partner_code", "partner_name", "province_code", "province_name"]] == "").all(axis=1)]
    exports = next(row for row in got["1"] if row["label"] == "出口额")
    assert exports["month"]["value"] == pytest.approx(product_rows["value_usd"].astype("int64").sum() / 1e8)


def test_imports_an_excel_saved_file_into_a_monthly_workbook_and_refreshes(tmp_path, capsys):
    """import reads the raw rows out of Excel's package into a monthly workbook made from the
    sample up to May 2025; refresh then gives the sample's tables."""
    frame = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    early = tmp_path / "early.csv"
    frame[frame["period"] < "202506"].to_csv(early, index=False)
    monthly = tmp_path / "月报.xlsx"
    assert main(["init", str(monthly), str(early)]) == 0
    assert main(["import", str(excel_raw_sheet(tmp_path)), "--into", str(monthly)]) == 0
    assert main(["refresh", str(monthly)]) == 0
    capsys.readouterr()
    assert tables([str(monthly), "--period", "2025-07"], capsys) == tables(["--demo", "--period", "2025-07"], capsys)
