"""The words a person may type for the report's dimensions, in one place.

The raw-data reader, the reference lists and the cell functions all accept these; nothing else
spells them out again. A ``X_OF_WORD`` dictionary takes what was typed to the canonical X
(``FLOW_OF_WORD['出口'] == 'export'``). Plain data, no pandas: the Lite edition imports it to register its
functions' dropdowns.
"""

from __future__ import annotations

#: the flows and every spelling a file or a person uses for them
FLOW_OF_WORD = {"出口": "export", "export": "export", "exports": "export",
         "进口": "import", "import": "import", "imports": "import"}
#: the spans of a figure: the month itself, or January to the month
SPAN_OF_WORD = {None: "month", "": "month", "当月": "month", "month": "month", "m": "month",
         "累计": "ytd", "ytd": "ytd", "year to date": "ytd", "1-": "ytd"}
#: the January–February combined period: a February report's year to date
JAN_FEB = {"1-2月", "1-2", "1-2月累计", "1至2月", "1至2月累计", "jan-feb", "january-february"}
#: the regions the report sums over their members, by code, with their Chinese names
REGION_NAMES = {"ASEAN": "东盟", "EU": "欧盟"}
#: what a person types for a region: its Chinese name or its code (any case)
REGION_OF_WORD = {**{name: code for code, name in REGION_NAMES.items()},
           **{code.lower(): code for code in REGION_NAMES}}
#: the dimensions a ranking is by
DIMENSION_OF_WORD = {"partner": "partner", "贸易伙伴": "partner", "国家": "partner", "国别": "partner",
      "province": "province", "省": "province", "省市": "province", "注册地": "province",
      "product": "product", "产品": "product"}
#: the measures of a monthly series: value (亿美元), growth on a year before, growth on the
#: month before, share of the flow's total
MEASURE_OF_WORD = {None: "value", "": "value", "value": "value", "金额": "value", "yoy": "yoy", "同比": "yoy",
            "mom": "mom", "环比": "mom", "share": "share", "占比": "share"}
#: the dropdown literals the cell functions offer (the first is the default)
FLOW_CHOICES = ("出口", "进口")
SPAN_CHOICES = ("当月", "累计")
BY_CHOICES = ("partner", "province", "product")
MEASURE_CHOICES = ("value", "yoy", "mom", "share")
#: US dollars per 亿美元, the unit every value of the report is shown in
UNIT = 1e8
#: the report's tables, numbered as printed
TABLE_NUMBERS = tuple(range(1, 8))
