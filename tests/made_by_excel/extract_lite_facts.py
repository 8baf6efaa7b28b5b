"""Write lite_facts.json: what Excel-saved xlwings Lite workbooks hold in their Lite parts.

The workbooks come from a public repository without a stated licence, so none of them is
stored here; this script records facts about them (part names, content types, relationship
types, the web-extension part's elements, attributes and property names, hashes of the code
it holds) and nothing of their authors' code. Run it on a clone of the repository:

    python tests/made_by_excel/extract_lite_facts.py CLONE_DIR COMMIT > tests/made_by_excel/lite_facts.json

It reads the parts with the standard library only (zipfile, ElementTree, json), not with
xladdin, so the facts are an independent reading that xladdin's own reader is compared with.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

REPOSITORY = "https://github.com/amararun/xlwings-lite-apps-codes-docs"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
WEBEXT = "xl/webextensions/"
#: Property values that are the authors' text: recorded by hash and size only.
AUTHORS = {"main.py", "requirements.txt"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _shape(element: ET.Element) -> list:
    """An element's name, attribute names and children, recursively (no values)."""
    return [element.tag, sorted(element.attrib), [_shape(child) for child in element]]


def facts(path: Path) -> dict:
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        app = book.read("docProps/app.xml").decode("utf-8")
        types = ET.fromstring(book.read("[Content_Types].xml"))
        root_rels = ET.fromstring(book.read("_rels/.rels"))
        pane_rels = ET.fromstring(book.read(WEBEXT + "_rels/taskpanes.xml.rels"))
        panes = ET.fromstring(book.read(WEBEXT + "taskpanes.xml"))
        raw_part = book.read(WEBEXT + "webextension1.xml").decode("utf-8")
        raw_panes = book.read(WEBEXT + "taskpanes.xml").decode("utf-8")
    part = ET.fromstring(raw_part)
    we = part.tag.split("}")[0] + "}"
    properties = {p.get("name"): json.loads(p.get("value")) for p in part.find(we + "properties")}
    main = properties.get("main.py", "")
    requirements = properties.get("requirements.txt")
    reference = part.find(we + "reference")
    alternate = part.find(f"{we}alternateReferences/{we}reference")
    pane = panes[0]
    return {
        "application": re.search(r"<Application>([^<]*)</Application>", app).group(1),
        "app_version": re.search(r"<AppVersion>([^<]*)</AppVersion>", app).group(1),
        "webextension_parts": sorted(n for n in names if n.startswith(WEBEXT)),
        "content_types": {o.get("PartName"): o.get("ContentType") for o in types.iter(CT + "Override")
                          if o.get("PartName").startswith("/" + WEBEXT)},
        "root_relationships": [{"Id": r.get("Id"), "Type": r.get("Type"), "Target": r.get("Target")}
                               for r in root_rels.iter(PR + "Relationship") if r.get("Target").startswith(WEBEXT)],
        "taskpanes_relationships": [{"Id": r.get("Id"), "Type": r.get("Type"), "Target": r.get("Target")}
                                    for r in pane_rels.iter(PR + "Relationship")],
        "taskpanes_shape": _shape(panes),
        "taskpane": dict(pane.attrib),
        "webextension_shape": _shape(part),
        "extension_id": part.get("id"),
        "reference": dict(reference.attrib),
        "alternate_reference": dict(alternate.attrib),
        "property_names": list(properties),
        "versions": {k: properties[k] for k in ("pyodideVersion", "addinVersion") if k in properties},
        "main_py": {"sha256": hashlib.sha256(main.encode("utf-8")).hexdigest(), "chars": len(main),
                    "lines": main.count("\n") + 1, "scripts": len(re.findall(r"^@script\b", main, re.M)),
                    "functions": len(re.findall(r"^@func\b", main, re.M))},
        # Lite's own first lines (marked '# required'), not the authors' packages below them
        "requirements_required": None if requirements is None else
        [line for line in requirements.splitlines() if line.endswith("# required")],
        # how Excel writes a JSON value in the attribute: which escapes occur
        "namespace_prefixes": dict(sorted(set(re.findall(r'xmlns:(\w+)="([^"]+)"', raw_part + raw_panes)))),
        "escapes": sorted({e for e in ("&quot;", "&amp;", "&lt;", "&gt;", "&apos;", "\\/", "\\n", "\\t", "\\u")
                           if e in raw_part}),
        "raw_non_ascii": any(ord(ch) > 127 for ch in raw_part),
    }


def main(clone: Path, commit: str) -> dict:
    files = sorted(p for p in clone.rglob("*.xls[xm]") if ".git" not in p.parts)
    return {
        "source": {"repository": REPOSITORY, "commit": commit,
                   "licence": "none stated (no LICENSE file, none in its README): no file of it is "
                              "stored here, only these facts"},
        "files": {str(p.relative_to(clone)): facts(p) for p in files},
    }


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1]), sys.argv[2]), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
