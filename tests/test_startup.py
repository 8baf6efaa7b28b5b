"""Start-up stays light: the command's help, version and argument errors, and the ribbon's
first Python lines, do not load pandas (or the other heavy libraries): every click of the
ribbon button starts Python afresh."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = {"pandas", "numpy", "openpyxl", "lxml", "fastexcel", "pyarrow"}


def loaded_after(code: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """Run ``code`` in a fresh Python; the top-level modules loaded by then (even if it exits)."""
    body = "".join(f"    {line}\n" for line in code.splitlines())
    probe = (f"import sys\ntry:\n{body}finally:\n"
             "    print(' '.join(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    return set(done.stderr.strip().splitlines()[-1].split()), done


@pytest.mark.parametrize("argv, status", [(["--version"], 0), (["--help"], 0), (["build", "--help"], 0),
                                           (["frobnicate"], 2), (["build", "--top"], 2)])
def test_command_line_answers_without_heavy_imports(argv, status):
    modules, done = loaded_after(f"from xladdin.cli import main\nmain({argv!r})")
    assert done.returncode == status, done.stderr
    assert "xladdin" in modules and not modules & HEAVY, modules & HEAVY


def test_ribbon_entry_point_loads_no_engine_before_it_needs_data():
    modules, done = loaded_after("import xladdin\nimport xladdin.excel.addin\nxladdin.main")
    assert done.returncode == 0, done.stderr
    assert "xladdin" in modules and not modules & HEAVY, modules & HEAVY


def test_the_probe_sees_a_command_that_reads_data_load_pandas():
    modules, done = loaded_after("from xladdin.cli import main\n"
                                 "main(['tables', '--demo', '--period', '2025-07', '--table', '1'])")
    assert done.returncode == 0, done.stderr
    assert "pandas" in modules and "出口" in done.stdout


def test_the_version_is_written_once():
    """pyproject.toml takes the version from xladdin/version.py (what the Lite header, the
    add-in and the raw cache name), so the installed package's metadata says the same."""
    from importlib.metadata import version
    from pathlib import Path

    from xladdin.version import __version__

    text = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text and 'attr = "xladdin.version.__version__"' in text
    assert version("xladdin") == __version__
