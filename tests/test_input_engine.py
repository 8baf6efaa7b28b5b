"""Input and engine cases of the third adversarial pass: each ends in the right numbers
(computed here with plain pandas or Decimal, or equal to the sample's tables when the input
says the same thing in another form) or in one `error:` sentence naming the place and the
fix (exit 2), with no traceback, inputs byte-identical and nothing left behind. The harness
is the corpus's (``run_case`` in test_bad_inputs).

Kinds: the flow matcher (file names and column values), the one period parser (range labels
in the column and in --data-period), ambiguous headers, exact money (cent-level ties,
overflow), name aliases and city-level registration codes, misses that are errors, CSV
line endings and ragged rows, Excel error cells, a raw sheet larger than its <dimension>,
and a report month stored as the number 2025.1.
"""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.test_bad_inputs import Case, run_case, sample_plus
from tests.test_hostile_inputs import SAMPLE, edit_zip, monthly, same_tables_as_sample, tables, variant
from xladdin.engine.load import sample_path
from xladdin.engine.metrics import Engine
from xladdin.engine.model import Model
from xladdin.engine.raw import validate_table
from xladdin.ooxml.xlsxpatch import XlsxPatch

HEADER = SAMPLE.split("\n", 1)[0]


def sample_frame() -> pd.DataFrame:
    return pd.read_csv(sample_path(), dtype=str, keep_default_na=False)


def split_by_flow(tmp: Path, export_name: str, import_name: str) -> tuple[Path, Path]:
    """The sample as two customs-style files without a flow column, the flow in the name."""
    frame = sample_frame()
    paths = []
    for flow, name in (("出口", export_name), ("进口", import_name)):
        part = frame[frame["flow"] == flow].drop(columns="flow")
        path = tmp / name
        part.to_csv(path, index=False)
        paths.append(path)
    return paths[0], paths[1]


# --- the flow matcher --------------------------------------------------------------------

def total_trade_file_name(tmp: Path) -> Case:
    exports, _ = split_by_flow(tmp, "进出口_2025.csv", "进口_2025.csv")
    return Case(tables(exports), 2, r"进出口_2025\.csv: the file name says total trade \(进出口, exports "
                r"plus imports\), which the report cannot split; download exports and imports separately .*--flow")


def both_flows_in_file_name(tmp: Path) -> Case:
    exports, _ = split_by_flow(tmp, "exports_and_imports.csv", "imports.csv")
    return Case(tables(exports), 2, r"exports_and_imports\.csv: the file name says total trade")


def flows_as_whole_words(tmp: Path) -> Case:
    """exports_2025.csv / 2025年7月进口.csv hold the sample's rows: its tables come out."""
    exports, imports = split_by_flow(tmp, "exports_2025.csv", "2025年进口数据.csv")
    return Case(["tables", str(exports), str(imports), "--period", "2025-07", "--json"], 0, "",
                check=same_tables_as_sample)


def total_trade_name_beside_a_flow_column(tmp: Path) -> Case:
    """The name is consulted only where the rows do not say their flow."""
    return Case(tables(variant(tmp, SAMPLE, "进出口月报.csv")), 0, "", check=same_tables_as_sample)


def total_trade_name_with_flow_option(tmp: Path) -> Case:
    """--flow says what the name cannot: 进出口_exports.csv read as the exports it holds."""
    exports, imports = split_by_flow(tmp, "进出口_x.csv", "进口_2025.csv")
    imports_with_flow = pd.read_csv(imports, dtype=str, keep_default_na=False)
    imports_with_flow.insert(1, "flow", "进口")
    imports_with_flow.to_csv(imports, index=False)
    return Case(["tables", str(exports), str(imports), "--flow", "export", "--period", "2025-07", "--json"],
                0, "", check=same_tables_as_sample)


def total_trade_in_flow_column(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "202507,进出口,8542,,,,,5\n")), 2,
                r"raw\.csv row 3320, column flow: '进出口' is total trade \(exports plus imports\), which the "
                r"report cannot split; download exports and imports separately")


# --- one period parser -------------------------------------------------------------------

