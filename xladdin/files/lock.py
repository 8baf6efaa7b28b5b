"""One writer per workbook: ``import`` and ``refresh`` read, change and replace a file.

Two of them on one workbook at the same time would each write their own version and one
would silently lose the other's rows. A writer holds an exclusive lock on the workbook
(``flock``, where the system has it) and, before it replaces the file, checks that nothing
else changed it since it was read (Excel, for one, takes no such lock).
"""

from __future__ import annotations

import os
from pathlib import Path

from xladdin.errors import XladdinError, describe_os_error

try:
    import fcntl
except ImportError:  # Windows: the change check below still holds
    fcntl = None


def _stamp(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


#: The owner files an office program keeps beside a workbook it has open: Excel's ``~$name``,
#: LibreOffice's ``.~lock.name#``. A file written meanwhile is overwritten by the program's next
#: save (Excel on macOS and LibreOffice take no lock that would stop the replace).
OWNER_FILES = (("Excel", "~${}"), ("LibreOffice", ".~lock.{}#"))


def check_not_open(path: Path) -> None:
    """Refuse a workbook another program has open, found by its owner file (also beside the
    target of a link); a stale one, left by a crash, is named so it can be deleted."""
    for folder, name in {(Path(path).parent, Path(path).name),
                         (Path(os.path.realpath(path)).parent, Path(os.path.realpath(path)).name)}:
        for program, pattern in OWNER_FILES:
            owner = folder / pattern.format(name)
            if os.path.lexists(owner):  # False, not an error, where the owner's name is too long
                raise XladdinError(f"{path}: the workbook is open in {program} ({owner.name} is beside "
                                   f"it), whose next save would undo this; close it there and run the "
                                   f"command again (if {program} is not running, delete {owner.name})")


class WorkbookLock:
    """``with WorkbookLock(path) as lock: ... lock.check_unchanged()`` before the replace."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def __enter__(self) -> WorkbookLock:
        check_not_open(self.path)
        if fcntl is None:  # no lock to hold (and an open file could not be replaced)
            self.stamp = _stamp(os.stat(self.path))
            return self
        try:
            self.fd = os.open(self.path, os.O_RDONLY)
        except OSError as exc:
            raise XladdinError(describe_os_error(exc, self.path)) from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.__exit__()
            raise XladdinError(f"{self.path}: another xladdin import or refresh is writing this "
                               "workbook; wait until it has finished and run the command again") from None
        self.stamp = _stamp(os.fstat(self.fd))
        return self

    def check_unchanged(self) -> None:
        """Refuse to replace a workbook that changed (or was replaced) since it was read."""
        try:
            now = _stamp(os.stat(self.path))
        except OSError as exc:
            raise XladdinError(describe_os_error(exc, self.path)) from None
        if now != self.stamp:
            raise XladdinError(f"{self.path}: the workbook was changed by another program while "
                               "xladdin was working, so nothing was written; close it there and run "
                               "the command again")

    def __exit__(self, *exc_info) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None
