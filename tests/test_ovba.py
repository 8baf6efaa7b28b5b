"""The VBA project writer read back by oletools and olefile, independent readers of MS-OVBA and
MS-CFB: compression against the specification's examples, the compound file's directory tree,
the PROJECT stream's protection fields, and whole projects."""

from __future__ import annotations

import io
import random
import struct
import zipfile

import olefile
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from xladdin.errors import XladdinError
from xladdin.excel.cfb import Node, write_cfb
from xladdin.excel.ovba import (
    class_module,
    compress,
    document_module,
    encrypt,
    standard_module,
    write_vba_project,
)


def decompressed(data: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(data)))


def test_compression_matches_the_specification_examples():
    # MS-OVBA 3.2.1, no compression possible: the exact bytes
    plain = b"abcdefghijklmnopqrstuv."
    assert compress(plain) == bytes.fromhex("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70"
                                            " 00 71 72 73 74 75 76 2E")
    # MS-OVBA 3.2.2: the specification's own bytes pick other (equally long) matches than its
    # algorithm; both decompress to the text and have the same length
    text = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    spec = bytes.fromhex("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C"
                         " 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C")
    assert decompressed(spec) == text == decompressed(compress(text))
    assert len(compress(text)) == len(spec)
    # one literal and one copy token covering 14 bytes
    assert compress(b"a" * 15) == bytes.fromhex("01 03 B0 02 61 0B 00")


@pytest.mark.parametrize("size", [0, 1, 3, 4095, 4096, 4097, 8192, 20000])
def test_compression_round_trips(size):
    rng = random.Random(size)
    samples = [b"a" * size, bytes(rng.choice(b"ab \r\n") for _ in range(size)),
               bytes(rng.choice(b"Dim x As Long\r\n") for _ in range(size))]
    for data in samples:
        assert decompressed(compress(data)) == data


def test_an_incompressible_chunk_is_stored_raw():
    data = random.Random(1).randbytes(4096 * 2)
    packed = compress(data)
    assert packed[1:3] == b"\xff\x3f" and len(packed) == 1 + 2 * (2 + 4096)
    assert decompressed(packed) == data
    with pytest.raises(XladdinError, match="does not compress"):
        compress(random.Random(2).randbytes(4000))


def directory_entries(data: bytes) -> list[tuple[str, int, int, int, int]]:
    """(name, type, left, right, child) of every directory entry, read from the raw sectors."""
    ole = olefile.OleFileIO(io.BytesIO(data))
    raw = ole._open(ole.first_dir_sector).read()
    out = []
    for i in range(0, len(raw), 128):
        name_len, kind, _, left, right, child = struct.unpack_from("<HBBIII", raw, i + 64)
        out.append((raw[i:i + max(name_len - 2, 0)].decode("utf-16-le"), kind, left, right, child))
    return out


def test_compound_file_reads_back_and_its_trees_are_ordered():
    rng = random.Random(3)
    streams = [Node(f"m{i}", rng.randbytes(i * 370)) for i in range(25)]
    tree = [Node("VBA", children=streams + [Node("big", rng.randbytes(70000)), Node("empty", b"")]),
            Node("PROJECT", b"x" * 100), Node("Z", children=[Node("inner", children=[Node("z", b"zz")])])]
    data = write_cfb(tree)
    assert write_cfb(tree) == data  # reproducible
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    for node in streams:
        assert ole.openstream(f"VBA/{node.name}").read() == node.data
    assert ole.openstream("VBA/big").read() == tree[0].children[-2].data
    assert ole.openstream("VBA/empty").read() == b""
    assert ole.openstream("Z/inner/z").read() == b"zz"
    # every storage's children form a binary search tree by (length, upper-case name)
    entries = directory_entries(data)
    key = lambda i: (len(entries[i][0]), entries[i][0].upper())  # noqa: E731

    def check(i, low, high):
        if i == 0xFFFFFFFF:
            return 0
        name, kind, left, right, child = entries[i]
        assert (low is None or key(i) > low) and (high is None or key(i) < high)
        if kind in (1, 5):
            check(child, None, None)
        return 1 + check(left, low, key(i)) + check(right, key(i), high)

    assert check(entries[0][4], None, None) == 3
    assert entries[0][0] == "Root Entry"


