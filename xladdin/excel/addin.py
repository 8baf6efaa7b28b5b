"""The Excel add-in: the 刷新月报 ribbon button, and building and installing xladdin.xlam.

The add-in is xlwings' ribbon quickstart add-in (``xlwings quickstart NAME --addin --ribbon``)
with its ribbon rewritten and its configuration sheet filled in. Its VBA callback runs
``import xladdin; xladdin.main()`` (the module is the add-in file's name), which refreshes
the active workbook through ``refresh_book``.
"""

from __future__ import annotations

import os
import sys
import zipfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from xladdin.errors import XladdinError

ADDIN_NAME = "xladdin.xlam"
#: The quickstart add-in's VBA project is called myaddin: its config sheet and user config
#: file are named after it (``myaddin.conf``, ``~/.myaddin/myaddin.conf``).
PROJECT = "myaddin"
CALLBACK = "RibbonMyAddin.RunMain"
UDF_MODULE = "xladdin.excel.udf"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)  # zip timestamps, so builds are byte-identical

CUSTOM_UI = f"""<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="xladdinTab" label="芯片月报">
        <group id="xladdinGroup" label="中国芯片产品贸易月度监测报告">
          <button id="xladdinRefresh" label="刷新月报 / Refresh" size="large" imageMso="Refresh"
                  screentip="刷新月报"
                  supertip="用本工作簿的“原始数据”和“设置”重新计算表1–表7，并保存发布版（仅数值）。"
                  onAction="{CALLBACK}" />
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


@dataclass
class RefreshReport:
    period: str
    finished: Path
    warnings: list[str] = field(default_factory=list)


def main() -> None:
    """The ribbon button: refresh the workbook the button was clicked in."""
    import xlwings as xw

    refresh_book(xw.Book.caller())


def refresh_book(book: Any) -> RefreshReport | None:
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
    message = f"芯片月报：已刷新 {report.period}；发布版已保存为 {report.finished.name}"
    app.status_bar = message + (f"（{len(report.warnings)} 条提示）" if report.warnings else "")
    if report.warnings:
        app.alert("\n".join(report.warnings[:10]), title="芯片月报：数据提示", buttons="ok", mode="info")
    return report


def _refresh(book: Any) -> RefreshReport:
    # Imported here, not at the top: every click starts Python afresh (RunPython), and the
    # status bar should say what is happening before the engine's libraries are loaded.
    from xladdin.engine.audit import audit, stop_on_errors
    from xladdin.engine.load import from_raw
    from xladdin.excel.live import (
        CACHE,
        XlwingsBackend,
        publication_from_book,
        raw_from_book,
        settings_from_book,
    )
    from xladdin.files.workbook import finished_name
    from xladdin.jobs import report_period, write_finished
    from xladdin.report.render import apply, build_plan

    raw = raw_from_book(book)
    period, settings = settings_from_book(book)
    engine = from_raw(raw, settings)
    period = report_period(engine, period)
    found = audit(engine.model, period)
    stop_on_errors(found, force=False)
    publication = publication_from_book(book)
    plan = build_plan(engine, period, publication)
    app = book.app
    app.screen_updating = False
    try:
        apply(plan, XlwingsBackend(book))
    finally:
        app.screen_updating = True
    if not book.fullname or not os.path.isabs(book.fullname):
        raise XladdinError("the tables are refreshed, but the workbook has never been saved, so the "
                           "finished copy has no folder: save the workbook and click 刷新月报 again")
    finished = finished_name(Path(book.fullname))
    write_finished(engine, period, finished, publication=publication)
    CACHE.drop(book)
    app.calculate()  # the CHIP_* cells pick up the new data
    return RefreshReport(period, finished, [f.line() for f in found if f.severity == "warning"])


# --- building and installing the add-in ------------------------------------------------------

def quickstart_addin() -> Path:
    """The ribbon add-in template that xlwings ships for ``quickstart --addin --ribbon``."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.exists():
        raise XladdinError(f"xlwings {xlwings.__version__} ships no quickstart_addin_ribbon.xlam; "
                           "install xlwings 0.22 or newer")
    return path


def _config_sheet(xml: str) -> str:
    """Fill the add-in's config sheet: UDF Modules = xladdin.excel.udf, Use UDF Server = True."""
    row6 = '<row r="6" spans="1:1" ht="15.75"><c r="A6" s="1" t="s"><v>1</v></c></row>'
    use_server = '<c r="B8" s="1" t="b"><v>0</v></c>'
    if row6 not in xml or use_server not in xml:
        raise XladdinError("the xlwings quickstart add-in's config sheet is not laid out as expected; "
                           "build with the xlwings version named in pyproject.toml")
    xml = xml.replace(row6, '<row r="6" spans="1:2" ht="15.75"><c r="A6" s="1" t="s"><v>1</v></c>'
                            f'<c r="B6" s="1" t="inlineStr"><is><t>{escape(UDF_MODULE)}</t></is></c></row>')
    return xml.replace(use_server, '<c r="B8" s="1" t="b"><v>1</v></c>')


