"""LibreOffice headless helpers for tests: export every sheet as shown, render to PNG."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui)"
    return exe


def _convert(xlsx: Path, target: str, outdir: Path) -> None:
    profile = outdir / ".lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", target, "--outdir", str(outdir), str(xlsx)],
                   check=True, capture_output=True, timeout=180)


def sheets_as_shown(xlsx: Path, outdir: Path) -> dict[str, list[list[str]]]:
    """Every sheet's cells as LibreOffice displays them (number formats applied)."""
    outdir.mkdir(parents=True, exist_ok=True)
    _convert(xlsx, CSV_ALL_SHEETS, outdir)
    sheets = {}
    for path in outdir.glob(f"{xlsx.stem}-*.csv"):
        with path.open(encoding="utf-8") as handle:
            sheets[path.stem[len(xlsx.stem) + 1:]] = list(csv.reader(handle))
    return sheets


def render_png(xlsx: Path, outdir: Path, dpi: int = 60) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    _convert(xlsx, "pdf", outdir)
    pdf = outdir / f"{xlsx.stem}.pdf"
    assert shutil.which("pdftoppm"), "pdftoppm is not installed (.ci/run installs poppler-utils)"
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(outdir / "page")],
                   check=True, capture_output=True, timeout=120)
    return sorted(outdir.glob("page-*.png"))
