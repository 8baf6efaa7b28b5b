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


class WorkbookLock:
    """``with WorkbookLock(path) as lock: ... lock.check_unchanged()`` before the replace."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def __enter__(self) -> WorkbookLock:
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