def jan_feb_as_range(label: str, tmp: Path) -> Path:
    """The sample with its 2025 January and February rows summed into one range row each."""
    frame = sample_frame()
    months = frame["period"].isin(["202501", "202502"])
    both = frame[months].assign(value_usd=lambda f: f["value_usd"].astype("int64"))
    keys = [c for c in frame.columns if c not in ("period", "value_usd")]
    summed = both.groupby(keys, sort=False)["value_usd"].sum().reset_index()
    summed["period"] = label
    out = pd.concat([frame[~months], summed[frame.columns].astype(str)], ignore_index=True)
    path = tmp / f"jf{abs(hash(label)) % 10**6}.csv"
    out.to_csv(path, index=False)
    return path


def jan_feb_export_total() -> float:
    """Jan+Feb 2025 exports in 亿美元, from the product rows (plain pandas)."""
    frame = sample_frame()
    rows = frame[frame["period"].isin(["202501", "202502"]) & (frame["flow"] == "出口")
                 & (frame["hs_code"] != "8542") & (frame["partner_code"] == "") & (frame["province_code"] == "")]
    return round(rows["value_usd"].astype("int64").sum() / 1e8, 4)


def range_label_in_column(label: str):
    def make(tmp: Path) -> Case:
        def check(folder: Path, out: str) -> None:
            result = json.loads(out)
            assert result["edition"] == "jan-feb"
            export = next(r for r in result["tables"]["1"] if r["key"] == "export")
            assert export["ytd"]["value"] == pytest.approx(jan_feb_export_total(), abs=1e-4)
            baseline = tmp / "baseline"
            baseline.mkdir()
            from xladdin.engine.load import load_engine
            from xladdin.engine.tables import compute_tables
            canonical = compute_tables(load_engine([jan_feb_as_range("2025-01..2025-02", baseline)]), "2025-02")
            assert result["tables"] == json.loads(json.dumps(canonical["tables"], ensure_ascii=False))
        return Case(["tables", str(jan_feb_as_range(label, tmp)), "--period", "2025-02", "--json"], 0, "",
                    check=check)
    return make


def range_across_years_in_column(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "2024-12~2025-01,出口,8542,,,,,5\n")), 2,
                r"raw\.csv row 3320, column period: '2024-12~2025-01': a range must lie within one year.*; "
                r"download each year separately")


def range_backwards_in_column(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "202507-202501,出口,8542,,,,,5\n")), 2,
                r"raw\.csv row 3320, column period: '202507-202501': the range ends before it starts; write e\.g\.")


def customs_range_as_data_period(tmp: Path) -> Case:
    """--data-period takes customs' label '2025年7-7月' as the month, like the column does."""
    july = [line for line in SAMPLE.splitlines() if line.startswith("202507,出口,8542,")]
    body = "".join(line.split(",", 1)[1] + "\n" for line in july)
    download = variant(tmp, "flow,hs_code,partner_code,partner_name,province_code,province_name,value_usd\n"
                       + body, "july.csv")
    rest = sample_plus(tmp, drop=r"^202507,出口,8542,")
    return Case(["tables", str(rest), str(download), "--data-period", "2025年7-7月",
                 "--period", "2025-07", "--json"], 0, "", check=same_tables_as_sample)


def month_with_dropped_zero_in_column(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "2025.1,出口,8542,,,,,5\n")), 2,
                r"raw\.csv row 3320, column period: '2025\.1': a month stored as a number loses its trailing "
                r"zero .*; type it as text, e\.g\. 2025-10")


def month_with_dropped_zero_as_option(tmp: Path) -> Case:
    return Case(["tables", "--demo", "--period", "2025.1"], 2,
                r"'2025\.1': a month stored as a number loses its trailing zero.*type it as text")


def period_setting_as_number(tmp: Path) -> Case:
    """设置's report month typed 2025.10 in Excel is kept as the number 2025.1."""
    work = monthly(tmp, "2025-07")
    patch = XlsxPatch(work)
    sheet, row, col = patch.anchor("SET_PERIOD")
    part = patch.parts[sheet]
    patch.close()
    ref = f"{chr(64 + col)}{row}".encode()
    edit_zip(work, {part: lambda x: re.sub(rb'<c r="' + ref + rb'"([^>]*?) t="inlineStr"><is><t>[^<]*</t></is></c>',
                                           rb'<c r="' + ref + rb'"\1><v>2025.1</v></c>', x)})
    with zipfile.ZipFile(work) as book:
        assert b"<v>2025.1</v>" in book.read(part)
    return Case(["refresh", str(work)], 2, r"error: 设置!B3 \(SET_PERIOD\) says '2025\.1': a month stored as a number "
                r"loses its trailing zero "
                r".*type it as text, e\.g\. 2025-10")


