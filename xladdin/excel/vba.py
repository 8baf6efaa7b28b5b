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
- ``XladdinHelp``: the function wizard's help (``Application.MacroOptions``: each function's
  description, category and argument descriptions), written from the declarations in
  ``functions.py`` and run when the add-in opens;
- ``ThisWorkbook`` (its ``Workbook_Open`` runs the help) and ``Sheet2``: the document modules
  of the add-in and its config sheet.
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
from xladdin.excel.functions import CATEGORY, FUNCTIONS, HELP_CHARS, CellFunction, check
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


@contextmanager
def real_decorators(udfs: types.ModuleType) -> Iterator[None]:
    """xlwings' Windows decorators (``func``/``arg``/``ret``/``sub``) in place of this
    system's no-ops, while functions are made: each then carries ``__xlfunc__``."""
    import xlwings

    real = {"func": udfs.xlfunc, "arg": udfs.xlarg, "ret": udfs.xlret, "sub": udfs.xlsub}
    saved = {k: getattr(xlwings, k, None) for k in real}
    try:
        for key, value in real.items():
            setattr(xlwings, key, value)
        yield
    finally:
        for key, value in saved.items():
            setattr(xlwings, key, value)


def decorated_udf_module(udfs: types.ModuleType, name: str = UDF_MODULE) -> types.ModuleType:
    """A fresh copy of the cell-function module whose ``@xw.func`` (and ``arg``/``ret``/``sub``)
    are xlwings' real decorators, as on Windows: each function carries ``__xlfunc__``."""
    original = importlib.util.find_spec(name)
    if original is None or original.origin is None:
        raise XladdinError(f"cannot find the cell-function module {name}")
    spec = importlib.util.spec_from_file_location(name, original.origin)
    module = importlib.util.module_from_spec(spec)
    with real_decorators(udfs):
        spec.loader.exec_module(module)
    return module


def desktop_module(udfs: types.ModuleType, functions: tuple[CellFunction, ...] = FUNCTIONS,
                   name: str = UDF_MODULE) -> types.ModuleType:
    """The desktop functions of the declarations, as xlwings' Windows decorators register them."""
    from xladdin.excel.udf import desktop_function

    module = types.ModuleType(name)
    with real_decorators(udfs):
        for declared in functions:
            setattr(module, declared.name, desktop_function(declared, name))
    return module


class _AddinBook:
    """What the generator asks of the Excel workbook: its name (an .xlam makes the wrappers
    pass ``ActiveWorkbook``, the workbook the formula is in)."""

    Name = "xladdin.xlam"


def udf_wrappers(functions: tuple[CellFunction, ...] = FUNCTIONS, module_name: str = UDF_MODULE) -> str:
    """The ``xlwings_udfs`` module exactly as ``ImportPythonUDFsToAddin`` writes it: the three
    lines ``xlwings.udfs.import_udfs`` starts the file with, then the generator's wrappers."""
    udfs = xlwings_udfs()
    module = desktop_module(udfs, functions, module_name)
    out = io.StringIO()
    writer = udfs.VBAWriter(out)
    writer.writeln('Attribute VB_Name = "xlwings_udfs"')
    writer.writeln("'Autogenerated code by xlwings - changes will be lost with next import!")
    writer.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
    udfs.generate_vba_wrapper(module_name, module, out, _AddinBook())
    return out.getvalue()


HELP_MODULE = "XladdinHelp"
HELP_MACRO = "RegisterFunctionHelp"
_CHUNK = 400  # characters of VBA per line (VBA's limit is 1023)


def vba_text(text: str) -> list[str]:
    """A string as VBA expressions to join with ``&``: printable ASCII as quoted runs, every
    other character as ``ChrW(n)`` (the project's code page, 1252, has no Chinese)."""
    parts: list[str] = []
    run = ""
    for char in text:
        if " " <= char <= "~":
            run += '""' if char == '"' else char
            continue
        if ord(char) > 0xFFFF:
            raise XladdinError(f"the help text {text[:40]!r} has a character VBA cannot write")
        if run:
            parts.append(f'"{run}"')
            run = ""
        parts.append(f"ChrW({ord(char)})")
    if run or not parts:
        parts.append(f'"{run}"')
    return parts


