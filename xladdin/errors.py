"""Errors and warnings that reach a person.

Every problem with the user's input becomes one sentence that says what is wrong, where
(file, sheet, row, column) and how to fix it. Front ends print it (CLI), put it in a cell
(UDFs) or show it in Excel (ribbon); none of them shows a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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

    def add(self, severity: str, what: str, where: str = "", fix: str = "") -> None:
        self.items.append(Finding(severity, what, where, fix))

    def extend(self, other: Findings) -> None:
        self.items.extend(other.items)

    def of(self, severity: str) -> list[Finding]:
        return [f for f in self.items if f.severity == severity]

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
