"""The Word edition: written beside the workbook, opened by LibreOffice Writer, with the text,
the seven tables in place and the charts."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from tests.office import soffice
from xladdin.cli import main
from xladdin.report.narrative import draft


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("word")
    xlsx, docx = folder / "r.xlsx", folder / "r.docx"
    assert main(["demo", "-o", str(xlsx), "--docx", str(docx)]) == 0
    return xlsx, docx


def _convert(path: Path, target: str, outdir: Path) -> Path:
    subprocess.run([soffice(), f"-env:UserInstallation=file://{outdir / '.lo-profile'}", "--headless",
                    "--convert-to", target, "--outdir", str(outdir), str(path)],
                   check=True, capture_output=True, timeout=180)
    return outdir / f"{path.stem}.{target.split(':')[0]}"


def test_demo_writes_both_and_the_document_holds_text_tables_and_charts(edition, demo_engine, demo_result):
    xlsx, docx = edition
    assert xlsx.exists() and docx.exists()
    doc = Document(str(docx))
    assert len(doc.tables) == 7
    assert len(doc.inline_shapes) == 6  # the six charts, as pictures
    texts = [p.text for p in doc.paragraphs]
    generated = draft(demo_result, product_codes=demo_engine.reference.product_names)
    for item in generated:
        assert item.text in texts
    assert "中国芯片产品贸易月度监测报告" in texts and "（2025年1-7月）" in texts
    assert "对外经济贸易大学 数字经济实验室" in texts
    # each table sits after the paragraphs that discuss it: 表1 after 一、, 表7 last
    body = [el.tag.rsplit("}", 1)[1] for el in doc.element.body]
    assert body.count("tbl") == 7
    titles = [t for t in texts if re.match(r"表\d：", t)]
    assert [t[:2] for t in titles] == [f"表{n}" for n in range(1, 8)]
    assert texts.index(titles[0]) > texts.index(generated[2].text)  # after the 2nd paragraph
    first = doc.tables[0]
    assert [c.text for c in first.rows[2].cells] == ["进出口总额", "553.2", "18.0", "3377.2", "11.7"]
    fourth = doc.tables[3]
    assert [c.text for c in fourth.rows[2].cells][:3] == ["重点区域"] * 3  # merged section row
    assert [c.text for c in fourth.rows[3].cells] == ["东盟", "42.6", "40.8", "东盟", "274.5", "42.3"]
    with zipfile.ZipFile(docx) as z:
        names = z.namelist()
        assert not [n for n in names if "vbaProject" in n or n.endswith(".bin")]
        footer = "".join(z.read(n).decode() for n in names if n.startswith("word/footer"))
        assert "PAGE" in footer and "NUMPAGES" in footer


def test_libreoffice_writer_opens_the_document(edition, tmp_path):
    _, docx = edition
    text = _convert(docx, "txt:Text (encoded):UTF8", tmp_path).read_text(encoding="utf-8-sig")
    assert "2025年7月，中国芯片产品（即：HS编码8542的商品）贸易进出口553.2亿美元，同比增长18.0%。" in text
    for title in ("表1：2025年7月中国芯片产品贸易进出口概况（亿美元）", "表7：2025年7月中国芯片产品分省进口情况（亿美元）"):
        assert title in text
    assert "1000.5" in text and "中国台湾" in text
    pdf = _convert(docx, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == 7, pages  # cover, text with the seven tables (4), charts (2)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert len([line for line in images.splitlines()[2:] if " image " in line]) >= 6


def test_docx_target_is_checked_before_anything_is_written(tmp_path, capsys):
    xlsx = tmp_path / "r.xlsx"
    assert main(["demo", "-o", str(xlsx), "--docx", str(tmp_path / "r.doc")]) == 2
    assert "must be a .docx file" in capsys.readouterr().err and not xlsx.exists()
    assert main(["demo", "-o", str(xlsx), "--docx", str(tmp_path / "no" / "r.docx")]) == 2
    assert "does not exist" in capsys.readouterr().err and not xlsx.exists()


def test_refresh_writes_the_word_edition(tmp_path):
    work = tmp_path / "月报.xlsx"
    assert main(["init", str(work), "--demo"]) == 0
    docx = tmp_path / "月报.docx"
    assert main(["refresh", str(work), "--docx", str(docx)]) == 0
    assert len(Document(str(docx)).tables) == 7
