"""The VBA project inside xladdin.xlam: xlwings' runtime, the ribbon callback, the cell functions.

Every module comes from the installed xlwings, so the add-in's VBA always matches the xlwings
(and the xlwings DLL) beside the Python that runs it:

- ``xlwings``: ``xlwings_custom_addin.bas``, the module ``xlwings quickstart --addin`` puts in
  a custom add-in, with its ``PROJECT_NAME`` set to ``xladdin`` so the config sheet, the user
  config file and the directory config file are xladdin's own;
- ``Dictionary``: xlwings' drop-in ``Scripting.Dictionary`` for macOS;
- ``xlwings_udfs``: the cell-function wrappers, written by xlwings' own generator
  (``xlwings.udfs.generate_vba_wrapper``, the code behind ``ImportPythonUDFs``) from whatever
  ``xladdin.excel.udf`` defines;
- ``XladdinRibbon``: the ribbon button's callback;
- ``ThisWorkbook`` and ``Sheet2``: the document modules of the add-in and its config sheet.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import types
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xladdin.errors import XladdinError
from xladdin.excel.ovba import Module, class_module, document_module, standard_module, write_vba_project

PROJECT_NAME = "xladdin"
#: A fixed project id, so that builds are reproducible and no other project shares it.
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xladdin.xlam/vba-project")).upper() + "}"
UDF_MODULE = "xladdin.excel.udf"
RIBBON_MODULE = "XladdinRibbon"
RIBBON_CALLBACK = f"{RIBBON_MODULE}.RefreshReport"
WORKBOOK_CLSID = "{00020819-0000-0000-C000-000000000046}"
SHEET_CLSID = "{00020820-0000-0000-C000-000000000046}"
CONFIG_SHEET_CODENAME = "Sheet2"  # the quickstart add-in's config sheet keeps its code name

RIBBON_SOURCE = """Sub RefreshReport(control As IRibbonControl)
    ' The Refresh button of the ribbon tab: xladdin.main() refreshes the active workbook
    RunPython "import xladdin; xladdin.main()"
End Sub
"""


def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent


def xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


def runtime_source(project_name: str = PROJECT_NAME) -> str:
    """xlwings' custom add-in module, with the add-in's own project name."""
    path = xlwings_dir() / "xlwings_custom_addin.bas"
    text = path.read_text(encoding="cp1252")
    pattern = r'(Public Const PROJECT_NAME As String = )"[^"]*"'
    if len(re.findall(pattern, text)) != 1:
        raise XladdinError(f"{path} does not declare PROJECT_NAME once; build with the xlwings "
                           "version named in pyproject.toml")
    return re.sub(pattern, rf'\1"{project_name}"', text)


def dll_version(source: str) -> str:
    """The xlwings version whose DLL (``xlwings64-<version>.dll``) the VBA declares."""
    found = set(re.findall(r'"xlwings(?:32|64)-([0-9][^"]*)\.dll"', source))
    if len(found) != 1:
        raise XladdinError(f"the xlwings VBA names {len(found)} DLL versions ({sorted(found)}), not one")
    return found.pop()


@contextmanager
def _windows_stubs() -> Iterator[None]:
    """Let ``xlwings.udfs`` load where pywin32 is missing: it imports three Windows COM modules
    at the top, which the wrapper generator never calls. They are stubbed only while loading."""
    names = ("pythoncom", "pywintypes", "win32com", "win32com.client")
    saved = {n: sys.modules.get(n) for n in names}
    if saved["pythoncom"] is None:
        stub = types.ModuleType("pythoncom")
        stub.CoInitialize = lambda: None
        client = types.ModuleType("win32com.client")
        client.Dispatch = None
        package = types.ModuleType("win32com")
        package.client = client
        errors = types.ModuleType("pywintypes")
        errors.com_error = OSError
        sys.modules.update({"pythoncom": stub, "pywintypes": errors, "win32com": package,
                            "win32com.client": client})
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def xlwings_udfs() -> types.ModuleType:
    """xlwings' ``udfs`` module (the decorators and the VBA wrapper generator), on any OS.

    Loaded as a private copy, so ``xlwings.udfs`` stays what it is on this system."""
    spec = importlib.util.spec_from_file_location("xlwings.udfs", xlwings_dir() / "udfs.py")
    module = importlib.util.module_from_spec(spec)
    with _windows_stubs():
        spec.loader.exec_module(module)
    return module


def decorated_udf_module(udfs: types.ModuleType, name: str = UDF_MODULE) -> types.ModuleType:
    """A fresh copy of the cell-function module whose ``@xw.func`` (and ``arg``/``ret``/``sub``)
    are xlwings' real decorators, as on Windows: each function carries ``__xlfunc__``."""
    import xlwings

    original = importlib.util.find_spec(name)
    if original is None or original.origin is None:
        raise XladdinError(f"cannot find the cell-function module {name}")
    real = {"func": udfs.xlfunc, "arg": udfs.xlarg, "ret": udfs.xlret, "sub": udfs.xlsub}
    saved = {k: getattr(xlwings, k, None) for k in real}
    spec = importlib.util.spec_from_file_location(name, original.origin)
    module = importlib.util.module_from_spec(spec)
    try:
        for key, value in real.items():
            setattr(xlwings, key, value)
        spec.loader.exec_module(module)
    finally:
        for key, value in saved.items():
            setattr(xlwings, key, value)
    return module


class _AddinBook:
    """What the generator asks of the Excel workbook: its name (an .xlam makes the wrappers
    pass ``ActiveWorkbook``, the workbook the formula is in)."""

    Name = "xladdin.xlam"


def udf_wrappers(module_name: str = UDF_MODULE) -> str:
    """The ``xlwings_udfs`` module exactly as ``ImportPythonUDFsToAddin`` writes it: the three
    lines ``xlwings.udfs.import_udfs`` starts the file with, then the generator's wrappers."""
    udfs = xlwings_udfs()
    module = decorated_udf_module(udfs, module_name)
    out = io.StringIO()
    writer = udfs.VBAWriter(out)
    writer.writeln('Attribute VB_Name = "xlwings_udfs"')
    writer.writeln("'Autogenerated code by xlwings - changes will be lost with next import!")
    writer.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
    udfs.generate_vba_wrapper(module_name, module, out, _AddinBook())
    return out.getvalue()


def addin_modules() -> list[Module]:
    """Every module of the add-in's VBA project, in the order VBE lists them."""
    dictionary = (xlwings_dir() / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    return [document_module("ThisWorkbook", WORKBOOK_CLSID),
            document_module(CONFIG_SHEET_CODENAME, SHEET_CLSID),
            class_module("Dictionary", dictionary),
            standard_module("xlwings", runtime_source()),
            standard_module(RIBBON_MODULE, RIBBON_SOURCE),
            standard_module("xlwings_udfs", udf_wrappers())]


def vba_project() -> bytes:
    """The add-in's ``vbaProject.bin``: source only, so Excel compiles it on first load."""
    return write_vba_project(PROJECT_NAME, PROJECT_ID, addin_modules())
