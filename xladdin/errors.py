"""Errors and warnings that reach a person.

Every problem with the user's input becomes one sentence that says what is wrong, where
(file, sheet, row, column) and how to fix it. Front ends print it (CLI), put it in a cell
(UDFs) or show it in Excel (ribbon); none of them shows a traceback.
"""

from __future__ import annotations

import errno
import re
import signal
from dataclasses import dataclass, field


class Interrupted:
    """Set when Ctrl-C arrived. Some libraries turn the interrupt into an error of their own
    (pandas' CSV reader reports a failed read); the command still ends as interrupted."""

    seen = False


def on_ctrl_c(signum, frame) -> None:
    """The command's Ctrl-C handler: remember the interrupt and stop the work once."""
    Interrupted.seen = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # one interrupt is enough to stop
    raise KeyboardInterrupt


def finish_uninterrupted() -> None:
    """Called just before a first output replaces its target. Until then Ctrl-C leaves
    everything as it was; from then on the command finishes its remaining outputs, so
    "interrupted; nothing was changed" is never said after something was changed. Only the
    command's own handler is switched off: a host process (Excel, a test run) keeps its own."""
    if signal.getsignal(signal.SIGINT) is on_ctrl_c:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class XladdinError(Exception):
    """Bad input or an impossible request; the message is the whole story for the user."""


class MissingMonthsError(XladdinError):
    """A sum needs months that the raw data does not have."""


@dataclass(frozen=True)
class Finding:
    """One problem found in the input: severity is 'error', 'warning' or 'info'."""

    severity: str
    what: str
    where: str = ""
    fix: str = ""
    #: False for an error --force cannot go past (a sum needs a month the data lack)
    forceable: bool = True

    def line(self) -> str:
        """The one-line form printed by the CLI: ``warning: where: what; fix``."""
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.fix:
            text = f"{text}; {self.fix}"
        return f"{self.severity}: {text}"

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "what": self.what, "where": self.where, "fix": self.fix}


@dataclass
class Findings:
    """An ordered collection of findings gathered while reading and checking data."""

    items: list[Finding] = field(default_factory=list)

    def add(self, severity: str, what: str, where: str = "", fix: str = "", forceable: bool = True) -> None:
        self.items.append(Finding(severity, what, where, fix, forceable))

    def extend(self, other: Findings) -> None:
        self.items.extend(other.items)

    def of(self, severity: str) -> list[Finding]:
        return [f for f in self.items if f.severity == severity]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


_OS_REASONS = {
    errno.ENOSPC: ("the disk is full", "free some space and run the command again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space and run the command again"),
    errno.EFBIG: ("the file would exceed the size this system allows", "write it to another disk"),
    errno.EACCES: ("permission denied", "check the file's and folder's permissions"),
    errno.EPERM: ("the operation is not permitted", "check the file's and folder's permissions"),
    errno.EROFS: ("the disk is read-only", "choose a folder on a writable disk"),
    errno.EISDIR: ("it is a folder, not a file", "name a file"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter name"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.EIO: ("the disk reported an input/output error", "check the disk and try again"),
}


_BREAKS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
LINE_LIMIT = 1000


def one_line(text: str) -> str:
    """A message as one printable line: characters from the data that would break it (line
    separators, control characters) are shown escaped, and a huge quoted value is cut."""
    text = _BREAKS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                       else f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= LINE_LIMIT else f"{text[:LINE_LIMIT - 40]} … {text[-39:]}"


def describe_os_error(exc: OSError, where: object = None) -> str:
    """One sentence for an operating-system error: the place, what happened, what to do."""
    what, fix = _OS_REASONS.get(exc.errno, (exc.strerror or str(exc), "check the path and the disk"))
    place = where if where is not None else exc.filename
    return f"{place}: {what}; {fix}" if place else f"{what}; {fix}"