# --- ambiguous headers -------------------------------------------------------------------

def two_value_columns(tmp: Path) -> Case:
    text = "数据年月,进出口,商品编码,美元,美元\n202507,出口,854231,5,6\n"
    return Case(tables(variant(tmp, text)), 2, r"raw\.csv: columns 4 '美元' and 5 '美元' both hold the US "
                r"dollar value \(美元\), so which one counts is ambiguous; delete or rename one of them")


def value_beside_usd(tmp: Path) -> Case:
    text = SAMPLE.replace(HEADER, HEADER + ",美元").replace("\n2", ",1\n2")
    return Case(tables(variant(tmp, text)), 2, r"raw\.csv: columns 8 'value_usd' and 9 '美元' both hold the US dollar")


def two_partner_code_columns(tmp: Path) -> Case:
    text = "数据年月,进出口,商品编码,贸易伙伴编码,partner_code,美元\n202507,出口,854231,110,116,5\n"
    return Case(tables(variant(tmp, text)), 2, r"columns 4 '贸易伙伴编码' and 5 'partner_code' both hold the partner code")


def two_value_columns_in_a_raw_sheet(tmp: Path) -> Case:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "原始数据"
    sheet.append(["数据年月", "进出口", "商品编码", "美元", "美元"])
    sheet.append(["202507", "出口", "854231", 5, 6])
    book.save(tmp / "raw.xlsx")
    return Case(tables(tmp / "raw.xlsx"), 2, r"raw\.xlsx, sheet 原始数据: columns 4 '美元' and 5 '美元' both hold "
                r"the US dollar value")


# --- names: aliases, roll-ups, misses ------------------------------------------------------

def alias_of(*pairs: str):
    """The sample with names or codes written another way (old, new, old, new …)."""
    def make(tmp: Path) -> Case:
        text = SAMPLE
        for old, new in zip(pairs[::2], pairs[1::2]):
            assert old in text
            text = text.replace(old, new)
        return Case(tables(variant(tmp, text)), 0, "", check=same_tables_as_sample)
    return make


def unmatched_partner_share(tmp: Path) -> Case:
    """Hong Kong under a name no list knows: an error with its share of the exports by partner."""
    frame = sample_frame()
    hk = (frame["partner_code"] == "110") & (frame["flow"] == "出口")
    by_partner = frame[(frame["flow"] == "出口") & (frame["partner_code"] != "")]["value_usd"].astype("int64").sum()
    share = frame[hk]["value_usd"].astype("int64").sum() / by_partner
    text = SAMPLE.replace("出口,8542,110,中国香港,", "出口,8542,,香江,")
    return Case(tables(variant(tmp, text)), 2,
                rf"raw\.csv rows \d+, \d+, \d+ …: {int(hk.sum())} rows with partner names not in the customs partner "
                rf"list, {share:.1%} of the file's export value by partner, would be left out of every table, "
                r"totals included; write the partner code")


def unmatched_province_code(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "202507,出口,8542,,,99,,7\n")), 2,
                r"raw\.csv rows 3320: 1 rows with province codes or names not in the province list, .* would be "
                r"left out of every table")


def zero_value_unmatched_is_a_warning(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "202507,出口,8542,,火星,,,0\n")), 0,
                r"warning: raw\.csv rows 3320: 1 rows with partner names not in the customs partner list, "
                r".*cannot be used")


# --- money ---------------------------------------------------------------------------------

def value_beyond_any_trade(tmp: Path) -> Case:
    return Case(tables(sample_plus(tmp, "202507,出口,8542,,,,,1e300\n")), 2,
                r"raw\.csv row 3320, column value_usd: .* USD is more than ten trillion dollars.*; check the cell")


def values_that_would_overflow(tmp: Path) -> Case:
    rows = "".join(f"2025{m:02d},出口,8542,{p},,,,9000000000000\n" for m in range(1, 13)
                   for p in range(101, 101 + 450))
    return Case(tables(sample_plus(tmp, rows)), 2,
                r"raw\.csv row \d+: the values add up to more than .* USD .*; check the 美元 column")


