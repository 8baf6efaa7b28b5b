"""A writer of Compound File Binary files (MS-CFB, version 3), the container of vbaProject.bin.

Only what a VBA project needs: storages and streams written once, in memory, with zero
timestamps and zero class ids, so equal content gives equal bytes. Streams under 4096 bytes
live in the mini stream (64-byte sectors), as the format requires; larger ones in 512-byte
sectors. Each storage's children form a balanced binary tree, all nodes black (a valid
red-black tree), ordered by name length and then upper-cased name, as MS-CFB 2.6.4 asks.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from xladdin.errors import XladdinError

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END_OF_CHAIN, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
HEADER_FAT_SLOTS = 109
STORAGE, STREAM, ROOT = 1, 2, 5


@dataclass
class Node:
    """A storage (``children``) or a stream (``data``)."""

    name: str
    data: bytes | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def is_stream(self) -> bool:
        return self.data is not None


def _sort_key(name: str) -> tuple[int, str]:
    return len(name.encode("utf-16-le")) // 2, name.upper()


def _chain(start: int, count: int) -> list[int]:
    """FAT entries for ``count`` consecutive sectors starting at ``start``."""
    return [start + i + 1 for i in range(count - 1)] + [END_OF_CHAIN] if count else []


def write_cfb(children: list[Node]) -> bytes:
    """The compound file whose root storage holds ``children``."""
    entries: list[Node] = [Node("Root Entry", children=children)]
    links: list[list[int]] = [[NO_STREAM, NO_STREAM, NO_STREAM]]  # left, right, child

    def add_tree(nodes: list[Node]) -> int:
        """Add the siblings as a balanced tree; return the root's entry index."""
        if not nodes:
            return NO_STREAM
        mid = len(nodes) // 2
        index = len(entries)
        entries.append(nodes[mid])
        links.append([NO_STREAM, NO_STREAM, NO_STREAM])
        links[index][0] = add_tree(nodes[:mid])
        links[index][1] = add_tree(nodes[mid + 1:])
        if not nodes[mid].is_stream:
            links[index][2] = add_children(nodes[mid])
        return index

    def add_children(storage: Node) -> int:
        names = [_sort_key(c.name) for c in storage.children]
        if len(set(names)) != len(names):
            raise XladdinError(f"compound file: two entries of storage '{storage.name}' share a name")
        return add_tree(sorted(storage.children, key=lambda c: _sort_key(c.name)))

    links[0][2] = add_children(entries[0])
    for node in entries:
        if len(node.name) > 31:
            raise XladdinError(f"compound file: entry name '{node.name}' is longer than 31 characters")

    # The mini stream: every small stream, each padded to whole 64-byte mini sectors.
    mini = bytearray()
    mini_fat: list[int] = []
    starts: dict[int, tuple[int, int]] = {}  # entry index -> (start sector, size)
    big: list[tuple[int, bytes]] = []
    for i, node in enumerate(entries):
        if not node.is_stream:
            continue
        data = node.data or b""
        if len(data) >= MINI_CUTOFF:
            big.append((i, data))
        elif data:
            count = -(-len(data) // MINI_SECTOR)
            starts[i] = (len(mini_fat), len(data))
            mini_fat += _chain(len(mini_fat), count)
            mini += data.ljust(count * MINI_SECTOR, b"\0")
        else:
            starts[i] = (END_OF_CHAIN, 0)

    def sectors(size: int) -> int:
        return -(-size // SECTOR)

    dir_sectors = sectors(len(entries) * 128)
    minifat_sectors = sectors(len(mini_fat) * 4)
    mini_sectors = sectors(len(mini))
    data_sectors = sum(sectors(len(d)) for _, d in big)
    body = dir_sectors + minifat_sectors + mini_sectors + data_sectors
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < body + fat_sectors:
        fat_sectors += 1
    if fat_sectors > HEADER_FAT_SLOTS:
        raise XladdinError("compound file: too large for this writer (over 6.8 MB)")

    fat: list[int] = [FAT_SECTOR] * fat_sectors
    dir_start = len(fat)
    fat += _chain(dir_start, dir_sectors)
    minifat_start = len(fat) if minifat_sectors else END_OF_CHAIN
    fat += _chain(len(fat), minifat_sectors)
    mini_start = len(fat) if mini_sectors else END_OF_CHAIN
    fat += _chain(len(fat), mini_sectors)
    for i, data in big:
        starts[i] = (len(fat), len(data))
        fat += _chain(len(fat), sectors(len(data)))
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))

    directory = bytearray()
    for i, node in enumerate(entries):
        name = node.name.encode("utf-16-le") + b"\0\0"
        kind = ROOT if i == 0 else (STREAM if node.is_stream else STORAGE)
        start, size = (mini_start, len(mini)) if i == 0 else starts.get(i, (0, 0))
        left, right, child = links[i]
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), kind, 1, left, right, child,
                                 b"\0" * 16, 0, 0, 0, start, size)
    directory += (b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM)
                  + b"\0" * 48) * (dir_sectors * (SECTOR // 128) - len(entries))

    difat = list(range(fat_sectors)) + [FREE] * (HEADER_FAT_SLOTS - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
                         0x003E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, fat_sectors, dir_start, 0,
                         MINI_CUTOFF, minifat_start, minifat_sectors, END_OF_CHAIN, 0)
    header += struct.pack(f"<{HEADER_FAT_SLOTS}I", *difat)

    def padded(data: bytes) -> bytes:
        return bytes(data).ljust(sectors(len(data)) * SECTOR, b"\0")

    out = bytearray(header)
    out += struct.pack(f"<{len(fat)}I", *fat)
    out += directory
    out += padded(struct.pack(f"<{len(mini_fat)}I", *mini_fat))
    out += padded(mini)
    for _, data in big:
        out += padded(data)
    return bytes(out)
