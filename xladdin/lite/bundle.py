"""The main.py of an xlwings Lite workbook: xladdin's code travels inside it.

Lite installs what ``requirements.txt`` names from Pyodide's own packages or PyPI; xladdin is
on neither (and must never be fetched by name from an index), so ``main.py`` carries the
package as a zip, base64-encoded at its end. On import it writes the zip to Pyodide's
in-memory temp folder once, puts it on ``sys.path`` (``zipimport``: the package's CSVs and
word files are read through ``importlib.resources``, which reads inside zips) and imports the
cell functions and the 刷新月报 script from ``xladdin.lite``, where Lite finds them.

Only what the Lite edition imports is packed: not the command line, the desktop add-in and
its VBA writers, the Word edition or the sample generator (about a quarter of the size).
"""

from __future__ import annotations

import base64
import io
import re
import textwrap
import zipfile
from pathlib import Path

from xladdin.excel.functions import FUNCTIONS, SCRIPTS, main_py_imports
from xladdin.version import __version__

#: Files and folders of the package (relative to it) that the Lite edition never imports.
LEFT_OUT = {"cli.py", "__main__.py", "jobs", "sample", "excel/addin.py", "excel/vba.py", "excel/ovba.py",
            "excel/cfb.py", "files/word.py", "lite/bundle.py",
            "lite/workbook.py", "lite/webextension.py"}
PACKED_SUFFIXES = {".py", ".csv", ".toml", ".json"}
#: The line of main.py that says which xladdin it carries (``embedded_version`` reads it).
VERSION_LINE = re.compile(r'^XLADDIN_VERSION = "([^"]+)"$', re.M)


def package_zip() -> bytes:
    """The xladdin package as the Lite edition needs it, zipped reproducibly (fixed order and
    dates, so the same code gives the same main.py)."""
    root = Path(__file__).parent.parent  # the package's folder
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if (path.is_dir() or path.suffix not in PACKED_SUFFIXES or "__pycache__" in rel.parts
                    or any(rel.as_posix() == p or rel.as_posix().startswith(p + "/") for p in LEFT_OUT)):
                continue
            info = zipfile.ZipInfo(f"xladdin/{rel.as_posix()}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, path.read_bytes())
    return buffer.getvalue()


def registered_names() -> list[str]:
    """What main.py imports from ``xladdin.lite``: the declared cell functions
    (``xladdin.excel.functions``) and the 刷新月报 script, the names Lite registers."""
    return sorted(f.name for f in FUNCTIONS) + list(SCRIPTS)


HEADER = '''"""中国芯片产品贸易月度监测报告: the xlwings Lite code of this workbook (xladdin {version}).

The cell functions and the 刷新月报 script are xladdin's:
{functions}
The xladdin package travels inside this file (the zip at its end), so the workbook needs
nothing but the packages requirements.txt names, all of them from Pyodide or PyPI.

To update the code to the xladdin installed on a computer, close the workbook and run
    xladdin lite update WORKBOOK.xlsx
That replaces this file: keep your own code in another workbook or below a copy of it.
"""

import base64
import hashlib
import os
import sys
import tempfile

XLADDIN_VERSION = "{version}"


def _mount_xladdin(encoded: str) -> None:
    """Write the embedded package to the temp folder (once per content) and put it first on
    sys.path, where Python's zipimport reads it."""
    data = base64.b64decode(encoded)
    digest = hashlib.sha256(data).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), f"xladdin-{{XLADDIN_VERSION}}-{{digest}}.zip")
    if not os.path.exists(path) or os.path.getsize(path) != len(data):
        with open(path + ".part", "wb") as handle:
            handle.write(data)
        os.replace(path + ".part", path)
    if path not in sys.path:
        sys.path.insert(0, path)


# The functions and the script Lite registers are imported at the end, after the package.
'''


def main_py() -> str:
    """The workbook's main.py for the installed xladdin: header, package, imports."""
    names = registered_names()
    encoded = "\n".join(textwrap.wrap(base64.b64encode(package_zip()).decode("ascii"), 100))
    functions = textwrap.fill(", ".join(n for n in names if n.isupper()), 92, initial_indent="    ",
                              subsequent_indent="    ")
    return (HEADER.format(version=__version__, functions=functions)
            + f'\n_XLADDIN_ZIP = """\n{encoded}\n"""\n\n_mount_xladdin(_XLADDIN_ZIP)\n\n'
            + main_py_imports())


def embedded_version(main: str) -> str | None:
    """The xladdin version a workbook's main.py carries; None for main.py written before the
    code travelled inside it (it imported xladdin from an index) or by hand."""
    found = VERSION_LINE.search(main)
    return found.group(1) if found else None
