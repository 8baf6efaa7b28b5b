"""An Office web-extension part in an xlsx: where xlwings Lite keeps a workbook's Python code.

An Office add-in inserted into a workbook is stored as a task pane (``xl/webextensions/
taskpanes.xml``, linked from the package's root relationships) that points to a web-extension
part (``webextension1.xml``): the add-in's store reference and its document settings as
name/value properties, each value JSON-encoded ([MS-OWEXML]). xlwings Lite (store id
``wa200008175``) keeps ``main.py`` and ``requirements.txt`` among those properties.

``embed`` adds the parts to an xlsx (or replaces the web-extension part of one that has
them), atomically; ``read_properties`` reads the properties back. Every other part is copied
unchanged.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from xladdin.errors import XladdinError
from xladdin.ooxml.zipcopy import copy_compressed

WE_NS = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
WETP_NS = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
TASKPANES_REL = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
WEBEXTENSION_REL = "http://schemas.microsoft.com/office/2011/relationships/webextension"
TASKPANES = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS = "xl/webextensions/_rels/taskpanes.xml.rels"
PART = "xl/webextensions/webextension1.xml"
CONTENT_TYPES = {"/" + TASKPANES: "application/vnd.ms-office.webextensiontaskpanes+xml",
                 "/" + PART: "application/vnd.ms-office.webextension+xml"}
OURS = {TASKPANES, TASKPANES_RELS, PART}


#: The ``extLst`` Excel writes into the part of an add-in whose code defines custom functions
#: (seen in Excel-saved xlwings Lite workbooks): it tells Excel to load the add-in's functions
#: with the workbook.
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
FUNCTIONS_EXT = ("<we:extLst>"
                 f'<a:ext xmlns:a="{_A_NS}" uri="{{D87F86FE-615C-45B5-9D79-34F1136793EB}}">'
                 "<we:containsCustomFunctions/></a:ext>"
                 f'<a:ext xmlns:a="{_A_NS}" uri="{{7C84B067-C214-45C3-A712-C9D94CD141B2}}">'
                 "<we:customFunctionIdList/></a:ext></we:extLst>")


def _attr(text: str) -> str:
    """Text for a double-quoted attribute, quotes as ``&quot;`` (as Excel writes them)."""
    return escape(text, {'"': "&quot;"})


def part_xml(store_id: str, extension_id: str, properties: dict[str, str], functions: bool = False) -> bytes:
    """The web-extension part as Excel writes it: the store reference, the same reference as
    the alternate one (the store id upper-cased as its store), the JSON-encoded properties,
    and, when the code defines cell functions, the ``extLst`` that declares them."""
    props = "".join(f'<we:property name="{_attr(k)}" value="{_attr(json.dumps(v, ensure_ascii=False))}"/>'
                    for k, v in properties.items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<we:webextension xmlns:we="{WE_NS}" id="{{{extension_id}}}">'
            f'<we:reference id="{store_id}" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
            f'<we:alternateReferences><we:reference id="{store_id}" version="1.0.0.0" '
            f'store="{store_id.upper()}" storeType="OMEX"/></we:alternateReferences>'
            f"<we:properties>{props}</we:properties><we:bindings/>"
            f'<we:snapshot xmlns:r="{REL_NS}"/>{FUNCTIONS_EXT if functions else ""}'
            "</we:webextension>").encode()


TASKPANES_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<wetp:taskpanes xmlns:wetp="{WETP_NS}">'
                 '<wetp:taskpane dockstate="right" visibility="0" width="350" row="1">'
                 f'<wetp:webextensionref xmlns:r="{REL_NS}" r:id="rId1"/>'
                 "</wetp:taskpane></wetp:taskpanes>").encode()
TASKPANES_RELS_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      f'<Relationships xmlns="{PKG_REL_NS}">'
                      f'<Relationship Id="rId1" Type="{WEBEXTENSION_REL}" Target="webextension1.xml"/>'
                      "</Relationships>").encode()


def _root_rels(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for rel in root.findall(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type") == TASKPANES_REL:
            root.remove(rel)
    ids = {rel.get("Id") for rel in root}
    new_id = next(f"rIdWe{i}" for i in range(1, 100) if f"rIdWe{i}" not in ids)
    etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=new_id, Type=TASKPANES_REL, Target=TASKPANES)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _content_types(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for override in root.findall(f"{{{CT_NS}}}Override"):
        if override.get("PartName") in CONTENT_TYPES:
            root.remove(override)
    for name, kind in CONTENT_TYPES.items():
        etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=name, ContentType=kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def embed(path: Path, part: bytes, rewrite: Callable[[str, bytes], bytes | None] | None = None) -> None:
    """Give the xlsx at ``path`` the web-extension part ``part``, atomically.

    A workbook that has the part keeps its task pane, relationships and content types as they
    are; one without gets them added. Every other member is copied unchanged, as its
    compressed bytes (a million-row 原始数据 is not deflated again), except where
    ``rewrite(name, data)`` returns new contents for it.
    """
    from xladdin.files.workbook import write_atomic  # the command line's; Lite never embeds

    path = Path(path)
    try:
        source = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise XladdinError(f"{path.name}: not a readable xlsx workbook") from None

    def write(temp: str) -> None:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
            names = set(source.namelist())
            adding = not OURS <= names
            for info in source.infolist():
                if info.filename in OURS and (adding or info.filename == PART):
                    continue
                data, new = source.read(info.filename), None
                if adding and info.filename == "_rels/.rels":
                    new = _root_rels(data)
                elif adding and info.filename == "[Content_Types].xml":
                    new = _content_types(data)
                elif rewrite is not None:
                    new = rewrite(info.filename, data)
                if new is None:
                    copy_compressed(path, info, out)
                else:
                    out.writestr(_plain(info), new)
            if adding:
                out.writestr(TASKPANES, TASKPANES_XML)
                out.writestr(TASKPANES_RELS, TASKPANES_RELS_XML)
            out.writestr(PART, part)
        source.close()  # the rename needs the file closed (Windows)

    with source:  # through a link, the link's target is replaced and the link kept; its mode too
        write_atomic(path, write, suffix=path.suffix.lower() or ".xlsx")


def _plain(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A member's name, date, compression and attributes without the rest of its old header
    (a ZIP64 mark or extra field the member does not need)."""
    plain = zipfile.ZipInfo(info.filename, info.date_time)
    plain.compress_type, plain.external_attr = info.compress_type, info.external_attr
    return plain


def extension_id(path: Path) -> str | None:
    """The id (without braces) of the workbook's web-extension part, kept when it is replaced."""
    root = _part_root(path)
    return None if root is None else (root.get("id") or "").strip("{}") or None


def read_properties(path: Path) -> dict[str, str] | None:
    """The properties of the workbook's web-extension part (decoded), or None if it has none."""
    root = _part_root(path)
    if root is None:
        return None
    props = root.find(f"{{{WE_NS}}}properties")
    return {p.get("name"): json.loads(p.get("value")) for p in props} if props is not None else {}


def store_reference(path: Path) -> str | None:
    """The store id the web-extension part references (``wa200008175`` for xlwings Lite)."""
    root = _part_root(path)
    ref = None if root is None else root.find(f"{{{WE_NS}}}reference")
    return None if ref is None else ref.get("id")


def _part_root(path: Path) -> etree._Element | None:
    """The workbook's web-extension part, parsed, or None if it has none."""
    with zipfile.ZipFile(path) as z:
        if PART not in z.namelist():
            return None
        return etree.fromstring(z.read(PART))
