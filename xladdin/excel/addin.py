"""The Excel add-in: the 刷新月报 ribbon button, and building, installing and checking xladdin.xlam.

The add-in is xlwings' ribbon quickstart add-in (``xlwings quickstart NAME --addin --ribbon``)
made xladdin's own: its VBA project (``excel/vba.py``) is called ``xladdin`` and carries the
``=CHIP_*`` wrappers, its config sheet ``xladdin.conf`` names the cell-function module and, once
installed, this Python; its ribbon button runs ``import xladdin; xladdin.main()``, which
refreshes the active workbook through ``refresh_book``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from xladdin.errors import XladdinError, describe_os_error
from xladdin.excel.vba import (
    PROJECT_NAME,
    RIBBON_CALLBACK,
    UDF_MODULE,
    dll_version,
    runtime_source,
    vba_project,
)

ADDIN_NAME = "xladdin.xlam"
#: The xlwings release whose VBA and DLL the add-in is built from (pinned in pyproject.toml).
XLWINGS_VERSION = "0.37.8"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)  # zip timestamps, so builds are byte-identical

CUSTOM_UI = f"""<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="xladdinTab" label="芯片月报">
        <group id="xladdinGroup" label="中国芯片产品贸易月度监测报告">
          <button id="xladdinRefresh" label="刷新月报 / Refresh" size="large" imageMso="Refresh"
                  screentip="刷新月报"
                  supertip="用本工作簿的“原始数据”和“设置”重新计算表1–表7，并保存发布版（仅数值）。"
                  onAction="{RIBBON_CALLBACK}" />
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""
#: The relationship of a ribbon in CUSTOM_UI's (Office 2007) namespace, as Excel's xlwings.xlam
#: has it; the quickstart add-in links it with the type of Office 2010's customUI14 part.
UI_RELATIONSHIPS = (b"http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
                    b"http://schemas.microsoft.com/office/2006/relationships/ui/extensibility")


@dataclass
class RefreshOutcome:
    """What one refresh of a live workbook did: the report month, the finished copy written,
    the warnings shown, the render plan (not the report itself, nor the ribbon's VBA
    ``RefreshReport`` callback)."""

    period: str
    finished: Path
    warnings: list[str] = field(default_factory=list)
    plan: Any = None  # the render plan written (a ``render.Plan``)
    brief: str = "芯片月报"  # the product scope's short name for messages (``Scope.brief``)


def refresh_calling_book() -> None:
    """The ribbon button: refresh the workbook the button was clicked in (``xladdin.main``)."""
    import xlwings as xw

    refresh_book(xw.Book.caller())


def refresh_book(book: Any) -> RefreshOutcome | None:
    """Recompute every table of a live workbook and save the finished copy beside it.

    Success and warnings go to the status bar, errors to a message box: never a traceback.
    """
    app = book.app
    app.status_bar = "芯片月报：正在读取原始数据…"
    try:
        report = _refresh(book)
    except XladdinError as exc:
        app.status_bar = False
        app.alert(str(exc), title="芯片月报：未能刷新", buttons="ok", mode="critical")
        return None
    except Exception as exc:  # shown to the user, never as a traceback
        app.status_bar = False
        app.alert(f"internal error ({type(exc).__name__}: {exc}); please report it with the workbook",
                  title="芯片月报：未能刷新", buttons="ok", mode="critical")
        return None
    message = (f"{report.brief}：已刷新 {report.period}；发布版已保存为 {report.finished.name}"
               f"（Word 版 {report.finished.with_suffix('.docx').name}）")
    app.status_bar = message + (f"（{len(report.warnings)} 条提示）" if report.warnings else "")
    if report.warnings:
        app.alert("\n".join(report.warnings[:10]), title=f"{report.brief}：数据提示", buttons="ok",
                  mode="info")
    return report


