"""Write data the way China Customs' query platform saves it (see docs of the format).

GB18030, every field quoted, thousands separators, '?' for missing quantities, a trailing
comma on every line, Chinese or English headers, no flow column (the flow is a query
setting, put in the file name), optionally no 数据年月 column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from xladdin.engine.reference import load_reference

HEADERS = {
    "zh": {"period": "数据年月", "hs": "商品编码", "hs_name": "商品名称", "pcode": "贸易伙伴编码",
           "pname": "贸易伙伴名称", "rcode": "注册地编码", "rname": "注册地名称", "q1": "第一数量",
           "u1": "第一计量单位", "q2": "第二数量", "u2": "第二计量单位", "usd": "美元", "rmb": "人民币"},
    "en": {"period": "Date of data", "hs": "Commodity code", "hs_name": "Commodity",
           "pcode": "Trading partner code", "pname": "Trading partner",
           "rcode": "Locations of importers and exporters code",
           "rname": "Locations of importers and exporters", "q1": "Quantity", "u1": "Unit",
           "q2": "Supplimentary Quantity", "u2": "Supplementary Unit", "usd": "US dollar", "rmb": "RMB"},
}


def download_text(rows: pd.DataFrame, dims: tuple[str, ...], lang: str = "zh", with_period: bool = True,
                  currency: str = "usd") -> str:
    """rows: canonical columns (period YYYYMM, hs_code, partner_code, province_code, value_usd)."""
    ref = load_reference()
    h = HEADERS[lang]
    cols = (["period"] if with_period else []) + ["hs", "hs_name"]
    if "partner" in dims:
        cols += ["pcode", "pname"]
    if "province" in dims:
        cols += ["rcode", "rname"]
    cols += ["q1", "u1", "q2", "u2", currency]
    provinces = dict(zip(ref.provinces["code"], ref.provinces["customs_name"]))
    lines = [",".join(f'"{h[c]}"' for c in cols) + ","]
    for r in rows.itertuples(index=False):
        values = {"period": r.period, "hs": r.hs_code, "hs_name": "集成电路", "q1": "1,234", "u1": "个",
                  "q2": "?", "u2": "千克", currency: f"{int(round(float(r.value_usd))):,}"}
        if "partner" in dims:
            name = ref.partner_names[r.partner_code].replace("（", "(").replace("）", ")")
            values.update(pcode=r.partner_code, pname=name)
        if "province" in dims:
            values.update(rcode=r.province_code, rname=provinces[r.province_code])
        lines.append(",".join(f'"{values[c]}"' for c in cols) + ",")
    return "\r\n".join(lines) + "\r\n"


def write_download(path: Path, rows: pd.DataFrame, dims: tuple[str, ...], **kw) -> Path:
    path.write_bytes(download_text(rows, dims, **kw).encode("gb18030"))
    return path


def sample_as_downloads(sample_csv: Path, folder: Path, lang: str) -> list[Path]:
    """The canonical sample split into one download per flow and extract, split by month."""
    raw = pd.read_csv(sample_csv, dtype=str, keep_default_na=False)
    files = []
    for flow_cn, flow_name in (("出口", "export"), ("进口", "import")):
        part = raw[raw["flow"] == flow_cn]
        extracts = {"product": part[part["hs_code"] != "8542"],
                    "partner": part[part["partner_code"] != ""],
                    "province": part[part["province_code"] != ""]}
        for dim, rows in extracts.items():
            word = flow_cn if lang == "zh" else flow_name
            files.append(write_download(folder / f"{word}_{dim}_202401-202507.csv", rows,
                                        () if dim == "product" else (dim,), lang=lang))
    return files