def _assign(target: str, text: str) -> list[str]:
    """``target = …`` over as many lines as the text needs."""
    lines, line = [], f"{target} = "
    for i, part in enumerate(vba_text(text[:HELP_CHARS])):
        piece = part if i == 0 or line.endswith("= ") else " & " + part
        if len(line) + len(piece) > _CHUNK:
            lines.append(line)
            line, piece = f"{target} = {target} & ", part
        line += piece
    return lines + [line]


def help_source(functions: tuple[CellFunction, ...] = FUNCTIONS) -> str:
    """The ``XladdinHelp`` module: one ``Application.MacroOptions`` per function, with the
    description and every argument's help of its declaration (255 characters at most, Excel's
    limit), under the category xladdin, for the wrapper in this add-in (named as
    ``'xladdin.xlam'!CHIP_VALUE``, as xlwings' own import does)."""
    check(functions)  # nothing Excel would cut short
    out = [
        "' The function wizard's help for the CHIP_ functions: written from xladdin's declarations",
        "' (xladdin.excel.functions) when the add-in is built; run by Workbook_Open.",
        "Option Explicit",
        "",
        f"Public Sub {HELP_MACRO}()",
        "    Dim d As String",
        "    Dim wasAddin As Boolean",
        "    ' Excel refuses MacroOptions for a macro of a workbook it treats as hidden (error 1004);",
        "    ' an add-in is one on some versions: then it is shown as a workbook for the moment of",
        "    ' registration and made an add-in again, unchanged (Saved stays True).",
        "    wasAddin = ThisWorkbook.IsAddin",
        "    On Error Resume Next",
    ]
    for declared in functions:
        args = declared.args
        out += ["", f"    ' {declared.name}"]
        out += ["    " + line for line in _assign("d", declared.doc)]
        out.append(f"    Dim a{declared.name}(1 To {len(args)}) As String")
        for i, arg in enumerate(args, 1):
            out += ["    " + line for line in _assign(f"a{declared.name}({i})", arg.doc)]
        out.append(f'    Register "{declared.name}", d, a{declared.name}, wasAddin')
    out += ["    On Error GoTo 0", "End Sub", "",
            "Private Sub Register(fn As String, desc As String, args() As String, wasAddin As Boolean)",
            "    Dim target As String",
            "    target = \"'\" & ThisWorkbook.Name & \"'!\" & fn",
            "    On Error Resume Next",
            f'    Application.MacroOptions Macro:=target, Description:=desc, Category:="{CATEGORY}", _',
            "        ArgumentDescriptions:=args",
            "    If Err.Number <> 0 And wasAddin Then",
            "        Err.Clear",
            "        Application.ScreenUpdating = False",
            "        ThisWorkbook.IsAddin = False",
            f'        Application.MacroOptions Macro:=target, Description:=desc, Category:="{CATEGORY}", _',
            "            ArgumentDescriptions:=args",
            "        ThisWorkbook.IsAddin = True",
            "        ThisWorkbook.Saved = True",
            "        Application.ScreenUpdating = True",
            "    End If",
            "    On Error GoTo 0",
            "End Sub", ""]
    return "\n".join(out)


WORKBOOK_SOURCE = f"""Private Sub Workbook_Open()
    ' the function wizard's help for the CHIP_ functions (module {HELP_MODULE})
    {HELP_MODULE}.{HELP_MACRO}
End Sub
"""


def addin_modules() -> list[Module]:
    """Every module of the add-in's VBA project, in the order VBE lists them."""
    dictionary = (xlwings_dir() / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    return [document_module("ThisWorkbook", WORKBOOK_CLSID, WORKBOOK_SOURCE),
            document_module(CONFIG_SHEET_CODENAME, SHEET_CLSID),
            class_module("Dictionary", dictionary),
            standard_module("xlwings", runtime_source()),
            standard_module(RIBBON_MODULE, RIBBON_SOURCE),
            standard_module("xlwings_udfs", udf_wrappers()),
            standard_module(HELP_MODULE, help_source())]


def vba_project() -> bytes:
    """The add-in's ``vbaProject.bin``: source only, so Excel compiles it on first load."""
    return write_vba_project(PROJECT_NAME, PROJECT_ID, addin_modules())