# --- CSV reading ---------------------------------------------------------------------------

def line_endings(ending: str):
    def make(tmp: Path) -> Case:
        path = tmp / "raw.csv"
        path.write_bytes(SAMPLE.replace("\n", ending).encode("utf-8"))
        return Case(tables(path), 0, "", check=same_tables_as_sample)
    return make


def gb18030_with_cr_endings(tmp: Path) -> Case:
    path = tmp / "raw.csv"
    path.write_bytes(SAMPLE.replace("\n", "\r").encode("gb18030"))
    return Case(tables(path), 0, "", check=same_tables_as_sample)


def trailing_comma_in_rows_only(tmp: Path) -> Case:
    lines = SAMPLE.splitlines()
    text = "\n".join([lines[0]] + [line + "," for line in lines[1:]]) + "\n"
    return Case(tables(variant(tmp, text)), 0, "", check=same_tables_as_sample)


def extra_cell_in_a_row(tmp: Path) -> Case:
    lines = SAMPLE.splitlines()
    lines[40] += ",x"
    return Case(tables(variant(tmp, "\n".join(lines) + "\n")), 2,
                r"raw\.csv row 41: the row has more cells than the header has columns \(8\), so its values would "
                r"shift; remove the extra cells")


def excel_error_in_csv(error: str, column: int, header: str):
    def make(tmp: Path) -> Case:
        lines = SAMPLE.splitlines()
        cells = lines[9].split(",")
        cells[column] = error
        lines[9] = ",".join(cells)
        return Case(tables(variant(tmp, "\n".join(lines) + "\n")), 2,
                    rf"raw\.csv row 10, column {header}: the cell shows the Excel error {re.escape(error)}, not a "
                    r"value; correct the formula")
    return make


def raw_sheet(tmp: Path, edit) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "原始数据"
    sheet.append(["数据年月", "进出口", "商品编码", "美元"])
    sheet.append(["202507", "出口", "854231", 5])
    sheet.append(["202507", "出口", "854232", "=NA()"])
    sheet["XFD100000"] = "x"
    path = tmp / "raw.xlsx"
    book.save(path)
    edit_zip(path, {"xl/worksheets/sheet1.xml": edit})
    return path


