"""The Lite workbook runs on what it carries: its main.py and the packages its requirements.txt
names, in a fresh environment where xladdin is not installed, with today's packages and with
the ones of the Pyodide that xlwings Lite runs (0.27: pandas 2.2.3, numpy 2.0.2, pyarrow
18.1.0, lxml 5.2.1).

Each environment is built once and kept under a cache folder (``XLADDIN_TEST_CACHE``,
default ``~/.cache/xladdin-tests``), named by what it installs; pip's own cache makes a
rebuild quick.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.excel_checks import approx
from xladdin.cli import main
from xladdin.lite.webextension import read_properties

ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "tests" / "pyodide" / "pins-0.27.txt"
CACHE = Path(os.environ.get("XLADDIN_TEST_CACHE", Path.home() / ".cache" / "xladdin-tests"))

#: Runs in the fresh environment, next to main.py and the workbook: main.py alone gives the
#: functions; the raw rows reach CHIP_DATA as xlwings Lite passes RawData[#All] (numbers as
#: floats, blank cells as empty strings).
RUN = r"""
import importlib.util, json, runpy, sys
assert importlib.util.find_spec("xladdin") is None, "xladdin must not be installed"
main = runpy.run_path("main.py", run_name="main")
from openpyxl import load_workbook
import pandas, numpy
sheet = load_workbook("L.xlsx", read_only=True)["原始数据"]
raw = [["" if v is None else float(v) if isinstance(v, int) else v for v in row]
       for row in sheet.iter_rows(values_only=True)]
data = main["CHIP_DATA"](raw)
try:
    import pyarrow
except ImportError:
    pyarrow = None
out = {"from": sys.modules["xladdin"].__file__, "pandas": pandas.__version__, "numpy": numpy.__version__,
       "pyarrow": pyarrow and pyarrow.__version__}
for flow in ("出口", "进口"):
    for span in ("当月", "累计"):
        out[flow + span] = main["CHIP_VALUE"](data, flow, None, None, None, None, span)
        out[flow + span + "yoy"] = main["CHIP_YOY"](data, flow, None, None, None, None, span)
out["table1"] = main["CHIP_TABLE"](data, 1.0)
# the 刷新月报 script, on the small fake of Lite's async book the other tests use
import asyncio, contextlib, io
from fake_xlwings import FakeBook
book, said = FakeBook("L.xlsx"), io.StringIO()
with contextlib.redirect_stdout(said):
    asyncio.run(main["refresh_report"](book))
out["script"] = said.getvalue().splitlines()
out["blocks"] = sorted({str(write[0]) for write in book.writes})
print(json.dumps(out, ensure_ascii=False, default=str))
"""


@pytest.fixture(scope="module")
def lite_files(tmp_path_factory) -> Path:
    """main.py and requirements.txt of ``init --demo --lite``'s workbook, with the workbook."""
    folder = tmp_path_factory.mktemp("standalone")
    book = folder / "L.xlsx"
    assert main(["init", str(book), "--demo", "--lite"]) == 0
    props = read_properties(book)
    (folder / "main.py").write_text(props["main.py"], encoding="utf-8")
    (folder / "requirements.txt").write_text(props["requirements.txt"], encoding="utf-8")
    (folder / "run.py").write_text(RUN, encoding="utf-8")
    shutil.copy(ROOT / "tests" / "fake_xlwings.py", folder)
    return folder


def environment(requirements: Path, pins: Path | None) -> Path:
    """A venv with requirements.txt's packages exactly as the file names them (Lite's own
    runtime lines included: all four are on PyPI), and nothing of xladdin. With ``pins``,
    Pyodide 0.27's versions, and its pyarrow too (optional: the current environment has
    none, so both of the engine's paths run)."""
    key = hashlib.sha256(requirements.read_bytes() + (pins.read_bytes() if pins else b"")
                         + sys.version.encode()).hexdigest()[:16]
    venv = CACHE / f"lite-{key}"
    python = venv / "bin" / "python"
    if (venv / "ready").exists():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    command = [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)]
    done = subprocess.run(command + (["pyarrow", "-c", str(pins)] if pins else []), capture_output=True,
                          text=True, timeout=1200)
    # no skip: a line no index can satisfy (xladdin itself, say) is exactly what must fail here
    assert done.returncode == 0, f"requirements.txt does not install: {done.stderr[-1500:]}"
    (venv / "ready").write_text("ok")
    return python


@pytest.mark.parametrize("pins", [None, PINS], ids=["current", "pyodide-0.27"])
def test_main_py_alone_equals_tables_json(lite_files, tables_json, pins):
    python = environment(lite_files / "requirements.txt", pins)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(python), "run.py"], cwd=lite_files, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.splitlines()[-1])
    assert ".zip" in out["from"] and str(ROOT) not in out["from"], out["from"]
    if pins is not None:
        assert (out["pandas"], out["numpy"], out["pyarrow"]) == ("2.2.3", "2.0.2", "18.1.0")
    else:
        assert out["pyarrow"] is None and out["pandas"] >= "3"  # requirements.txt asks for no pyarrow
    rows = {row["key"]: row for row in tables_json["1"]}
    for flow, key in (("出口", "export"), ("进口", "import")):
        for span, part in (("当月", "month"), ("累计", "ytd")):
            assert out[flow + span] == approx(rows[key][part]["value"]), (flow, span)
            assert out[flow + span + "yoy"] == approx(rows[key][part]["yoy"]), (flow, span)
    assert len(out["table1"]) == len(tables_json["1"])
    assert out["script"][-1].startswith("芯片月报：已刷新 2025-07"), out["script"]
    assert {"表1", "表7", "封面"} <= set(out["blocks"]), out["blocks"]
