"""The fast CSV reader (pyarrow) gives exactly the table pandas' reader gives, or steps aside."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from tests.customs import sample_as_downloads
from xladdin.engine import raw
from xladdin.engine.load import sample_path
from xladdin.errors import XladdinError

BAD_INPUTS = Path(__file__).parent / "bad_inputs"


def pandas_table(path: Path) -> pd.DataFrame:
    """The reference: pandas' reader with the options xladdin has always used."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False,
                        skipinitialspace=True)
    return frame.loc[:, [not (str(c).startswith("Unnamed") and frame[c].eq("").all()) for c in frame.columns]]


def same(path: Path) -> None:
    got, want = raw.read_csv_table(path), pandas_table(path)
    assert list(got.columns) == list(want.columns)
    assert list(got.dtypes) == list(want.dtypes)
    assert got.equals(want), (got.head(), want.head())


CASES = {
    "plain": "period,flow,value_usd\n202507,出口,5\n202506,进口,6\n",
    "bom_crlf_trailing_comma": "\ufeff数据年月,进出口,美元,\r\n202507,出口,5,\r\n",
    "quoted_commas": '"数据年月","贸易伙伴名称","美元",\n"202507","Korea, Rep.","1,234,567",\n',
    "leading_zeros_and_blanks": "hs_code,partner_code,value_usd\n0110,,07\n,001,\n",
    "blank_lines": "period,value_usd\n202507,5\n\n202506,6\n\n",
    "spaces_after_commas": 'period, flow, value_usd\n202507, 出口, "1,234"\n',
    "quoted_space": 'period,flow,value_usd\n202507," 出口",5\n',
    "repeated_headers": "美元,美元,flow\n1,2,出口\n",
    "unnamed_column_with_data": "period,,value_usd\n202507,x,5\n",
    "header_only": "period,flow,value_usd\n",
    "quoted_newline": 'period,flow,value_usd\n202507,"出\n口",5\n',
    "ragged_short": "period,flow,value_usd\n202507,出口\n",
    "question_marks": "period,value_usd,q\n202507,5,?\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_reader_matches_pandas(tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_text(CASES[name], encoding="utf-8")
    same(path)
    gb = tmp_path / f"{name}_gb.csv"
    gb.write_bytes(CASES[name].replace("\ufeff", "").encode("gb18030"))
    same(gb)


def test_fast_reader_matches_pandas_on_real_files(tmp_path):
    files = [sample_path(), *sorted(BAD_INPUTS.glob("*.csv"))]
    files += sample_as_downloads(sample_path(), tmp_path, "zh")[:2]
    files += sample_as_downloads(sample_path(), tmp_path, "en")[:2]
    checked = 0
    for path in files:
        try:
            pandas_table(path)
        except Exception:
            with pytest.raises(XladdinError):
                raw.read_csv_table(path)
            continue
        same(path)
        checked += 1
    assert checked >= 15


def test_sample_and_downloads_take_the_fast_reader(tmp_path, monkeypatch):
    downloads = sample_as_downloads(sample_path(), tmp_path, "zh")[:1]
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: (_ for _ in ()).throw(AssertionError("slow reader")))
    for path in [sample_path(), *downloads]:
        assert len(raw.read_csv_table(path)) > 100


def test_fast_number_parse_steps_aside_for_customs_numbers():
    plain = pd.Series(["5", "1e3", "2.5"], dtype="string[pyarrow]")  # pandas 3's "str" with pyarrow
    assert raw._arrow_numbers(plain).tolist() == [5.0, 1000.0, 2.5]
    as_objects = pd.Series(["5", "1e3", "2.5"], dtype=object)  # pandas 2's "str": the careful path
    assert raw._arrow_numbers(as_objects) is None
    assert raw._us_dollars(as_objects, "x.csv", pd.Series([2, 3, 4]), "美元").tolist() == [5.0, 1000.0, 2.5]
    assert raw._arrow_numbers(pd.Series(["1,234", "5"], dtype="str")) is None
    assert raw._arrow_numbers(pd.Series([" 5", "5"], dtype="str")) is None
    assert raw._us_dollars(pd.Series(["1,234", " 5 "], dtype="str"), "x.csv", pd.Series([2, 3]), "美元").tolist() \
        == [1234.0, 5.0]