def _refresh(book: Any) -> RefreshOutcome:
    # Imported here, not at the top, so the status bar says what is happening before the
    # engine's libraries load. On Windows, with ``Use UDF Server = True``, xlwings' RunPython
    # runs every click in the one Python of the UDF server (XLPy.Exec): only the first click
    # after it starts pays for these imports. On macOS RunPython starts a Python per click.
    from xladdin.excel.live import (
        XlwingsBackend,
        has_name,
        raw_from_book,
        rebind_cell_functions,
        settings_from_book,
    )
    from xladdin.files.pdf import converter
    from xladdin.files.workbook import finished_name
    from xladdin.jobs import write_finished, write_word
    from xladdin.report.pipeline import check_plan_names, prepare_report
    from xladdin.report.render import apply

    sheet = settings_from_book(book)
    raw = raw_from_book(book, sheet.scope)  # read under 设置's product scope
    prepared = prepare_report(raw, sheet)
    engine, period, found, plan = prepared.engine, prepared.period, prepared.findings, prepared.plan
    check_plan_names(plan, lambda name: has_name(book, name), prepared.format)
    app = book.app
    app.screen_updating = False
    try:
        apply(plan, XlwingsBackend(book))
    finally:
        app.screen_updating = True
    if not book.fullname or not os.path.isabs(book.fullname):
        raise XladdinError("the tables are refreshed, but the workbook has never been saved, so the "
                           "finished copy has no folder: save the workbook and click 刷新月报 again")
    finished = finished_name(Path(book.fullname), engine.settings.lang)
    write_finished(engine, prepared.document, finished)
    warnings = [f.line() for f in found if f.severity == "warning"]
    pdf: Path | None = finished.with_suffix(".pdf")
    try:  # the PDF beside the finished copy; without Word or LibreOffice the rest still stands
        converter()
    except XladdinError as exc:
        warnings.append(str(exc))
        pdf = None
    write_word(prepared.document, finished.with_suffix(".docx"), pdf)  # every format from one document
    # Last, once every copy is written: the file's =CHIP_* calls, bound to the loaded add-in
    # (Excel recomputes them as they are entered, calling the cell functions' Python).
    rebind_cell_functions(book)
    return RefreshOutcome(period, finished, warnings, plan, engine.scope.brief)


# --- building the add-in ---------------------------------------------------------------------

#: A config-sheet row: the key as xlwings spells it, and a text or boolean value.
Setting = tuple[str, "str | bool"]
#: What every build carries; ``addin install`` adds the interpreter of the installing Python.
BASE_SETTINGS: list[Setting] = [("UDF Modules", UDF_MODULE), ("Use UDF Server", True)]


def quickstart_addin() -> Path:
    """The ribbon add-in template that xlwings ships for ``quickstart --addin --ribbon``."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.exists():
        raise XladdinError(f"xlwings {xlwings.__version__} ships no quickstart_addin_ribbon.xlam; "
                           f"install xlwings {XLWINGS_VERSION}")
    return path


def _cell(ref: str, value: str | bool) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" s="1" t="b"><v>{int(value)}</v></c>'
    return f'<c r="{ref}" s="1" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def _config_sheet(xml: str, settings: list[Setting]) -> str:
    """The config sheet holding exactly ``settings``, one key and value per row from A1.

    xlwings reads the keys from A1 down to the first empty cell and takes a present key's value
    even when it is empty, so every row has a value and nothing else is on the sheet."""
    empty = [key for key, value in settings if value == "" or value is None]
    if empty:
        raise XladdinError(f"add-in setting {empty[0]} has no value; an empty cell would hide the "
                           "user's own setting from xlwings")
    rows = "".join(f'<row r="{i}">{_cell(f"A{i}", key)}{_cell(f"B{i}", value)}</row>'
                   for i, (key, value) in enumerate(settings, start=1))
    new, count = re.subn(r"<sheetData>.*</sheetData>", lambda _: f"<sheetData>{rows}</sheetData>", xml,
                         flags=re.S)
    new, dims = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:B{len(settings)}" />', new)
    if count != 1 or dims != 1 or 'codeName="Sheet2"' not in new:
        raise XladdinError("the xlwings quickstart add-in's config sheet is not laid out as expected; "
                           f"build with xlwings {XLWINGS_VERSION}")
    return new


def _stamp(core: str, description: str) -> str:
    """Record in the add-in's document properties what it was built from (read by doctor)."""
    new, count = re.subn(r"<dc:description\s*/>|<dc:description>.*?</dc:description>",
                         lambda _: f"<dc:description>{escape(description)}</dc:description>", core)
    if count != 1:
        raise XladdinError("the xlwings quickstart add-in's document properties are not as expected")
    return new


