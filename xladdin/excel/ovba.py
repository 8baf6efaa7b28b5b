"""A writer of VBA projects (MS-OVBA): the ``vbaProject.bin`` part of an xlsm or xlam.

The project is written from module source alone: each module stream holds its compressed
source and no compiled p-code, the ``_VBA_PROJECT`` stream declares no performance cache, and
the ``dir`` and ``PROJECT`` streams describe the modules. MS-OVBA makes the cache optional;
Office compiles the source when the cache is absent, which is also how it treats a project
saved by another VBA version. The file is byte-for-byte reproducible.

Only what an add-in needs: standard, class and document modules, registered type-library
references, no password, no digital signature.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from xladdin.errors import XladdinError
from xladdin.excel.cfb import Node, write_cfb

CHUNK = 4096
#: Office's own type library: IRibbonControl, the ribbon callbacks' argument type.
OFFICE_REFERENCE = ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\"
                              "Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 "
                              "Object Library")
#: VB_Base of a class module (MS-OVBA 2.3.4.3 leaves it to the host; VBE writes this one).
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"


# --- compression (MS-OVBA 2.4.1) -------------------------------------------------------------

def _compress_chunk(data: bytes) -> bytes:
    """One compressed chunk: a header and token sequences, each a flag byte and eight tokens.

    Matches are chosen as in MS-OVBA 2.4.1.3.19.4: the longest match within the chunk, measured
    before it is cut to the longest length a copy token can hold, the nearest on ties. A hash of
    the next three bytes lists the candidates, nearest first.
    """
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    pos = 0
    while pos < len(data):
        flags, tokens = 0, bytearray()
        for bit in range(8):
            if pos >= len(data):
                break
            bitcount = max((pos - 1).bit_length(), 4) if pos > 0 else 4
            max_length = (0xFFFF >> bitcount) + 3
            best_len, best_at = 0, 0
            limit = len(data) - pos
            for cand in reversed(seen.get(data[pos:pos + 3], ())):
                length = 0
                while length < limit and data[cand + length] == data[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_at = length, cand
                    if length == limit:
                        break
            best_len = min(best_len, max_length)
            step = best_len if best_len >= 3 else 1
            if best_len >= 3:
                flags |= 1 << bit
                tokens += struct.pack("<H", ((pos - best_at - 1) << (16 - bitcount)) | (best_len - 3))
            else:
                tokens.append(data[pos])
            for p in range(pos, pos + step):
                if p + 3 <= len(data):
                    seen.setdefault(data[p:p + 3], []).append(p)
            pos += step
        out.append(flags)
        out += tokens
    if len(out) > CHUNK:  # incompressible: stored raw, which only a full chunk can be
        if len(data) < CHUNK:
            raise XladdinError("VBA source: a final chunk that does not compress cannot be stored")
        return struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + data
    return struct.pack("<H", 0xB000 | (len(out) + 2 - 3)) + out


def compress(data: bytes) -> bytes:
    """MS-OVBA compression: a signature byte, then one chunk per 4096 bytes of input."""
    return b"\x01" + b"".join(_compress_chunk(data[i:i + CHUNK]) for i in range(0, len(data), CHUNK))


# --- PROJECT stream protection fields (MS-OVBA 2.4.3) ---------------------------------------

def encrypt(project_id: str, data: bytes, seed: int) -> str:
    """Data encryption of the CMG, DPB and GC fields, as upper-case hex.

    ``seed`` stands for the format's random byte; a fixed one keeps builds reproducible.
    """
    key = sum(project_id.encode("ascii")) & 0xFF
    version = 2
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version
    ignored = [0] * ((seed & 6) // 2)
    for value in ignored + list(struct.pack("<I", len(data))) + list(data):
        byte = value ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte, value
    return out.hex().upper()


# --- the project -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Module:
    """A module as the project stores it: ``source`` starts with its ``Attribute`` lines."""

    name: str
    kind: str  # "module", "class" or "document"
    source: str


def standard_module(name: str, code: str) -> Module:
    """A standard module from its code; a leading ``Attribute VB_Name`` line is replaced."""
    code = re.sub(r'\AAttribute VB_Name = "[^"]*"\r?\n', "", code)
    return Module(name, "module", f'Attribute VB_Name = "{name}"\n' + code)


def class_module(name: str, exported: str) -> Module:
    """A class module from a ``.cls`` export: the ``VERSION``/``BEGIN…END`` header goes, and the
    attributes VBE adds on import (``VB_Base``, ``VB_TemplateDerived``, ``VB_Customizable``)
    come in."""
    lines = exported.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        end = lines.index("END")
        lines = lines[end + 1:]
    attributes = {m.group(1): m.group(2) for ln in lines
                  if (m := re.match(r"Attribute VB_(\w+) = (.*)$", ln))}
    head = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{CLASS_BASE}"']
    for key in ("GlobalNameSpace", "Creatable", "PredeclaredId", "Exposed"):
        head.append(f"Attribute VB_{key} = {attributes.get(key, 'False')}")
    head += ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
    body = [ln for ln in lines if not re.match(r"Attribute VB_(Name|Base|GlobalNameSpace|Creatable|"
                                               r"PredeclaredId|Exposed|TemplateDerived|Customizable) ", ln)]
    return Module(name, "class", "\n".join(head + body))


def document_module(name: str, base_clsid: str, code: str = "") -> Module:
    """The module behind a workbook (``{00020819-…}``) or a worksheet (``{00020820-…}``)."""
    head = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "0{base_clsid}"',
            "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name, "document", "\n".join(head) + "\n" + code)


def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _text(rid: int, unicode_rid: int | None, text: str, codepage: str) -> bytes:
    out = _record(rid, text.encode(codepage))
    return out + _record(unicode_rid, text.encode("utf-16-le")) if unicode_rid is not None else out


def _dir_stream(name: str, modules: list[Module], references: list[tuple[str, str]],
                codepage: int) -> bytes:
    """The ``dir`` stream (MS-OVBA 2.3.4.2), before compression."""
    cp = f"cp{codepage}"
    out = bytearray()
    out += _record(0x01, struct.pack("<I", 1))            # SYSKIND: Win32; any host recompiles
    out += _record(0x02, struct.pack("<I", 0x409))        # LCID
    out += _record(0x14, struct.pack("<I", 0x409))        # LCIDINVOKE
    out += _record(0x03, struct.pack("<H", codepage))     # CODEPAGE
    out += _record(0x04, name.encode(cp))                 # NAME
    out += _text(0x05, 0x40, "", cp)                      # DOCSTRING
    out += _text(0x06, 0x3D, "", cp)                      # HELPFILEPATH (twice)
    out += _record(0x07, struct.pack("<I", 0))            # HELPCONTEXT
    out += _record(0x08, struct.pack("<I", 0))            # LIBFLAGS
    out += struct.pack("<HIIH", 0x09, 4, 1, 0)            # VERSION: major 1, minor 0
    out += _text(0x0C, 0x3C, "", cp)                      # CONSTANTS
    for ref_name, libid in references:
        out += _text(0x16, 0x3E, ref_name, cp)            # REFERENCENAME
        lib = libid.encode(cp)
        out += _record(0x0D, struct.pack("<I", len(lib)) + lib + b"\0" * 6)  # REFERENCEREGISTERED
    out += _record(0x0F, struct.pack("<H", len(modules)))  # PROJECTMODULES
    out += _record(0x13, struct.pack("<H", 0xFFFF))        # PROJECTCOOKIE
    for module in modules:
        out += _text(0x19, 0x47, module.name, cp)          # MODULENAME (+ unicode)
        out += _text(0x1A, 0x32, module.name, cp)          # MODULESTREAMNAME
        out += _text(0x1C, 0x48, "", cp)                   # MODULEDOCSTRING
        out += _record(0x31, struct.pack("<I", 0))         # MODULEOFFSET: source at 0, no p-code
        out += _record(0x1E, struct.pack("<I", 0))         # MODULEHELPCONTEXT
        out += _record(0x2C, struct.pack("<H", 0xFFFF))    # MODULECOOKIE
        out += _record(0x21 if module.kind == "module" else 0x22, b"")  # MODULETYPE
        out += _record(0x2B, b"")                          # terminator
    out += struct.pack("<HI", 0x10, 0)                     # end of dir
    return bytes(out)


def _project_stream(name: str, project_id: str, modules: list[Module], codepage: int) -> bytes:
    """The ``PROJECT`` stream (MS-OVBA 2.3.1): modules, name and an unprotected, visible state."""
    visible = b"\xff"
    lines = [f'ID="{project_id}"']
    for module in modules:
        lines.append({"module": f"Module={module.name}", "class": f"Class={module.name}",
                      "document": f"Document={module.name}/&H00000000"}[module.kind])
    lines += [f'Name="{name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{encrypt(project_id, bytes(4), 0x00)}"',   # protection state: none
              f'DPB="{encrypt(project_id, bytes(1), 0x00)}"',   # password: none
              f'GC="{encrypt(project_id, visible, 0x00)}"',     # visibility: visible
              "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", "",
              "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{codepage}")


def _project_wm(modules: list[Module], codepage: int) -> bytes:
    """The ``PROJECTwm`` stream: each module name in the code page and in UTF-16."""
    return b"".join(m.name.encode(f"cp{codepage}") + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                    for m in modules) + b"\0\0"


def write_vba_project(name: str, project_id: str, modules: list[Module],
                      references: list[tuple[str, str]] = (OFFICE_REFERENCE,),
                      codepage: int = 1252) -> bytes:
    """The bytes of a ``vbaProject.bin`` holding ``modules`` as source only.

    Source is stored in the project's code page with CRLF line ends, as VBE stores it; text the
    code page cannot hold is refused rather than garbled.
    """
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise XladdinError(f"VBA project {name}: two modules share a name")
    streams = []
    for module in modules:
        text = module.source.replace("\r\n", "\n").replace("\n", "\r\n")
        try:
            raw = text.encode(f"cp{codepage}")
        except UnicodeEncodeError as exc:
            raise XladdinError(f"VBA module {module.name}: '{text[exc.start:exc.end]}' cannot be "
                               f"stored in code page {codepage}; use ASCII names in the VBA") from None
        streams.append(Node(module.name, compress(raw)))
    streams.append(Node("_VBA_PROJECT", struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0x0001)))
    streams.append(Node("dir", compress(_dir_stream(name, modules, list(references), codepage))))
    return write_cfb([Node("VBA", children=streams),
                      Node("PROJECT", _project_stream(name, project_id, modules, codepage)),
                      Node("PROJECTwm", _project_wm(modules, codepage))])
