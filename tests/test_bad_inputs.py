"""The bad-input corpus: every case gets one clear line, the right exit status, no traceback,
untouched inputs and no output file left behind after an error.

Small self-contained cases are files in tests/bad_inputs/; cases that need a whole year of
otherwise good data are the bundled sample with one flaw planted, made at test time.
"""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from xladdin.cli import main
from xladdin.engine.load import sample_path

CORPUS = Path(__file__).parent / "bad_inputs"
SAMPLE_LINE = "{period},{flow},{hs},{pcode},{pname},{rcode},{rname},{value}\n"


@dataclass
class Case:
    argv: list[str]
    exit: int
    line: str  # regex the one error:/warning: line must match ('' with exit 0: no line asked for)
    output: Path | None = None
    check: Callable[[Path, str], None] | None = None  # more assertions: (folder, stdout)


def corpus(tmp: Path, name: str) -> Path:
    return Path(shutil.copy(CORPUS / name, tmp / name))


def sample_plus(tmp: Path, extra: str = "", drop: str | None = None, name: str = "raw.csv") -> Path:
    """The sample with rows added (and rows matching ``drop`` removed)."""
    lines = sample_path().read_text(encoding="utf-8").splitlines(keepends=True)
    if drop:
        lines = [line for line in lines if not re.match(drop, line)]
    path = tmp / name
    path.write_text("".join(lines) + extra, encoding="utf-8")
    return path


def build(tmp: Path, *inputs: Path, extra: tuple[str, ...] = ()) -> Case:
    out = tmp / "out.xlsx"
    return Case(["build", *map(str, inputs), "-o", str(out), *extra], 2, "", out)


def file_case(name: str, line: str, command: str = "tables", extra: tuple[str, ...] = ()):
    def make(tmp: Path) -> Case:
        path = corpus(tmp, name)
        if command == "build":
            case = build(tmp, path, extra=extra)
        else:
            case = Case(["tables", str(path), "--period", "2025-07", *extra], 2, "")
        case.line = line
        return case
    return make


def planted(extra: str = "", drop: str | None = None, line: str = "", exit: int = 2,
            args: tuple[str, ...] = ()):
    def make(tmp: Path) -> Case:
        case = build(tmp, sample_plus(tmp, extra, drop), extra=args)
        case.exit, case.line = exit, line
        return case
    return make


def ten_thousand_rows(tmp: Path) -> Case:
    from xladdin.engine.reference import load_reference

    ref = load_reference()
    cells = [(hs, p, r) for hs in ("85423190", "85423290") for p in ref.partners["code"]
             for r in ref.provinces["code"]][:10_000]
    rows = "".join(f'"202507","{hs}","集成电路","{p}","{r}","1"\r\n' for hs, p, r in cells)
    cut = tmp / "出口_cube_202507.csv"
    cut.write_bytes(('"数据年月","商品编码","商品名称","贸易伙伴编码","注册地编码","美元"\r\n' + rows)
                    .encode("gb18030"))
    case = Case(["audit", str(sample_plus(tmp)), str(cut), "--period", "2025-07"], 1,
                r"出口_cube_202507\.csv: exactly 10,000 data rows.*split the query")
    return case


def read_only_output(tmp: Path) -> Case:
    out = tmp / "locked.xlsx"
    out.write_bytes(b"previous report")
    out.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return Case(["demo", "-o", str(out)], 2, r"locked\.xlsx: the file is read-only; make it writable")


def output_in_missing_folder(tmp: Path) -> Case:
    out = tmp / "no-such-folder" / "out.xlsx"
    return Case(["demo", "-o", str(out)], 2, r"the folder .*no-such-folder does not exist; create it", out)


def output_overwrites_input(tmp: Path) -> Case:
    src = tmp / "raw.xlsx"
    assert main(["build", str(sample_path()), "-o", str(src), "--include-raw"]) == 0
    return Case(["build", str(src), "-o", str(src)], 2, r"would overwrite an input file; choose another")


def output_not_xlsx(tmp: Path) -> Case:
    return Case(["demo", "-o", str(tmp / "report.pdf")], 2, r"report\.pdf: the output must be an \.xlsx", None)