def stray_cell_beyond_dimension(tmp: Path) -> Case:
    path = raw_sheet(tmp, lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:D3"/>', x))
    return Case(tables(path), 2, r"raw\.xlsx, sheet 原始数据: the sheet reaches cell XFD100000, far beyond a raw "
                r"table; delete the stray cells")


def excel_error_cell_in_xlsx(tmp: Path) -> Case:
    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="XFD100000".*?</c>', b"", xml)
        xml = re.sub(rb'<row r="100000"[^>]*>\s*</row>', b"", xml)
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:D3"/>', xml)
        return re.sub(rb'<c r="D3"[^>]*>.*?</c>', b'<c r="D3" t="e"><f>NA()</f><v>#N/A</v></c>', xml)
    return Case(tables(raw_sheet(tmp, edit)), 2, r"raw\.xlsx, sheet 原始数据, cell D3: the cell shows the Excel "
                r"error #N/A, not a value; correct the formula")


CASES = {
    # the flow matcher
    "file named 进出口": total_trade_file_name,
    "file named for both flows": both_flows_in_file_name,
    "flows as whole words of file names": flows_as_whole_words,
    "进出口 file name beside a flow column": total_trade_name_beside_a_flow_column,
    "进出口 file name with --flow": total_trade_name_with_flow_option,
    "进出口 in the flow column": total_trade_in_flow_column,
    # one period parser
    "range 2025年1-2月 in the column": range_label_in_column("2025年1-2月"),
    "range 202501-202502 in the column": range_label_in_column("202501-202502"),
    "range 2025-01~2025-02 in the column": range_label_in_column("2025-01~2025-02"),
    "range 2025年1月至2月 in the column": range_label_in_column("2025年1月至2月"),
    "range 2025-01-2025-02 in the column": range_label_in_column("2025-01-2025-02"),
    "range across years in the column": range_across_years_in_column,
    "range backwards in the column": range_backwards_in_column,
    "customs label as --data-period": customs_range_as_data_period,
    "2025.1 in the column": month_with_dropped_zero_in_column,
    "2025.1 as --period": month_with_dropped_zero_as_option,
    "2025.1 as the number in 设置": period_setting_as_number,
    # ambiguous headers
    "美元 twice": two_value_columns,
    "value_usd beside 美元": value_beside_usd,
    "two partner code columns": two_partner_code_columns,
    "美元 twice in a raw sheet": two_value_columns_in_a_raw_sheet,
    # names
    "香港 for 中国香港": alias_of(",110,中国香港,", ",,香港,"),
    "Hong Kong for 中国香港": alias_of(",110,中国香港,", ",,Hong Kong,"),
    "台湾 and 澳门": alias_of(",143,中国台湾,", ",,台湾,", ",121,中国澳门,", ",,澳门,"),
    "Macau and Taiwan, Province of China": alias_of(",121,中国澳门,", ",,Macau,", ",143,中国台湾,",
                                                    ',,"Taiwan, Province of China",'),
    "Chinese Taipei": alias_of(",143,中国台湾,", ",,Chinese Taipei,"),
    "city code 4401 for 广东": alias_of(",44,广东省,", ",4401,广州市,"),
    "customs region code 44031 for 广东": alias_of(",44,广东省,", ",44031,,"),
    "English province name": alias_of(",44,广东省,", ",,Guangdong,"),
    "unmatched partner: error with its share": unmatched_partner_share,
    "unmatched province code": unmatched_province_code,
    "unmatched but zero: a warning": zero_value_unmatched_is_a_warning,
    # money
    "a value beyond any trade": value_beyond_any_trade,
    "values that would overflow": values_that_would_overflow,
    # CSV reading
    "CR line endings (CSV Macintosh)": line_endings("\r"),
    "CRLF line endings": line_endings("\r\n"),
    "GB18030 with CR line endings": gb18030_with_cr_endings,
    "trailing comma the header lacks": trailing_comma_in_rows_only,
    "an extra cell in one row": extra_cell_in_a_row,
    "#N/A as a partner code": excel_error_in_csv("#N/A", 3, "partner_code"),
    "#VALUE! as a value": excel_error_in_csv("#VALUE!", 7, "value_usd"),
    "#REF! as a month": excel_error_in_csv("#REF!", 0, "period"),
    # xlsx
    "stray cell beyond the stated dimension": stray_cell_beyond_dimension,
    "#N/A cell in the raw sheet": excel_error_cell_in_xlsx,
}


def test_the_pass_has_enough_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", list(CASES))
def test_input_case(name, tmp_path, capsys):
    run_case(CASES[name](tmp_path), tmp_path, capsys)


# --- exact money at the engine ----------------------------------------------------------

def engine_of(rows: list[tuple[str, str, str]]) -> Engine:
    table = pd.DataFrame(rows, columns=["period", "partner_code", "value_usd"])
    table.insert(1, "flow", "出口")
    table.insert(2, "hs_code", "854231")
    return Engine(Model(validate_table(table, "t.csv")))


def test_a_tie_in_cents_ranks_by_the_lower_code():
    """0.10 + 0.20 and 0.30 are equal in cents; as floats the first is larger (0.30000000000000004),
    which put the higher code first."""
    assert 0.1 + 0.2 > 0.3  # the float trap this test is about
    rows = [("202407", "110", "1"), ("202407", "116", "1"),
            ("202507", "116", "0.10"), ("202507", "116", "0.20"), ("202507", "110", "0.30")]
    top = engine_of(rows).ranking("export", "partner", "2025-07", "month", n=2)
    assert list(top["key"]) == ["110", "116"]
    assert top["value"].iloc[0] == top["value"].iloc[1]


def test_sums_with_cents_are_exact():
    values = ["1234.56", "0.01", "9999999.99", "0.10", "0.20", "12345678901.23"]
    rows = [("202407", "110", "1")] + [("202507", "110", v) for v in values]
    exact = sum(Decimal(v) for v in values)
    got = engine_of(rows).figure("export", "2025-07", "month", "partner", "110").value
    assert Decimal(repr(got)) == exact.quantize(Decimal("0.01"))
