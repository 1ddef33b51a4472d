"""Row groups appended to a Parquet file without decoding the ones it has.

pyarrow writes the new rows as a file of their own; its column chunks then follow the live file's
(whose footer is dropped), and a new footer lists the live row groups and the new ones, their byte
offsets moved by where the chunks now start. The footer is Thrift's compact protocol: read here into
a tree that writes back to the same bytes (checked), so only the offsets, row count and ordinals
change. Anything unexpected raises ValueError, and the caller builds the file another way.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MAGIC = b"PAR1"
STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)
INTEGERS = (I16, I32, I64)
# FileMetaData: 3 num_rows, 4 row_groups. RowGroup: 1 columns, 5 file_offset, 7 ordinal. ColumnChunk:
# 2 file_offset, 3 meta_data, 4 offset_index_offset, 6 column_index_offset. ColumnMetaData:
# 9 data_page_offset, 10 index_page_offset, 11 dictionary_page_offset, 14 bloom_filter_offset.
CHUNK_OFFSETS, META_OFFSETS = (2, 4, 6), (9, 10, 11, 14)


class Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def byte(self) -> int:
        if self.at >= len(self.data):
            raise ValueError("the footer ends early")
        self.at += 1
        return self.data[self.at - 1]

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def value(self, kind: int):
        if kind in (TRUE, FALSE):
            return kind == TRUE
        if kind == BYTE:
            return self.byte()
        if kind in INTEGERS:
            n = self.varint()
            return (n >> 1) ^ -(n & 1)
        if kind == DOUBLE:
            self.at += 8
            return self.data[self.at - 8:self.at]
        if kind == BINARY:
            size = self.varint()
            self.at += size
            return self.data[self.at - size:self.at]
        if kind in (LIST, SET):
            head = self.byte()
            size, element = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            if element in (TRUE, FALSE):
                raise ValueError("a list of booleans")
            return (element, [self.value(element) for _ in range(size)])
        if kind == STRUCT:
            return self.struct()
        raise ValueError(f"thrift type {kind}")

    def struct(self) -> list:
        fields, last = [], 0
        while True:
            head = self.byte()
            if head == STOP:
                return fields
            delta, kind = head >> 4, head & 0x0F
            ident = last + delta if delta else self.value(I16)
            fields.append([ident, kind, self.value(kind)])
            last = ident


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        if n < 0x80:
            out.append(n)
            return bytes(out)
        out.append((n & 0x7F) | 0x80)
        n >>= 7


def write_value(kind: int, value) -> bytes:
    if kind in (TRUE, FALSE):
        return b""
    if kind == BYTE:
        return bytes([value])
    if kind in INTEGERS:
        return varint((value << 1) ^ (value >> 63))
    if kind == DOUBLE:
        return value
    if kind == BINARY:
        return varint(len(value)) + value
    if kind in (LIST, SET):
        element, items = value
        head = bytes([(len(items) << 4) | element]) if len(items) < 15 else bytes([0xF0 | element]) + varint(len(items))
        return head + b"".join(write_value(element, item) for item in items)
    return write_struct(value)


def write_struct(fields: list) -> bytes:
    out, last = bytearray(), 0
    for ident, kind, value in fields:
        kind = (TRUE if value else FALSE) if kind in (TRUE, FALSE) else kind
        out += bytes([((ident - last) << 4) | kind]) if 0 < ident - last <= 15 else bytes([kind]) + write_value(I16, ident)
        out += write_value(kind, value)
        last = ident
    return bytes(out + bytes([STOP]))


def field(fields: list, ident: int):
    return next((f for f in fields if f[0] == ident), None)


def shift_row_group(group: list, delta: int, ordinal: int) -> None:
    for ident, kind, value in group:
        if ident == 1 and kind == LIST:
            for chunk in value[1]:
                for entry in chunk:
                    if entry[0] in CHUNK_OFFSETS and entry[1] == I64:
                        entry[2] += delta
                    if entry[0] == 3 and entry[1] == STRUCT:
                        for meta in entry[2]:
                            if meta[0] in META_OFFSETS and meta[1] == I64:
                                meta[2] += delta
    offset, number = field(group, 5), field(group, 7)
    if offset is not None:
        offset[2] += delta
    if number is not None:
        number[2] = ordinal


def footer(path_or_bytes) -> tuple[bytes, int]:
    """(footer bytes, where they start) of a Parquet file's contents."""
    data = path_or_bytes
    if data[:4] != MAGIC or data[-4:] != MAGIC:
        raise ValueError("not a Parquet file")
    size = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - size
    return data[start:-8], start


def parsed(data: bytes) -> list:
    tree = Reader(data).struct()
    if write_struct(tree) != data:
        raise ValueError("the footer does not write back to the same bytes")
    return tree


def append_row_groups(old: Path, table: pa.Table, path: Path, row_group_rows: int) -> None:
    """``path``: the file ``old`` plus ``table``'s rows in row groups of ``row_group_rows``."""
    tail = io.BytesIO()
    with pq.ParquetWriter(tail, table.schema, compression="zstd") as writer:
        writer.write_table(table, row_group_size=row_group_rows)
    new = tail.getvalue()
    with open(old, "rb") as file:
        file.seek(-8, os.SEEK_END)
        ending = file.read(8)
        old_size = file.tell()
        if ending[4:] != MAGIC:
            raise ValueError("not a Parquet file")
        old_start = old_size - 8 - int.from_bytes(ending[:4], "little")
        file.seek(old_start)
        old_tree = parsed(file.read(old_size - 8 - old_start))
    new_bytes, new_start = footer(new)
    new_tree = parsed(new_bytes)
    if [f for f in old_tree if f[0] not in (3, 4)] != [f for f in new_tree if f[0] not in (3, 4)]:
        raise ValueError("the schemas or writers differ")  # also schema and key-value metadata
    rows, groups = field(old_tree, 3), field(old_tree, 4)
    added = field(new_tree, 4)[2][1]
    delta = old_start - len(MAGIC)  # the new chunks move from after the magic to after the live chunks
    for number, group in enumerate(added, start=len(groups[2][1])):
        shift_row_group(group, delta, number)
    rows[2] += field(new_tree, 3)[2]
    groups[2][1].extend(added)
    combined = write_struct(old_tree)
    shutil.copyfile(old, path)  # a copy: released files are never edited in place
    with open(path, "r+b") as out:
        out.seek(old_start)
        out.truncate()
        out.write(new[len(MAGIC):new_start])
        out.write(combined + len(combined).to_bytes(4, "little") + MAGIC)
    check = pq.ParquetFile(path)  # the new rows read back as written, the row count adds up
    if check.metadata.num_rows != rows[2] or not check.read_row_group(check.num_row_groups - 1).equals(
            table.slice((len(added) - 1) * row_group_rows)):
        raise ValueError("the appended row groups do not read back")