def build_addin(out: Path, settings: list[Setting] | None = None) -> Path:
    """Write xladdin.xlam: xlwings' ribbon quickstart add-in with xladdin's VBA project (xlwings'
    runtime, the ribbon callback, the cell-function wrappers), ribbon and config sheet.

    ``settings`` are config rows after :data:`BASE_SETTINGS` (``addin install`` passes the
    interpreter). The same xlwings, xladdin and settings give the same bytes."""
    from xladdin.version import __version__

    out = Path(out)
    if out.name != ADDIN_NAME:
        raise XladdinError(f"{out}: the add-in must be called {ADDIN_NAME}: install, doctor and "
                           "Excel's list of add-ins know it by that name")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # -o new_folder/xladdin.xlam: made for it
    except OSError as exc:
        raise XladdinError(f"{out}: the folder cannot be made: "
                           f"{describe_os_error(exc, out.parent)}") from None
    rows = BASE_SETTINGS + list(settings or [])
    vba = vba_project()
    stamp = f"xladdin {__version__}; xlwings VBA {dll_version(runtime_source())}"
    temp = out.with_suffix(".xlam.tmp")
    try:
        with zipfile.ZipFile(quickstart_addin()) as src, \
                zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "customUI/customUI.xml":
                    data = CUSTOM_UI.encode("utf-8")
                elif item.filename == "xl/workbook.xml":
                    text = data.decode("utf-8")
                    if 'name="_myaddin.conf"' not in text:
                        raise XladdinError("the xlwings quickstart add-in has no _myaddin.conf sheet; "
                                           f"build with xlwings {XLWINGS_VERSION}")
                    data = text.replace('name="_myaddin.conf"', f'name="{CONFIG_SHEET}"').encode("utf-8")
                elif item.filename == "xl/worksheets/sheet1.xml":
                    data = _config_sheet(data.decode("utf-8"), rows).encode("utf-8")
                elif item.filename == "xl/vbaProject.bin":
                    data = vba
                elif item.filename == "_rels/.rels":
                    data = data.replace(*UI_RELATIONSHIPS)
                elif item.filename == "docProps/core.xml":
                    data = _stamp(data.decode("utf-8"), stamp).encode("utf-8")
                info = zipfile.ZipInfo(item.filename, FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, data)
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    return out


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _cell_value(cell: ET.Element, shared: list[str]) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iterfind(".//m:t", _NS))
    value = cell.findtext("m:v", None, _NS)
    if value is None:
        return None
    return {"s": lambda: shared[int(value)], "b": lambda: value == "1",
            "str": lambda: value}.get(kind, lambda: float(value))()


def read_addin(path: Path) -> tuple[list[tuple[str, Any]], str]:
    """The config rows (A1 down to the first empty key, as xlwings reads them) and the build
    stamp of an add-in file."""
    from lxml.etree import XMLSyntaxError

    from xladdin.ooxml.sheets import WORKBOOK, WORKBOOK_RELS, sheet_parts

    try:
        with zipfile.ZipFile(path) as z:
            parts = sheet_parts(z.read(WORKBOOK), z.read(WORKBOOK_RELS))
            names = z.namelist()
            shared = ([("".join(t.text or "" for t in si.iterfind(".//m:t", _NS)))
                       for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iterfind("m:si", _NS)]
                      if "xl/sharedStrings.xml" in names else [])
            core = z.read("docProps/core.xml").decode("utf-8")
            if CONFIG_SHEET not in parts:
                raise XladdinError(f"{path}: has no {CONFIG_SHEET} sheet, so it is not xladdin's add-in; "
                                   "run 'xladdin addin install'")
            sheet = ET.fromstring(z.read(parts[CONFIG_SHEET] or "(no relationship)"))
    except (OSError, zipfile.BadZipFile, KeyError, ET.ParseError, XMLSyntaxError) as exc:
        raise XladdinError(f"{path}: not a readable add-in ({exc}); run 'xladdin addin install'") from None
    cells = {c.get("r"): _cell_value(c, shared) for c in sheet.iterfind(".//m:c", _NS)}
    rows = []
    for row in range(1, len(cells) + 2):
        key = cells.get(f"A{row}")
        if key in (None, ""):
            break
        rows.append((str(key), cells.get(f"B{row}")))
    stamp = re.search(r"<dc:description>(.*?)</dc:description>", core)
    return rows, stamp.group(1) if stamp else ""