def refresh_empty_workbook(tmp: Path) -> Case:
    from xladdin.report.template import make_template

    work = tmp / "empty.xlsx"
    make_template().save(work)
    return Case(["refresh", str(work)], 2, r"empty\.xlsx, sheet 原始数据: there are no data rows.*paste or import")


def import_into_missing(tmp: Path) -> Case:
    path = corpus(tmp, "customs_no_flow.csv")
    return Case(["import", str(path), "--flow", "export", "--into", str(tmp / "nope.xlsx")], 2,
                r"nope\.xlsx: no such workbook; create one with 'xladdin init'")


def missing_file(tmp: Path) -> Case:
    return Case(["tables", str(tmp / "gone.csv"), "--period", "2025-07"], 2, r"gone\.csv: no such file")


def bad_period_argument(tmp: Path) -> Case:
    return Case(["tables", "--demo", "--period", "July"], 2, r"'July' is not a month; write it as YYYY-MM")


def range_across_years(tmp: Path) -> Case:
    path = corpus(tmp, "customs_no_period_出口.csv")
    return Case(["tables", str(path), "--data-period", "2024-11..2025-02", "--period", "2025-02"], 2,
                r"a range must lie within one year.*download each year separately")


def period_beyond_data(tmp: Path) -> Case:
    case = build(tmp, sample_plus(tmp), extra=("--period", "2025-09"))
    case.line = r"lacks 2025-08, 2025-09.*download and add the customs rows"
    return case


