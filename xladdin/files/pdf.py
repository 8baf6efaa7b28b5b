"""The Word edition as PDF, the form the lab distributes.

The PDF is the Word edition converted by an office suite, so it is laid out exactly as the
.docx opens: by Microsoft Word where it is installed (through the ``docx2pdf`` package on
Windows and macOS), otherwise by LibreOffice headless (``soffice --convert-to pdf``). The
converter is found before any work is done, so a missing one is a sentence, not a
half-finished job.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from xladdin.errors import XladdinError

#: where LibreOffice installs itself when it is not on PATH
_SOFFICE_PLACES = ("C:/Program Files/LibreOffice/program/soffice.exe",
                   "C:/Program Files (x86)/LibreOffice/program/soffice.exe",
                   "/Applications/LibreOffice.app/Contents/MacOS/soffice")
TIMEOUT = 300  # seconds LibreOffice may take for a ten-page document on a slow machine

Converter = Callable[[Path, Path], None]


def _word() -> Converter | None:
    """Microsoft Word, through docx2pdf (which drives Word; Windows and macOS only)."""
    if sys.platform not in ("win32", "darwin"):
        return None
    try:
        import docx2pdf  # type: ignore[import-not-found]
    except ImportError:
        return None

    def convert(docx: Path, pdf: Path) -> None:
        docx2pdf.convert(str(docx), str(pdf))

    return convert


def soffice_path() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((p for p in _SOFFICE_PLACES if os.path.exists(p)), None)


def _libreoffice() -> Converter | None:
    exe = soffice_path()
    if exe is None:
        return None

    def convert(docx: Path, pdf: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="xladdin-pdf-") as work:
            # a profile of its own: a LibreOffice the user has open does not take the job over
            profile = Path(work, "profile").as_uri()
            try:
                done = subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless",
                                       "--convert-to", "pdf", "--outdir", work, str(docx)],
                                      capture_output=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                raise XladdinError(f"{pdf.name}: LibreOffice did not finish converting the Word edition "
                                   f"within {TIMEOUT} s; close other LibreOffice windows and try again") \
                    from None
            made = Path(work, docx.with_suffix(".pdf").name)
            if done.returncode != 0 or not made.exists():
                raise XladdinError(f"{pdf.name}: LibreOffice could not convert the Word edition to PDF "
                                   f"(exit status {done.returncode}); open {docx.name} and save it as PDF")
            shutil.move(str(made), str(pdf))

    return convert


def converter() -> Converter:
    """Word where it is installed, LibreOffice elsewhere; one sentence if neither is."""
    found = _word() or _libreoffice()
    if found is None:
        raise XladdinError("cannot write the PDF: neither Microsoft Word (with the docx2pdf package: "
                           "pip install docx2pdf) nor LibreOffice (soffice) is installed; install one, "
                           "or write the Word edition with --docx and save it as PDF yourself")
    return found


def write_pdf(docx: Path, pdf: Path, convert: Converter | None = None) -> None:
    """Convert the Word edition ``docx`` to ``pdf`` atomically (a temporary file, then a rename)."""
    from xladdin.files.workbook import write_atomic

    convert = convert or converter()
    write_atomic(Path(pdf), lambda temp: convert(Path(docx), Path(temp)), suffix=".pdf")
