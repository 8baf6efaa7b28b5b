"""Zip members written as an xlsx needs them: streamed with ZIP64 only where needed, and
copied as their compressed bytes where they are kept unchanged."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from xladdin.errors import XladdinError


def open_member(dst: zipfile.ZipFile, name: str, size: int):
    """A member of ``dst`` to stream ``size`` bytes into (deflated at ``dst``'s level), with a
    ZIP64 extra only if the member needs one.

    A member streamed without a known size would have to reserve ZIP64 in its local header
    (``force_zip64``) in case it grows past 4 GiB; ``zipfile`` then writes that extra in the
    local header but not in the central directory, and strict readers (SheetJS; Excel is
    known to be strict about ZIP64) refuse the file. The size is known here, so the member
    uses ZIP64 exactly when it exceeds 4 GiB, and then in both records (``zipfile`` adds the
    central extra for sizes past the limit).
    """
    # Given a name (not a ZipInfo), zipfile takes dst's compression level and reserves ZIP64
    # only when told to.
    return dst.open(name, "w", force_zip64=size > zipfile.ZIP64_LIMIT)


def copy_compressed(source: Path, item: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
    """Copy one member of the zip file ``source`` into ``dst`` as its compressed bytes.

    Inflating and deflating an untouched part costs the most of a save: a 1M-row 原始数据
    sheet is ~500 MB of XML, ~7 s of zlib. The member's data, CRC and sizes are taken over
    unchanged (so it stays byte-identical); only its local header is written anew, without a
    data descriptor, at the position ``dst`` writes its next member. ``zipfile`` has no public
    call for this: the steps mirror what its own writer does when a member is closed.
    """
    with open(source, "rb") as src:
        src.seek(item.header_offset)
        header = src.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise XladdinError(f"{source.name}: a damaged part ({item.filename}); open and save the "
                               "workbook again in Excel")
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        src.seek(item.header_offset + 30 + name_length + extra_length)
        info = zipfile.ZipInfo(item.filename, item.date_time)
        info.compress_type = item.compress_type
        info.flag_bits = item.flag_bits & ~0x08  # sizes are known: no trailing data descriptor
        info.external_attr, info.create_system = item.external_attr, item.create_system
        info.CRC, info.compress_size, info.file_size = item.CRC, item.compress_size, item.file_size
        dst.fp.seek(dst.start_dir)
        info.header_offset = dst.fp.tell()
        dst.fp.write(info.FileHeader())
        left = item.compress_size
        while left:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise XladdinError(f"{source.name}: the file is cut short ({item.filename}); open "
                                   "and save the workbook again in Excel")
            dst.fp.write(chunk)
            left -= len(chunk)
    dst.start_dir = dst.fp.tell()
    dst.filelist.append(info)
    dst.NameToInfo[info.filename] = info
