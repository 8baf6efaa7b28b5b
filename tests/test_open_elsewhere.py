"""A workbook open in Excel or LibreOffice (its owner file beside it) is not replaced: the
program's next save would silently undo the import, refresh or Lite update."""

from __future__ import annotations

import shutil

import pytest

from xladdin.cli import main
from xladdin.engine.load import sample_path


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    path = tmp_path_factory.mktemp("open") / "月报 七月.xlsx"
    assert main(["init", str(path), "--demo"]) == 0
    return path


@pytest.mark.parametrize("owner,program", [("~${}", "Excel"), (".~lock.{}#", "LibreOffice")])
@pytest.mark.parametrize("command", ["refresh", "import", "lite update"])
def test_a_workbook_open_elsewhere_is_refused(made, tmp_path, capsys, owner, program, command):
    work = tmp_path / made.name
    shutil.copy(made, work)
    (tmp_path / owner.format(work.name)).write_bytes(b"someone")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = {"refresh": ["refresh", str(work)], "lite update": ["lite", "update", str(work)],
            "import": ["import", str(sample_path()), "--into", str(work)]}[command]
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"the workbook is open in {program}" in err[0], err
    assert f"delete {owner.format(work.name)}" in err[0]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_through_a_link_the_owner_file_beside_the_target_counts(made, tmp_path, capsys):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "m.xlsx"
    shutil.copy(made, target)
    (tmp_path / "real" / "~$m.xlsx").write_bytes(b"someone")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    before = target.read_bytes()
    assert main(["refresh", str(link)]) == 2
    assert "open in Excel (~$m.xlsx" in capsys.readouterr().err
    assert target.read_bytes() == before and link.is_symlink()
