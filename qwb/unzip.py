"""One part of a zip archive (an .xlsx), unzipped fast.

qwb unzips a return's entry sheet a second time, after python-calamine, to see the formulas and error
values calamine does not report. zipfile inflates it with the standard zlib, which is about as costly as
everything else qwb does with the sheet; ISA-L (the optional ``isal`` package, installed where it has a
wheel) inflates the same bytes five times faster. Without it, or for anything but a plain deflated or
stored part, zipfile reads the part as before.
"""

from __future__ import annotations

import struct
import zipfile
from types import ModuleType

LOCAL_HEADER = b"PK\x03\x04"


def _inflater() -> ModuleType | None:
    try:
        from isal import isal_zlib
    except ImportError:
        return None
    return isal_zlib


INFLATE = _inflater()


def read_part(archive: zipfile.ZipFile, data: bytes | None, name: str, until: bytes = b"") -> bytes:
    """The part ``name`` of the archive whose bytes are ``data`` (None: not at hand, zipfile reads it), at most
    the size the archive declares for it, which qwb.guard has checked; ``until``: only the part up to the first
    occurrence of these bytes is wanted."""
    text = _inflated(archive, data, name, until)
    end = text.find(until) if until else -1
    return text[:end + len(until)] if end >= 0 else text


def _inflated(archive: zipfile.ZipFile, data: bytes | None, name: str, until: bytes) -> bytes:
    info = archive.getinfo(name)
    raw = None if data is None else _raw(data, info)
    if raw is None or info.flag_bits & 0x1:  # encrypted, or not where it should be: whatever zipfile says
        return _by_zipfile(archive, name, until)
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[:info.file_size]
    if info.compress_type != zipfile.ZIP_DEFLATED or INFLATE is None:
        return _by_zipfile(archive, name, until)
    try:
        return INFLATE.decompressobj(-15).decompress(raw, info.file_size)
    except INFLATE.error:
        return _by_zipfile(archive, name, until)


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The part's compressed bytes, located by its local header; None when the header is not where the
    central directory says."""
    at = info.header_offset
    if data[at:at + 4] != LOCAL_HEADER or len(data) < at + 30:
        return None
    name_length, extra_length = struct.unpack("<HH", data[at + 26:at + 30])
    start = at + 30 + name_length + extra_length
    return data[start:start + info.compress_size]


#: bytes unzipped at a time by zipfile, when ``until`` may end the part early
CHUNK = 32 * 1024


def _by_zipfile(archive: zipfile.ZipFile, name: str, until: bytes) -> bytes:
    chunks, tail = [], b""
    with archive.open(name) as handle:
        while chunk := handle.read(CHUNK):
            chunks.append(chunk)
            if until and (until in tail + chunk[:len(until)] or until in chunk):
                break
            tail = chunk[-len(until):] if until else b""
    return b"".join(chunks)