# --- installing ------------------------------------------------------------------------------

#: The start-up folder Excel 2016 and later (Microsoft 365) report on macOS (``Application.
#: StartupPath``, which xlwings' installer asks for), under the user's home: Office's shared
#: group container, not Excel's own sandbox.
MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
#: Where xladdin 0.1.0 put the add-in on macOS when Excel could not be asked; Excel does not look there.
MAC_OLD_STARTUP = ("Library/Containers/com.microsoft.Excel/Data/Library/Application Support/Microsoft/"
                   "Office/XLSTART")


def xlstart_folder(platform: str | None = None, home: Path | None = None) -> Path:
    """Where Excel opens add-ins from at start-up, per platform (as Excel reports it)."""
    platform = platform or sys.platform
    home = home or Path.home()
    if platform.startswith("win"):
        return Path(os.environ.get("APPDATA", home)) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return home / MAC_STARTUP
    raise XladdinError("Excel add-ins install on Windows or macOS; on this system use 'xladdin build' "
                       "and 'xladdin refresh' instead (or pass --xlstart DIR to copy the add-in anyway)")


def _pure(path: str, platform: str) -> PurePath:
    return PureWindowsPath(path) if platform.startswith("win") else PurePosixPath(path)


def conda_settings(prefix: str, platform: str, conda_exe: str | None = None) -> list[Setting]:
    """``Conda Path`` and ``Conda Env`` when ``prefix`` is a conda environment, else nothing."""
    pure = _pure(prefix, platform)
    if not Path(prefix, "conda-meta").is_dir():
        return []
    if Path(prefix, "condabin").is_dir():
        return [("Conda Path", str(pure)), ("Conda Env", "base")]
    if pure.parent.name == "envs":
        return [("Conda Path", str(pure.parent.parent)), ("Conda Env", pure.name)]
    if conda_exe:  # an environment elsewhere: xlwings takes its full path as Conda Env
        return [("Conda Path", str(_pure(conda_exe, platform).parent.parent)), ("Conda Env", str(pure))]
    raise XladdinError(f"{prefix} is a conda environment outside the conda installation; activate it "
                       "(so CONDA_EXE is set) and run 'xladdin addin install' again")


def interpreter_settings(python: str, prefix: str, platform: str,
                         conda_exe: str | None = None) -> list[Setting]:
    """The config rows that make xlwings' VBA start this Python.

    Windows: ``pythonw.exe`` beside it (no console window), or for a conda environment bare
    ``pythonw`` with ``Conda Path``/``Conda Env``, which xlwings turns into ``conda activate``
    and the environment's own DLL folder. macOS: the Python itself (xlwings starts it through
    its AppleScript, without conda activation)."""
    conda = conda_settings(prefix, platform, conda_exe)
    if platform.startswith("win"):
        exe = _pure(python, platform)
        if conda:
            return [("Interpreter_Win", "pythonw"), *conda]
        if exe.name.lower() == "python.exe":
            exe = exe.with_name("pythonw.exe")
        return [("Interpreter_Win", str(exe))]
    return [("Interpreter_Mac", python), *conda]


def _excel_startup_folder(platform: str | None = None) -> Path:
    """Excel's own start-up folder, where xlwings' installer copies to (it asks Excel, which
    may differ from the usual place); the usual place when Excel cannot be asked."""
    folder = xlstart_folder(platform)  # refuses on systems without Excel
    try:
        from xlwings.cli import get_addin_dir

        return Path(get_addin_dir())
    except Exception:
        return folder


def _xlwings_install(built: Path, folder: Path) -> None:
    """Hand the add-in to xlwings' installer, which also closes and reloads it in a running
    Excel. It prints its failures instead of raising them: the copy is checked here."""
    import argparse

    from xlwings.cli import addin_install

    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            addin_install(argparse.Namespace(file=str(built), dir=None, glob=False))
    except Exception as exc:  # xlwings' own errors, e.g. Excel not reachable
        printed.write(f"{type(exc).__name__}: {exc}")
    target = folder / ADDIN_NAME
    if not target.exists() or target.read_bytes() != built.read_bytes():
        said = " ".join(printed.getvalue().split()) or "no message"
        raise XladdinError(f"the add-in was not copied into {folder} (xlwings said: {said}); quit Excel "
                           f"and run 'xladdin addin install' again, or copy {built.name} there by hand")


