"""An independent look at a zip file's two records of each member.

A zip member is described twice: by its local header (just before its data) and by its
entry in the central directory (at the end). Readers differ in which they trust: Python's
``zipfile`` reads the central directory, SheetJS and streaming readers the local header,
Excel is known to refuse a file whose two disagree. ``disagreements`` reads both records
with ``struct`` straight from the bytes (not through ``zipfile``, which wrote them) and lists
every field on which they differ, and every ZIP64 extra a member carries without needing it.
"""

from __future__ import annotations

import struct
from pathlib import Path

LIMIT = 0xFFFFFFFF
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory file header, 46 bytes
_LOCAL = struct.Struct("<4s5H3L2H")  # local file header, 30 bytes
_END = struct.Struct("<4s4H2LH")  # end of central directory record, 22 bytes


def _extras(blob: bytes) -> dict[int, bytes]:
    """The extra field's blocks by header id."""
    found, at = {}, 0
    while at + 4 <= len(blob):
        key, size = struct.unpack_from("<HH", blob, at)
        found[key] = blob[at + 4:at + 4 + size]
        at += 4 + size
    return found


def _wide(fields: list[int], extra: dict[int, bytes]) -> list[int]:
    """The real values of the fields that read 0xFFFFFFFF, from the ZIP64 extra, in its order
    (size, compressed size, local header offset: only those that overflowed are in it)."""
    blob = extra.get(1, b"")
    values = list(struct.unpack(f"<{len(blob) // 8}Q", blob[:len(blob) // 8 * 8]))
    return [values.pop(0) if field == LIMIT and values else field for field in fields]


def members(path: Path) -> list[dict]:
    """Each member's central entry and local header, as dicts of their fields."""
    data = Path(path).read_bytes()
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        raise ValueError("no end of central directory record")
    _, _, _, _, count, _, offset, _ = _END.unpack_from(data, end)
    if offset == LIMIT or count == 0xFFFF:
        raise ValueError("the directory itself is ZIP64, which no file of ours needs")
    found = []
    for _ in range(count):
        (sig, made_by, version, flags, method, time, date, crc, csize, usize, name_len, extra_len,
         comment_len, _, _, _, local_at) = _CENTRAL.unpack_from(data, offset)
        if sig != b"PK\x01\x02":
            raise ValueError(f"no central directory entry at {offset}")
        name = data[offset + 46:offset + 46 + name_len]
        extra = _extras(data[offset + 46 + name_len:offset + 46 + name_len + extra_len])
        usize, csize, local_at = _wide([usize, csize, local_at], extra)
        central = {"name": name, "version": version, "flags": flags, "method": method, "time": time,
                   "date": date, "crc": crc, "compressed": csize, "size": usize, "zip64": 1 in extra}
        (lsig, lversion, lflags, lmethod, ltime, ldate, lcrc, lcsize, lusize, lname_len,
         lextra_len) = _LOCAL.unpack_from(data, local_at)
        if lsig != b"PK\x03\x04":
            raise ValueError(f"{name!r}: no local header at {local_at}")
        lname = data[local_at + 30:local_at + 30 + lname_len]
        lextra = _extras(data[local_at + 30 + lname_len:local_at + 30 + lname_len + lextra_len])
        lusize, lcsize = _wide([lusize, lcsize], lextra)
        if lflags & 0x08:  # sizes and CRC follow the data, in a data descriptor
            after = local_at + 30 + lname_len + lextra_len + csize
            sig_skip = 4 if data[after:after + 4] == b"PK\x07\x08" else 0
            wide = 1 in lextra
            lcrc, lcsize, lusize = struct.unpack_from("<LQQ" if wide else "<LLL", data, after + sig_skip)
        local = {"name": lname, "version": lversion, "flags": lflags, "method": lmethod, "time": ltime,
                 "date": ldate, "crc": lcrc, "compressed": lcsize, "size": lusize, "zip64": 1 in lextra}
        found.append({"central": central, "local": local, "made_by": made_by, "offset": local_at})
        offset += 46 + name_len + extra_len + comment_len
    return found


def disagreements(path: Path, limit: int = LIMIT) -> list[str]:
    """Every way a member's local header and central entry differ, or carry ZIP64 needlessly
    (``limit``: the size past which ZIP64 is needed; lowered only by tests)."""
    problems = []
    for member in members(path):
        central, local = member["central"], member["local"]
        name = central["name"].decode("utf-8", "replace")
        far = member["offset"] > limit  # only the central entry can say where the member starts
        for field in central:
            if field == "version" and far and central[field] == 45 and local[field] < 45:
                continue  # the central entry's ZIP64 offset needs 4.5; the local header does not
            if field != "zip64" and central[field] != local[field]:
                problems.append(f"{name}: {field} local {local[field]!r} != central {central[field]!r}")
        large = central["size"] > limit or central["compressed"] > limit
        for where, record, needs in (("local", local, large),
                                     ("central", central, large or far)):
            if record["zip64"] != needs:
                problems.append(f"{name}: {where} header {'has' if record['zip64'] else 'lacks'} a ZIP64 "
                                f"extra for a member of {central['size']} bytes")
    return problems
