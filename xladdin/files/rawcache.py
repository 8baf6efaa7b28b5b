"""A cache of validated raw tables, so that refreshing an unchanged workbook skips its 原始数据.

Reading and validating a million raw rows from an xlsx costs seconds, and most refreshes
find the raw data as it was (only the month in 设置 changed, or the workbook is refreshed
twice). The zip directory of an xlsx already records, for every part, a CRC-32 and the size
of its content: a fingerprint of the 原始数据 sheet that costs nothing to read. The
validated table is kept as an uncompressed Arrow IPC file in the user's cache folder (read
back in hundredths of a second, where Parquet's decoding of a million rows of text costs
tenths: the space is bounded, the wait is not), under a key made of that
fingerprint, the parts the sheet's text depends on (shared strings, styles, the date
system), the file name (it is in every message and in the ``source`` column), the read
options and the xladdin version. A part that changed, or any doubt, reads the sheet as
before; the cache never decides a result on its own.

Entries are written to a temporary file and renamed (concurrent refreshes never see half
an entry), and the folder is kept under ``MAX_BYTES`` by removing the least recently used
entries. ``XLADDIN_CACHE_DIR`` moves the folder; ``XLADDIN_CACHE_DIR=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

from xladdin.engine.raw import RAW_SHEET, RawData, read_raw
from xladdin.engine.scope import Scope, load_scope
from xladdin.errors import Finding, Findings, XladdinError
from xladdin.version import __version__

FORMAT = 4  # bumped when the entry layout or the reading rules change
MAX_BYTES = 512 * 1024 * 1024
SUFFIX = ".arrow"
_SHARED = "xl/sharedStrings.xml"
_SI = re.compile(rb"<(?:\w+:)?si[\s>/]")
_SI_END = re.compile(rb"</(?:\w+:)?si>|<(?:\w+:)?si\s*/>")


def cache_dir() -> Path | None:
    """The user's cache folder for xladdin, or None when caching is turned off."""
    chosen = os.environ.get("XLADDIN_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "xladdin" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "xladdin"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "xladdin"


def _shared_items(data: bytes) -> bytes:
    """The <si> items of a shared-string part, without the header whose counts change."""
    first = _SI.search(data)
    if first is None:
        return b""
    ends = list(_SI_END.finditer(data, first.start()))
    return data[first.start():ends[-1].end()] if ends else b""


class Fingerprint:
    """What identifies the raw table of one xlsx, read from its zip directory."""

    def __init__(self, path: Path, flow: str | None, period: str | None, scope: Scope) -> None:
        from xladdin.ooxml.xlsxpatch import XlsxPatch

        self.path, self.scope = path, scope
        patch = XlsxPatch(path)
        try:
            part = patch.parts.get(RAW_SHEET)
            if part is None:
                raise KeyError(RAW_SHEET)
            infos = {i.filename: i for i in patch.zip.infolist()}
            sheet = infos[part]
            styles = infos.get("xl/styles.xml")
            workbook = patch.zip.read("xl/workbook.xml")
            self.shared = _shared_items(patch.zip.read(_SHARED)) if _SHARED in infos else b""
        finally:
            patch.close()
        self.key = {
            "format": FORMAT, "version": __version__, "name": path.name, "part": part,
            "crc": sheet.CRC, "size": sheet.file_size,
            "styles": [styles.CRC, styles.file_size] if styles else None,
            "date1904": bool(re.search(rb'date1904="(1|true)"', workbook)),
            "flow": flow, "period": period, "scope": [scope.id, scope.digest],
        }
        self.name = hashlib.sha256(json.dumps(self.key, sort_keys=True).encode()).hexdigest()[:32]

    def shared_matches(self, length: int, digest: str) -> bool:
        """The sheet's shared strings are those it was read with: the string table may have
        grown at its end (text typed elsewhere), never changed where the sheet can point."""
        return len(self.shared) >= length and \
            hashlib.sha256(self.shared[:length]).hexdigest() == digest


def fingerprint(path: Path, flow: str | None = None, period: str | None = None,
                scope: Scope | None = None) -> Fingerprint | None:
    try:
        return Fingerprint(path, flow, period, load_scope(scope))
    except (OSError, KeyError, zipfile.BadZipFile, XladdinError, ValueError):
        return None  # not a plain xlsx with a raw sheet: the reader says what is wrong


def load(folder: Path, print_: Fingerprint) -> RawData | None:
    """The cached raw table for a fingerprint, or None (missing, stale or unreadable)."""
    import pyarrow.feather as feather

    entry = folder / f"{print_.name}{SUFFIX}"
    try:
        table = feather.read_table(entry, memory_map=False)  # a mapped file blocks its removal on Windows
        meta = json.loads(table.schema.metadata[b"xladdin"])
        if meta["key"] != print_.key or not print_.shared_matches(meta["shared"], meta["shared_sha"]):
            return None
        frame = table.replace_schema_metadata(None).to_pandas()
        os.utime(entry)  # recently used: kept longest
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry is not an answer
        _remove(entry)
        return None
    findings = Findings([Finding(**item) for item in meta["findings"]])
    left = meta.get("left_out")
    import pandas as pd

    left_out = pd.DataFrame(left["rows"], columns=left["columns"]) if left else None
    return RawData(frame, findings, meta["labels"], meta["files"], left_out, scope=print_.scope)


def store(folder: Path, print_: Fingerprint, raw: RawData) -> None:
    """Keep a validated raw table; never fails the job that read it."""
    import pyarrow as pa
    import pyarrow.feather as feather

    meta = {"key": print_.key, "findings": [f.as_dict() for f in raw.findings],
            "labels": raw.partner_labels, "files": raw.files, "shared": len(print_.shared),
            "shared_sha": hashlib.sha256(print_.shared).hexdigest()}
    if raw.left_out is not None and len(raw.left_out):  # rows the tables leave out, kept as written
        left = raw.left_out.astype(object)
        meta["left_out"] = {"columns": list(left.columns),
                            "rows": left.where(left.notna(), None).values.tolist()}
    temp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(raw.frame, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               b"xladdin": json.dumps(meta, ensure_ascii=False).encode()})
        handle, temp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=folder)
        os.close(handle)
        feather.write_feather(table, temp, compression="uncompressed")
        os.replace(temp, folder / f"{print_.name}{SUFFIX}")
        temp = None
        _trim(folder)
    except Exception:
        pass  # a full disk or a read-only cache folder only costs the next read
    finally:
        if temp:
            _remove(Path(temp))