def install_addin(xlstart: Path | None = None, python: str | None = None, prefix: str | None = None,
                  platform: str | None = None) -> tuple[Path, list[Setting]]:
    """Build xladdin.xlam for this Python and put it in Excel's XLSTART folder (or ``xlstart``).

    The interpreter, conda settings and function module go into the add-in's own config sheet:
    xlwings reads it before any config file, and a sheet holds Unicode, so a profile folder
    such as ``C:\\Users\\张伟`` arrives intact. The copy is verified byte for byte."""
    platform = platform or sys.platform
    settings = interpreter_settings(python or sys.executable, prefix or sys.prefix, platform,
                                    os.environ.get("CONDA_EXE"))
    folder = Path(xlstart) if xlstart else _excel_startup_folder(platform)
    with tempfile.TemporaryDirectory() as temp:
        built = build_addin(Path(temp) / ADDIN_NAME, settings)
        if xlstart:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / ADDIN_NAME
            part = folder / (ADDIN_NAME + ".part")
            part.write_bytes(built.read_bytes())
            os.replace(part, target)
        else:
            _xlwings_install(built, folder)
    if platform == sys.platform == "darwin":  # RunPython needs xlwings' AppleScript once
        try:
            from xlwings.cli import runpython_install

            runpython_install(None)
        except Exception as exc:
            raise XladdinError(f"could not enable RunPython for Excel ({exc}); run 'xlwings runpython "
                               "install' once") from None
    return folder / ADDIN_NAME, settings


# --- checking an installation ----------------------------------------------------------------

@dataclass
class Check:
    """One line of ``xladdin addin doctor``: what xlwings' VBA will find, and how to fix it."""

    label: str
    ok: bool
    detail: str
    fix: str = ""


def user_config_path(home: Path, platform: str) -> Path:
    """The user config file xlwings' VBA reads after the add-in's sheet (GetConfigFilePath)."""
    if platform == "darwin":
        return home / "Library/Containers/com.microsoft.Excel/Data" / f"{PROJECT_NAME}.conf"
    return home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"


def read_user_config(path: Path, encoding: str) -> dict[str, str]:
    """The ``"KEY","value"`` lines of a user config file, as VBA's ``Input #`` reads them (in
    the ANSI code page on Windows), keys upper-cased."""
    if not path.exists():
        return {}
    found = {}
    for line in path.read_bytes().decode(encoding, errors="replace").splitlines():
        match = re.match(r'\s*"([^"]*)"\s*,\s*"([^"]*)"', line)
        if match:
            found.setdefault(match.group(1).upper(), match.group(2))
    return found


def config_value(key: str, sheet: dict[str, Any], user: dict[str, str], default: str = "") -> tuple[Any, str]:
    """A setting's value and where it came from, found as xlwings' VBA ``GetConfig`` finds it
    after the active workbook: the add-in sheet (a present key wins, even empty), then the
    user config file, then the default."""
    if key in sheet:
        return ("" if sheet[key] is None else sheet[key]), f"add-in sheet {CONFIG_SHEET}"
    if key in user:
        return user[key], "user config file"
    return default, "xlwings' default"


def effective_python(platform: str, sheet: dict[str, Any], user: dict[str, str]) -> tuple[str, str]:
    """The Python xlwings' VBA starts, replaying RunPython/XLPyLoadDLL: the interpreter key,
    the legacy INTERPRETER key, the bare default, and conda's ``envs`` folder for a bare name."""
    key = "INTERPRETER_WIN" if platform.startswith("win") else "INTERPRETER_MAC"
    value, source = config_value(key, sheet, user)
    if value == "":
        bare = "pythonw" if key.endswith("WIN") else "python"
        value, source = config_value("INTERPRETER", sheet, user, bare)
    value = str(value)
    conda_path = str(config_value("CONDA PATH", sheet, user)[0])
    conda_env = str(config_value("CONDA ENV", sheet, user)[0])
    if platform.startswith("win") and value in ("python", "pythonw") and conda_path and conda_env:
        if conda_env == "base":
            value = f"{conda_path}\\{value}"
        elif "\\" in conda_env:
            value = f"{conda_env}\\{value}"
        else:
            value = f"{conda_path}\\envs\\{conda_env}\\{value}"
        source += " with Conda Path/Conda Env"
        value += ".exe"
    return value, source