E8 = "100000000"
CASES = {
    "empty file": file_case("empty.csv", r"empty\.csv: the file is empty"),
    "header only": file_case("header_only.csv", r"header_only\.csv: there are no data rows"),
    "missing value column": file_case("no_value_column.csv", r"no value column \(美元 / value_usd\).*add it"),
    "unknown headers": file_case("unknown_headers.csv", r"headers Periode, Flux, Valeur; add it or fix"),
    "wrong encoding (UTF-16)": file_case("utf16.csv", r"utf16\.csv: the file is neither UTF-8 nor GB18030"),
    "binary junk": file_case("binary_junk.csv", r"binary_junk\.csv: the file is neither UTF-8"),
    "text in a number": file_case("text_in_value.csv", r"text_in_value\.csv row 3, column value_usd: 'abc' is "
                                  r"not a number; enter the value"),
    "#N/A in a number": file_case("na_in_value.csv", r"row 2, column value_usd: the cell shows the Excel error #N/A, not a value; correct the formula"),
    "blank number": file_case("blank_value.csv", r"blank_value\.csv row 3, column value_usd: the value is blank"),
    "number with a unit": file_case("value_with_unit.csv", r"row 2, column value_usd: '1,234 USD' is not a num"),
    "month 13": file_case("bad_month.csv", r"bad_month\.csv row 2, column period: '202513' is not a month"),
    "unknown flow word": file_case("bad_flow.csv", r"row 2, column flow: '出入口' is not a flow; write 出口"),
    "5-digit HS code": file_case("bad_hs_code.csv", r"column hs_code: '85423' is not a 6- or 8-digit HS code"),
    "missing prior year": file_case("only_2025.csv", r"export data \(total, by product, by partner, by province\) lacks 2024-01.*2024",
                                    "build", ("--period", "2025-07")),
    "missing month in the year": file_case("gap_in_ytd.csv", r"import data \(total, by product, by partner, by province\) lacks 2025-03",
                                           "build", ("--period", "2025-07")),
    "RMB download": file_case("rmb_download_出口.csv", r"values are in RMB \(人民币\).*美元 as currency"),
    "customs file without a flow": file_case("customs_no_flow.csv", r"does not say whether it holds exports "
                                             r"or imports; put 出口 or 进口 in the file name or pass --flow"),
    "customs file without a month": file_case("customs_no_period_出口.csv",
                                              r"no 数据年月 \(period\) column; give the month with --data-period"),
    "xlsx without 原始数据": file_case("no_raw_sheet.xlsx", r"no sheet named '原始数据' \(sheets: Sheet1\)"),
    "corrupt xlsx": file_case("corrupt.xlsx", r"corrupt\.xlsx: not a readable xlsx workbook; open and save"),
    "password-protected xlsx": file_case("password_protected.xlsx", r"password-protected \(encrypted\).*"
                                         r"unprotected \.xlsx copy"),
    "negative value": planted(f"202507,出口,85429010,,,,,-{E8}\n",
                              line=r"raw\.csv row 3320: 1 negative values \(first: -100,000,000\).*correct or delete"),
    "row pasted twice": planted("202507,出口,85423190,133,韩国,44,广东省,12345\n" * 2,
                                line=r"raw\.csv rows 3320, 3321: 1 rows appear more than once.*delete the repeated"),
    "future period": planted(f"209901,出口,854231,,,,,{E8}\n", line=r"rows for months after .*2099-01.*cannot "
                             r"be from the future"),
    "unknown partner code (warning)": planted(f"202507,出口,8542,998,神秘国,,,{E8}\n202407,出口,8542,998,神秘国,,,{E8}\n",
                                              exit=0, line=r"warning: raw\.csv rows 3320, 3321: partner codes "
                                              r"not in the reference list: 998"),
    "another HS chapter (warning)": planted(f"202507,出口,85411000,,,,,{E8}\n", exit=0,
                                            line=r"warning: raw\.csv rows 3320: 1 rows of other HS chapters "
                                            r"\(first: 85411000\) were left out; only HS 8542"),
    "unknown province name": planted(f"202507,进口,8542,,,,火星省,{E8}\n",
                                     line=r"error: raw\.csv rows 3320: 1 rows with province codes or names "
                                     r"not in the province list, [\d.]+% of the file's import value by "
                                     r"province, would be left out of every table, totals included; write"),
    "formula-like partner name": planted(f"202507,出口,8542,,=cmd|' /C calc'!A0,,,{E8}\n",
                                         line=r"error: raw\.csv rows 3320: 1 rows with partner names .* "
                                         r"left out of every table"),
    "extracts disagree (warning)": planted(f"202505,出口,8542,322,冰岛,,,{E8}\n", exit=0,
                                           line=r"warning: export 2025-05: the extracts disagree \(by "
                                           r"product [\d,]+, by partner [\d,]+, by province [\d,]+ USD\)"),
    "download cut at 10,000 rows": ten_thousand_rows,
    "read-only output": read_only_output,
    "output in a missing folder": output_in_missing_folder,
    "output overwrites the input": output_overwrites_input,
    "output not .xlsx": output_not_xlsx,
    "refresh with an empty 原始数据": refresh_empty_workbook,
    "import into a missing workbook": import_into_missing,
    "raw file does not exist": missing_file,
    "--period not a month": bad_period_argument,
    "--data-period across years": range_across_years,
    "report month beyond the data": period_beyond_data,
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len(list(CORPUS.iterdir())) >= 20


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name, tmp_path, capsys):
    run_case(CASES[name](tmp_path), tmp_path, capsys)


def run_case(case: Case, tmp_path: Path, capsys) -> None:
    """Run one case through the CLI and hold it to the promise: the exit status, exactly one
    error line that says where and how to fix (or the warning asked for), no traceback,
    inputs byte-identical, nothing left behind (not even a temporary file)."""
    capsys.readouterr()
    before = snapshot(tmp_path)
    status = main(case.argv)
    out, err = capsys.readouterr()
    text = out + err
    assert "Traceback" not in text
    assert status == case.exit, text
    kind = "error" if case.exit else "warning"
    lines = [line for line in text.splitlines() if line.startswith(f"{kind}:")]
    if case.line or case.exit:
        matching = [line for line in lines if re.search(case.line, line)]
        assert len(matching) == 1, f"{case.line!r} not once in:\n{text}"
    if kind == "error":
        assert len(lines) == 1, text
        assert "; " in matching[0]  # what and where; then how to fix
    after = snapshot(tmp_path)
    for file, content in before.items():
        assert after.get(file) == content, f"{file} changed"
    assert not [f for f in after if ".tmp" in f], f"temporary files left: {list(after)}"
    if case.exit:
        new = set(after) - set(before)
        assert not new, f"left behind: {new}"
        if case.output is not None:
            assert not case.output.exists()
    if case.check is not None:
        case.check(tmp_path, out)