def _trim(folder: Path, limit: int = MAX_BYTES) -> None:
    """Remove the least recently used entries until the folder is under ``limit`` bytes."""
    entries = []
    for entry in folder.glob(f"*{SUFFIX}"):
        try:
            stat = entry.stat()
        except OSError:
            continue
        entries.append((stat.st_mtime, stat.st_size, entry))
    total = sum(size for _, size, _ in entries)
    for _, size, entry in sorted(entries, key=lambda e: e[0]):
        if total <= limit:
            break
        _remove(entry)
        total -= size


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass  # in use (Windows) or gone already


def _state(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def read_raw_cached(paths: list[Path | str], flow: str | None = None, period: str | None = None,
                    scope: Scope | str | None = None) -> RawData:
    """``read_raw``, with each workbook's raw table taken from the cache when its raw sheet is
    unchanged (the key holds the product scope). CSV files (and anything the cache cannot
    vouch for) are read as always."""
    scope = load_scope(scope)
    folder = cache_dir()
    parts = []
    for item in paths:
        path = Path(item)
        print_ = None
        if folder is not None and path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
            before = _state(path)
            print_ = fingerprint(path, flow, period, scope)
        cached = load(folder, print_) if print_ else None
        if cached is not None:
            parts.append(cached)
            continue
        raw = read_raw([path], flow=flow, period=period, scope=scope)
        if print_ is not None and _state(path) == before and \
                (after := fingerprint(path, flow, period, scope)) and after.key == print_.key and \
                after.shared == print_.shared:
            store(folder, print_, raw)  # only what was read from the file as fingerprinted
        parts.append(raw)
    return parts[0] if len(parts) == 1 else RawData.concat(parts, scope)