def doctor(xlstart: Path | None = None, platform: str | None = None, home: Path | None = None,
           ansi: str | None = None) -> list[Check]:
    """What xlwings' VBA will resolve for the installed add-in, checked against this machine."""
    import locale

    platform = platform or sys.platform
    home = home or Path.home()
    ansi = ansi or (locale.getencoding() if platform.startswith("win") else "utf-8")
    folder = Path(xlstart) if xlstart else xlstart_folder(platform, home)
    path = folder / ADDIN_NAME
    if not path.exists():
        old = home / MAC_OLD_STARTUP / ADDIN_NAME
        stale = f"; the copy in {old.parent} is one Excel does not load" if (
            platform == "darwin" and not xlstart and old.exists()) else ""
        return [Check("add-in", False, f"{path} does not exist{stale}", "run 'xladdin addin install'")]
    rows, stamp = read_addin(path)
    checks = [Check("add-in", True, f"{path} ({stamp or 'no build stamp'})")]
    sheet = {key.upper(): value for key, value in rows}
    user = read_user_config(user_config_path(home, platform), ansi)
    module, source = config_value("UDF MODULES", sheet, user)
    checks.append(Check("UDF Modules", module == UDF_MODULE, f"{module or '(none)'} from {source}",
                        "run 'xladdin addin install'"))
    python, source = effective_python(platform, sheet, user)
    exe = _pure(python, platform)
    exists = exe.is_absolute() and Path(python).exists()
    checks.append(Check("interpreter", exists, f"{python} from {source}",
                        "" if exists else "run 'xladdin addin install' with the Python that has xladdin"))
    if platform.startswith("win"):
        try:
            python.encode(ansi)
            checks.append(Check("ANSI path", True, f"the interpreter path fits code page {ansi}"))
        except UnicodeEncodeError:
            checks.append(Check("ANSI path", False, f"xlwings passes the interpreter path to Windows in "
                                f"the ANSI code page {ansi}, which cannot hold it",
                                "install into a folder whose path has only characters of that code page"))
    built = re.search(r"xlwings VBA (\S+)", stamp)
    vba_version = built.group(1) if built else "unknown"
    if exists:
        checker = exe.with_name("python.exe") if exe.name.lower() == "pythonw.exe" else exe
        probe = "import xlwings, xladdin.excel.udf; print(xlwings.__version__)"
        try:
            ran = subprocess.run([str(checker), "-c", probe], capture_output=True, text=True, timeout=120)
            ok = ran.returncode == 0
            said = ran.stdout.strip() if ok else (ran.stderr.strip().splitlines() or ["no output"])[-1]
        except (OSError, subprocess.TimeoutExpired) as exc:
            ok, said = False, str(exc)
        checks.append(Check("imports", ok, f"xladdin and {UDF_MODULE} import" if ok else said,
                            "" if ok else f"pip install xladdin into {checker}"))
        if ok:
            same = said == vba_version
            checks.append(Check("xlwings", same, f"{said} in the interpreter; the add-in's VBA is built "
                                f"for {vba_version} (pinned: {XLWINGS_VERSION})",
                                "" if same else "run 'xladdin addin install' with that interpreter"))
    if platform.startswith("win") and exists:
        dll = f"xlwings64-{vba_version}.dll"
        places = [Path(str(exe.parent)), Path(str(exe.parent.parent))]
        found = [p for p in places if (p / dll).exists()]
        where = str(found[0]) if found else " or ".join(map(str, places))
        checks.append(Check("xlwings DLL", bool(found), f"{dll} in {where}",
                            "" if found else f"pip install --force-reinstall xlwings=={vba_version}"))
    if platform == "darwin":
        scripts = home / "Library/Application Scripts/com.microsoft.Excel"
        script = scripts / f"xlwings-{vba_version}.applescript"
        checks.append(Check("RunPython", script.exists(), str(script),
                            "" if script.exists() else "run 'xlwings runpython install'"))
    checks.append(Check("note", True, f"a sheet named {CONFIG_SHEET} in the workbook you work in would "
                        f"override all of these; an {CONFIG_SHEET} file beside it, the settings the "
                        "add-in's sheet leaves out"))
    return checks
