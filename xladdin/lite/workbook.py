"""The xlwings Lite part of a monthly workbook: main.py (with xladdin inside) and
requirements.txt, stored as Excel stores them (``xladdin lite update``, in jobs/, re-embeds them)."""

from __future__ import annotations

import re
import uuid
import zipfile
from importlib import metadata
from pathlib import Path

from xladdin.errors import XladdinError
from xladdin.lite.bundle import embedded_version, main_py, registered_names
from xladdin.lite.webextension import embed, extension_id, part_xml, read_properties
from xladdin.version import __version__

#: xlwings Lite's id in the Office add-in store.
STORE_ID = "wa200008175"
#: What Excel-saved Lite workbooks record about the runtime that saved them (the newest public
#: ones: Pyodide 0.27.5, add-in 1.0.0.0-18); Lite writes its own values when it saves.
PYODIDE_VERSION = "0.27.5"
ADDIN_VERSION = "1.0.0.0-18"
#: The lines Lite itself puts first and marks ``# required`` (python-dotenv as the newest
#: Excel-saved files pin it); xlwings is the release ``xladdin.lite`` is written for.
REQUIRED = ("xlwings=={xlwings}", "python-dotenv==1.1.1", "pyodide-http", "black")
#: What the embedded package imports: pandas and lxml from Pyodide's own packages (0.27: pandas
#: 2.2.3, lxml 5.2.1), openpyxl (pure Python) from PyPI. pyarrow is optional and not asked for.
PACKAGES = ("pandas>=2.2.3", "openpyxl>=3.1", "lxml>=4.9")
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_FORMULA = re.compile(rb"(<(?:\w+:)?f\b[^>]*>)([^<]*)(</(?:\w+:)?f>)")
_CALL = re.compile(rb"(?<![A-Za-z0-9_.])(CHIP_[A-Z0-9_]+\()")
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def _package(line: str) -> str | None:
    found = _NAME.match(line.split("#", 1)[0])
    return found.group(1).lower().replace("_", "-") if found else None


def requirements_txt(previous: str = "") -> str:
    """Lite's required lines in the form Lite writes them, then the packages xladdin needs;
    lines of a ``previous`` requirements.txt that name other packages (the analyst's) are
    kept below. xladdin itself is never named: its code is in main.py."""
    ours = [line.format(xlwings=metadata.version("xlwings")) + "  # required" for line in REQUIRED]
    ours += PACKAGES
    named = {_package(line) for line in ours} | {"xladdin"}
    kept = [line for line in previous.splitlines() if line.strip() and _package(line) not in named]
    return "\n".join(ours + kept) + "\n"


def lite_properties(previous: dict[str, str] | None = None) -> dict[str, str]:
    """The part's properties, the four Excel-saved Lite workbooks hold, in their order; the
    recorded runtime versions and any other property (Lite's settings, an older xladdin's
    ``xlwingsWorkbookId``) are kept from ``previous``."""
    previous = previous or {}
    props = {"main.py": main_py(),
             "pyodideVersion": previous.get("pyodideVersion", PYODIDE_VERSION),
             "addinVersion": previous.get("addinVersion", ADDIN_VERSION),
             "requirements.txt": requirements_txt(previous.get("requirements.txt", ""))}
    return props | {k: v for k, v in previous.items() if k not in props}


def lite_formulas(name: str, data: bytes) -> bytes | None:
    """A worksheet whose formulas call ``CHIP_…`` with each call as Excel stores an add-in's
    custom function (``_xldudf_CHIP_…``), so Excel binds it to Lite's function on open; None
    when the sheet has no such call."""
    if not _SHEET.fullmatch(name) or b"CHIP_" not in data:
        return None
    new = _FORMULA.sub(lambda m: m[1] + _CALL.sub(rb"_xldudf_\1", m[2]) + m[3], data)
    return new if new != data else None


def embed_lite(path: Path) -> None:
    """Give the workbook at ``path`` its xlwings Lite part (replacing any, keeping its ids and
    the analyst's requirements), and its CHIP_ formulas Excel's stored form."""
    path = Path(path)
    previous = lite_part(path)
    if previous is not None and "main.py" not in previous:
        raise XladdinError(f"{path.name}: the workbook holds another Office add-in's part, not xlwings "
                           "Lite's; xladdin does not replace it")
    if previous is not None and previous["main.py"].strip() and not _is_xladdins(previous["main.py"]):
        raise XladdinError(f"{path.name}: its xlwings Lite code (main.py) is not xladdin's, and xladdin "
                           "does not replace another program's code; make a monthly workbook with "
                           "'xladdin init WORKBOOK.xlsx RAW... --lite' instead")
    part = part_xml(STORE_ID, extension_id(path) or str(uuid.uuid4()).upper(), lite_properties(previous),
                    functions=any(n.isupper() for n in registered_names()))
    embed(path, part, lite_formulas)


def _is_xladdins(main: str) -> bool:
    """Whether a workbook's main.py is xladdin's: it carries the package (0.2.0 on), or it
    imports the functions from an installed xladdin (0.1.0). A blank main.py is no one's
    code: ``embed_lite`` fills it as it would a workbook without the part."""
    return embedded_version(main) is not None or "from xladdin.lite import" in main


def lite_part(path: Path) -> dict[str, str] | None:
    """The properties of the workbook's Lite part (None: it has none); an unreadable file is
    a sentence."""
    try:
        return read_properties(path)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        raise XladdinError(f"{path.name}: not a readable xlsx workbook; save it again in Excel") from None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def stale_note(path: Path) -> str | None:
    """One line when the workbook's Lite code is older than the installed xladdin (or still
    asks an index for xladdin), for ``refresh`` to print; None otherwise."""
    try:
        props = read_properties(path) or {}  # None: no Lite part
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    if "main.py" not in props or not _is_xladdins(props["main.py"]):
        return None  # no Lite code, or another program's
    old = embedded_version(props["main.py"])
    if old is not None and _version_key(old) >= _version_key(__version__):
        return None
    name = Path(path).name
    if old is None:
        return (f"note: the xlwings Lite code in {name} asks a package index for xladdin, which Lite "
                f"cannot install; run 'xladdin lite update {name}' to embed xladdin {__version__} in it")
    return (f"note: the xlwings Lite code in {name} is xladdin {old}, older than the installed "
            f"xladdin {__version__}; run 'xladdin lite update {name}' to bring it up to date")