def decrypt(project_id: str, text: str) -> bytes:
    """MS-OVBA 2.4.3.3 data decryption, checking the version and the project key."""
    data = bytes.fromhex(text)
    seed, version_enc, key_enc = data[0], data[1], data[2]
    assert seed ^ version_enc == 2
    key = seed ^ key_enc
    assert key == sum(project_id.encode()) & 0xFF
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    out = []
    for byte in data[3:]:
        value = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(value)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte, value
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(out[ignored:ignored + 4]), "little")
    payload = bytes(out[ignored + 4:])
    assert len(payload) == length
    return payload


def test_protection_fields_decrypt_as_unprotected_and_visible():
    from xladdin.excel.vba import xlwings_dir

    # the decryption replay reads the fields Excel wrote into xlwings' quickstart add-in
    with zipfile.ZipFile(xlwings_dir() / "quickstart_addin_ribbon.xlam") as z:
        quickstart = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    text = quickstart.openstream("PROJECT").read().decode("cp1252")
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    qid = fields["ID"].strip('"')
    assert decrypt(qid, fields["CMG"].strip('"')) == bytes(4)
    assert decrypt(qid, fields["GC"].strip('"')) == b"\xff"
    for seed in (0x00, 0x5D, 0xFF):
        assert decrypt("{ABC}", encrypt("{ABC}", b"\x01\x02\x03", seed)) == b"\x01\x02\x03"


def test_a_project_reads_back_with_oletools(tmp_path):
    cls = ('VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  \'True\nEND\nAttribute VB_Name = "Counter"\n'
           'Attribute VB_GlobalNameSpace = False\nAttribute VB_Creatable = False\n'
           'Attribute VB_PredeclaredId = False\nAttribute VB_Exposed = True\nPrivate n As Long\n'
           'Public Function Add() As Long\n    n = n + 1\n    Add = n\nEnd Function\n')
    long_code = "".join(f"Function F{i}(x)\n    F{i} = x * {i}\nEnd Function\n\n" for i in range(400))
    modules = [document_module("ThisWorkbook", "{00020819-0000-0000-C000-000000000046}"),
               class_module("Counter", cls), standard_module("Big", long_code),
               standard_module("Small", 'Attribute VB_Name = "Old"\nSub Hello()\nEnd Sub\n')]
    data = write_vba_project("Demo", "{11111111-2222-3333-4444-555555555555}", modules)
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(data)
    parser = VBA_Parser(str(path))
    found = {name: code.replace("\r\n", "\n") for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert set(found) == {"ThisWorkbook.cls", "Counter.cls", "Big.bas", "Small.bas"}
    assert found["Big.bas"] == 'Attribute VB_Name = "Big"\n' + long_code
    assert found["Small.bas"] == 'Attribute VB_Name = "Small"\nSub Hello()\nEnd Sub\n'
    assert found["Counter.cls"].startswith('Attribute VB_Name = "Counter"\nAttribute VB_Base = "0{FCFB3D2A-')
    assert "MultiUse" not in found["Counter.cls"] and "Public Function Add() As Long" in found["Counter.cls"]
    ole = olefile.OleFileIO(str(path))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")  # no p-code
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert 'Name="Demo"' in project and "Document=ThisWorkbook/&H00000000" in project
    assert "Class=Counter" in project and "Module=Big" in project
    assert write_vba_project("Demo", "{11111111-2222-3333-4444-555555555555}", modules) == data


def test_text_outside_the_code_page_is_refused():
    with pytest.raises(XladdinError, match="'数据' cannot be stored in code page 1252"):
        write_vba_project("P", "{0}", [standard_module("M", "Function F(数据)\nEnd Function\n")])
