"""How a run can end, beyond bad input: a closed pipe, Ctrl-C, a full disk, two writers on one
workbook. Each ends with at most one `error:` sentence, never a traceback or a lost row.

These run the real command in a subprocess where the ending is the process's own (signals,
file-size limits, concurrent processes).
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xladdin.cli import main, parser
from xladdin.engine.load import sample_path
from xladdin.engine.raw import read_xlsx_table

COMMAND = [sys.executable, "-m", "xladdin"]


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([*COMMAND, "tables", "--demo", "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # what `| head -1` does, before a line is written
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert err == "" and proc.returncode == 141


def _loading_libraries(pid: int) -> bool:
    """The process has got past Python's own start-up and is loading numpy (from xladdin)."""
    try:
        return "numpy" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.parametrize("moment", ["loading libraries", 0.5, 1.0, 1.5, 2.5])
def test_ctrl_c_at_any_moment_is_one_line(moment, tmp_path):
    out = tmp_path / "out.xlsx"
    proc = subprocess.Popen([*COMMAND, "build", str(sample_path()), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if moment == "loading libraries":
        while not _loading_libraries(proc.pid) and proc.poll() is None:
            time.sleep(0.002)
    else:
        time.sleep(moment)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    text = err.decode()
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    if proc.returncode != 0:  # it may have finished first
        assert proc.returncode == 130 and text.splitlines() == ["error: interrupted; nothing was changed"]
        assert list(tmp_path.iterdir()) == []


def _small_files(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("command", ["init", "build"])
def test_a_full_disk_is_one_line_and_leaves_nothing(command, tmp_path):
    out = tmp_path / "out.xlsx"
    argv = ["init", str(out), str(sample_path())] if command == "init" else \
        ["build", str(sample_path()), "-o", str(out), "--include-raw"]
    proc = subprocess.run([*COMMAND, *argv], capture_output=True, timeout=300, preexec_fn=_small_files(60_000))
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith(f"error: {out}: could not write the workbook: the file would exceed"), err
    assert list(tmp_path.iterdir()) == []  # no .tmp, no .tmp.plain


def test_no_space_left_is_a_sentence(tmp_path, monkeypatch, capsys):
    from openpyxl import Workbook

    def full(self, filename):
        Path(filename).write_bytes(b"PK")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    assert main(["demo", "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"error: {tmp_path / 'out.xlsx'}: could not write the workbook: the disk is "
                                "full; free some space and run the command again"]
    assert list(tmp_path.iterdir()) == []


def test_every_argument_has_help():
    missing = []
    for name, sub in parser()._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            if action.dest != "help" and not action.help:
                missing.append(f"{name} {action.dest}")
    assert missing == []


def test_audit_offers_only_options_that_apply(capsys):
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    text = capsys.readouterr().out
    assert "--flow" in text and "--period" in text
    for option in ("--net-yoy", "--top", "--never-rank", "--force"):
        assert option not in text


def _monthly(tmp_path: Path) -> Path:
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), str(sample_path())]) == 0
    return work


def _download(tmp_path: Path, name: str, partner: str) -> Path:
    path = tmp_path / name
    path.write_text(f"period,flow,hs_code,partner_code,value_usd\n202508,出口,8542,{partner},1234\n",
                    encoding="utf-8")
    return path


def test_a_workbook_changed_meanwhile_is_not_overwritten(tmp_path, monkeypatch, capsys):
    import xladdin.jobs.importing as importer

    work = _monthly(tmp_path)
    reading = importer.read_xlsx_table

    def read_then_someone_saves(path, *args):
        table = reading(path, *args)
        os.utime(work, ns=(time.time_ns(), time.time_ns() + 10**9))  # another program saved it
        return table

    monkeypatch.setattr(importer, "read_xlsx_table", read_then_someone_saves)
    before = work.read_bytes()
    capsys.readouterr()
    assert main(["import", str(_download(tmp_path, "a.csv", "133")), "--into", str(work)]) == 2
    err = capsys.readouterr().err
    assert "the workbook was changed by another program while xladdin was working, so nothing was " \
           "written" in err
    assert work.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "月报.xlsx"]


def test_two_imports_at_once_lose_no_rows(tmp_path):
    work = _monthly(tmp_path)
    rows = len(read_xlsx_table(work)[0])
    downloads = [_download(tmp_path, f"{p}.csv", p) for p in ("133", "116", "304")]
    procs = [subprocess.Popen([*COMMAND, "import", str(d), "--into", str(work)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for d in downloads]
    ends = [(p.wait(timeout=300), p.stderr.read().decode()) for p in procs]
    table = read_xlsx_table(work)[0]
    done = [d.stem for d, (status, _) in zip(downloads, ends) if status == 0]
    for status, err in ends:
        assert status in (0, 2) and "Traceback" not in err
        if status == 2:
            assert "another xladdin import or refresh is writing this workbook" in err
    assert done  # at least one got through, and every one that said so is in the workbook
    assert len(table) == rows + len(done)
    assert set(table[table["数据年月"] == "202508"]["贸易伙伴编码"]) == set(done)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    shutil.rmtree(tmp_path)


def test_an_interrupt_a_library_reports_as_its_own_error_still_ends_as_interrupted(monkeypatch, capsys):
    """pandas' CSV reader turns Ctrl-C into 'Calling read(nbytes) on source failed'."""
    import xladdin.engine.raw as raw_module
    from xladdin.errors import Interrupted, XladdinError

    def swallowed(path):
        Interrupted.seen = True  # what the Ctrl-C handler of `xladdin` records
        raise XladdinError("raw_sample.csv: not a readable CSV table (Calling read(nbytes) on source failed)")

    monkeypatch.setattr(raw_module, "read_csv_table", swallowed)
    monkeypatch.setattr(Interrupted, "seen", False)
    assert main(["tables", str(sample_path())]) == 130
    assert capsys.readouterr().err == "error: interrupted; nothing was changed\n"


def test_ctrl_c_before_the_first_output_changes_nothing_and_after_it_is_ignored(tmp_path):
    """Deterministic twin of the timed test above: an interrupt while the workbook is being
    written leaves no file; once the first output replaces its target the command finishes."""
    import os

    from xladdin.errors import Interrupted, on_ctrl_c
    from xladdin.files.workbook import write_atomic

    def interrupted_write(temp: str) -> None:
        Path(temp).write_bytes(b"half")
        os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_atomic(tmp_path / "a.xlsx", interrupted_write)
        assert list(tmp_path.iterdir()) == []

        signal.signal(signal.SIGINT, on_ctrl_c)
        write_atomic(tmp_path / "b.xlsx", lambda temp: Path(temp).write_bytes(b"whole"))
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)  # ignored: no KeyboardInterrupt from here on
        assert (tmp_path / "b.xlsx").read_bytes() == b"whole"
    finally:
        signal.signal(signal.SIGINT, previous)
        Interrupted.seen = False