def build_addin(out: Path) -> Path:
    """Write xladdin.xlam: xlwings' ribbon quickstart add-in, our ribbon, our configuration."""
    out = Path(out)
    if out.name != ADDIN_NAME:
        raise XladdinError(f"{out}: the add-in must be called {ADDIN_NAME}, because its button runs "
                           "'import <file name>; <file name>.main()'")
    if not out.parent.exists():
        raise XladdinError(f"{out.parent} does not exist; create the folder first")
    source = quickstart_addin()
    temp = out.with_suffix(".xlam.tmp")
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "customUI/customUI.xml":
                data = CUSTOM_UI.encode("utf-8")
            elif item.filename == "xl/workbook.xml":
                data = data.replace(f'name="_{PROJECT}.conf"'.encode(), f'name="{PROJECT}.conf"'.encode())
            elif item.filename == "xl/worksheets/sheet1.xml":
                data = _config_sheet(data.decode("utf-8")).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    os.replace(temp, out)
    return out


def xlstart_folder() -> Path:
    """Where Excel opens add-ins from at start-up, per platform."""
    if sys.platform.startswith("win"):
        return Path(os.environ.get("APPDATA", Path.home())) / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return Path.home() / "Library/Containers/com.microsoft.Excel/Data/Library/Application Support/Microsoft/Office/XLSTART"  # noqa: E501
    raise XladdinError("Excel add-ins install on Windows or macOS; on this system use 'xladdin build' "
                       "and 'xladdin refresh' instead (or pass --xlstart DIR to copy the add-in anyway)")


def _xlwings_install() -> Path:
    """Build the add-in and hand it to xlwings' own installer (which also closes and reloads
    it in a running Excel)."""
    import argparse
    import tempfile

    folder = xlstart_folder()  # refuses on systems without Excel
    with tempfile.TemporaryDirectory() as temp:
        built = build_addin(Path(temp) / ADDIN_NAME)
        try:
            from xlwings.cli import addin_install

            addin_install(argparse.Namespace(file=str(built), dir=None, glob=False))
        except Exception as exc:
            raise XladdinError(f"xlwings could not install the add-in ({exc}); close Excel and try "
                               "again, or copy xladdin.xlam into Excel's XLSTART folder") from None
    return folder / ADDIN_NAME


def user_config_path(home: Path | None = None) -> Path:
    """The user config file the add-in's VBA reads (named after its VBA project)."""
    home = home or Path.home()
    if sys.platform == "darwin":
        return home / "Library/Containers/com.microsoft.Excel/Data" / f"{PROJECT}.conf"
    return home / f".{PROJECT}" / f"{PROJECT}.conf"


def install_addin(xlstart: Path | None = None, config: Path | None = None,
                  interpreter: str | None = None) -> tuple[Path, Path]:
    """``xlwings addin install --file xladdin.xlam`` plus the add-in's configuration: the add-in
    in Excel's XLSTART folder (or ``xlstart``), and a user config naming this Python and the
    function module."""
    if xlstart:
        folder = Path(xlstart)
        folder.mkdir(parents=True, exist_ok=True)
        target = build_addin(folder / ADDIN_NAME)
    else:
        target = _xlwings_install()
    config = Path(config) if config else user_config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    python = interpreter or sys.executable
    if sys.platform.startswith("win") and python.lower().endswith("python.exe"):
        python = python[:-len("python.exe")] + "pythonw.exe"
    lines = {"INTERPRETER_WIN": python if sys.platform.startswith("win") else "",
             "INTERPRETER_MAC": python if sys.platform == "darwin" else "",
             "UDF MODULES": UDF_MODULE, "USE UDF SERVER": "True"}
    config.write_text("".join(f'"{k}","{v}"\n' for k, v in lines.items()), encoding="utf-8")
    if sys.platform == "darwin":  # RunPython needs xlwings' AppleScript once per machine
        try:
            from xlwings.cli import runpython_install

            runpython_install(None)
        except Exception as exc:
            raise XladdinError(f"could not enable RunPython for Excel ({exc}); run 'xlwings runpython "
                               "install' once") from None
    return target, config
