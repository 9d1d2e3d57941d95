"""The console workbook's VBA project: xlwings' own project with qwb's macros in its standard module.

xlwings' quickstart workbook carries a VBA project whose one standard module holds ``SampleCall`` and a
reference to the xlwings add-in (which defines ``RunPython``). qwb writes the same project with that
module's source replaced by :data:`MODULE_SOURCE` (``SampleCall`` kept, plus ``QWB_Consolidate``,
``QWB_Templates`` and ``QWB_CheckReturn``), so the buttons on the 控制台 sheet call macros that are in
the workbook, and nobody imports a .bas file by hand.

The project is written the interoperable way [MS-OVBA] 1.6 describes: the ``_VBA_PROJECT`` version is
0xFFFF and no performance cache (compiled p-code) is written, so Excel compiles the modules from their
source when the workbook is opened. Module sources are compressed with [MS-OVBA] 2.4.1; the compound file
([MS-CFB] version 3) is written by :func:`write_cfb`. Reading back (:func:`module_sources`) uses olefile.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Mapping
from pathlib import Path

#: the standard module of the xlwings quickstart project, which keeps its name
MODULE = "Module1"
#: macros a button may call, with the qwb.console function each runs
MACROS = {"QWB_Templates": "templates_button", "QWB_CheckReturn": "check_button",
          "QWB_Consolidate": "consolidate_button"}

MODULE_SOURCE = "\r\n".join([
    f'Attribute VB_Name = "{MODULE}"',
    "' qwb console macros: each reads the settings on the console sheet and does the work in Python",
    "' (module qwb.console) through the xlwings add-in's RunPython. Progress shows in the status bar,",
    "' the outcome in the status cell. They need the xlwings add-in (xlwings addin install) and the",
    "' Interpreter of a Python with qwb installed (install.bat of the offline bundle sets both).",
    "Option Explicit",
    "",
    "' xlwings' Run main: runs main() of the .py file named like this workbook (qwb_console.py: consolidate).",
    "Sub SampleCall()",
    "    Dim mymodule As String",
    '    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))',
    '    RunPython "import " & mymodule & ";" & mymodule & ".main()"',
    "End Sub",
    "",
    "' Button: generate the fill-in templates (by department or by assessed unit).",
    "Sub QWB_Templates()",
    '    RunPython "import qwb.console; qwb.console.templates_button()"',
    "End Sub",
    "",
    "' Button: check one returned workbook before it is sent.",
    "Sub QWB_CheckReturn()",
    '    RunPython "import qwb.console; qwb.console.check_button()"',
    "End Sub",
    "",
    "' Button: consolidate the returns folder into the ranking workbook.",
    "Sub QWB_Consolidate()",
    '    RunPython "import qwb.console; qwb.console.consolidate_button()"',
    "End Sub",
    "",
])

VBA_PROJECT_STREAM = b"\xcc\x61\xff\xff\x00\x01\x00"  # [MS-OVBA] 3.1.1: version 0xFFFF, no performance cache


# --- [MS-OVBA] 2.4.1 compression ------------------------------------------------------------------------


def _bit_count(difference: int) -> int:
    return max((difference - 1).bit_length(), 4)


def decompress(data: bytes) -> bytes:
    """A CompressedContainer's bytes, decompressed."""
    if not data or data[0] != 1:
        raise ValueError("不是 VBA 压缩数据（MS-OVBA 压缩容器）")
    out, pos = bytearray(), 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        pos += 2
        end = min(pos + (header & 0x0FFF) + 1, len(data))
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags & (1 << bit):
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                bits = _bit_count(len(out) - start)
                length, offset = (token & (0xFFFF >> bits)) + 3, (token >> (16 - bits)) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out, pos, n = bytearray(), 0, len(chunk)
    while pos < n:
        flag_at, flags = len(out), 0
        out.append(0)
        for bit in range(8):
            if pos >= n:
                break
            bits = _bit_count(pos)
            max_length, best, best_offset = (0xFFFF >> bits) + 3, 0, 0
            for candidate in range(pos - 1, max(-1, pos - (1 << bits) - 1), -1):
                length = 0
                while pos + length < n and length < max_length and chunk[candidate + length] == chunk[pos + length]:
                    length += 1
                if length > best:
                    best, best_offset = length, pos - candidate
            if best >= 3:
                out += struct.pack("<H", ((best_offset - 1) << (16 - bits)) | (best - 3))
                flags |= 1 << bit
                pos += best
            else:
                out.append(chunk[pos])
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """``data`` as a CompressedContainer (every chunk compressed; raw chunks only when that is smaller)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096 and len(chunk) == 4096:
            out += struct.pack("<H", 0x3FFF) + chunk
        else:
            out += struct.pack("<H", 0xB000 | (len(body) - 1)) + body
    return bytes(out)


# --- the dir stream ----------------------------------------------------------------------------------


def dir_records(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """The records of a decompressed dir stream as (id, size field, body); PROJECTVERSION's size field says 4
    but 6 bytes follow it."""
    records, pos = [], 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        size_field = data[pos + 2:pos + 6]
        pos += 6
        if rid == 0x0009:
            size = 6
        records.append((rid, size_field, data[pos:pos + size]))
        pos += size
    return records


def dir_bytes(records: list[tuple[int, bytes, bytes]]) -> bytes:
    return b"".join(struct.pack("<H", rid) + size + body for rid, size, body in records)


def _modules(records: list[tuple[int, bytes, bytes]], codepage: str) -> list[dict[str, object]]:
    modules: list[dict[str, object]] = []
    for i, (rid, _, body) in enumerate(records):
        if rid == 0x0019:
            modules.append({"name": body.decode(codepage), "stream": body.decode(codepage), "offset": 0})
        elif rid == 0x001A and modules:
            modules[-1]["stream"] = body.decode(codepage)
        elif rid == 0x0031 and modules:
            modules[-1]["offset"], modules[-1]["offset_record"] = struct.unpack("<I", body)[0], i
    return modules


def _codepage(records: list[tuple[int, bytes, bytes]]) -> str:
    page = next((struct.unpack("<H", body)[0] for rid, _, body in records if rid == 0x0003), 1252)
    return f"cp{page}"


# --- reading a project --------------------------------------------------------------------------------


def read_streams(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file, by path ("VBA/dir")."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(path): ole.openstream("/".join(path)).read() for path in ole.listdir(streams=True)}


def module_sources(vba_project: bytes) -> dict[str, str]:
    """The source text of every module of a vbaProject.bin, by module name."""
    streams = read_streams(vba_project)
    records = dir_records(decompress(streams["VBA/dir"]))
    codepage = _codepage(records)
    return {str(m["name"]): decompress(streams[f"VBA/{m['stream']}"][int(m["offset"]):]).decode(codepage)
            for m in _modules(records, codepage)}


def macro_names(vba_project: bytes) -> set[str]:
    """The Subs a button or Application.Run can call: public Subs without parameters, in standard modules."""
    names = set()
    for source in module_sources(vba_project).values():
        if "Attribute VB_Base" in source:  # a document module (ThisWorkbook, a sheet)
            continue
        names |= set(re.findall(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(\s*\)", source, re.MULTILINE | re.IGNORECASE))
    return names


# --- writing a project --------------------------------------------------------------------------------


def with_module_source(vba_project: bytes, sources: Mapping[str, str]) -> bytes:
    """The project with the given modules' source replaced; every module stored as source only (offset 0) and
    no performance cache anywhere, so Excel compiles from source."""
    streams = read_streams(vba_project)
    records = dir_records(decompress(streams["VBA/dir"]))
    codepage = _codepage(records)
    kept = {p: d for p, d in streams.items() if not p.startswith("VBA/") or p.rpartition("/")[2] == "dir"}
    for module in _modules(records, codepage):
        path = f"VBA/{module['stream']}"
        source = sources.get(str(module["name"]))
        text = (source.encode(codepage) if source is not None
                else decompress(streams[path][int(module["offset"]):]))
        kept[path] = compress(text)
        i = int(module["offset_record"])
        records[i] = (records[i][0], records[i][1], struct.pack("<I", 0))
    kept["VBA/dir"] = compress(dir_bytes(records))
    kept["VBA/_VBA_PROJECT"] = VBA_PROJECT_STREAM
    return write_cfb(kept)


def console_project(quickstart: Path) -> bytes:
    """The vbaProject.bin of the console workbook: xlwings' quickstart project with :data:`MODULE_SOURCE`."""
    import zipfile

    with zipfile.ZipFile(quickstart) as z:
        original = z.read("xl/vbaProject.bin")
    return with_module_source(original, {MODULE: MODULE_SOURCE})


# --- [MS-CFB] version 3 writer -----------------------------------------------------------------------------

SECTOR, MINI_SECTOR, CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _sort_key(name: str) -> tuple[int, str]:
    return len(name), name.upper()  # [MS-CFB] 2.6.4: shorter names first, then by upper-case


def _directory(streams: Mapping[str, bytes]) -> list[dict[str, object]]:
    """Directory entries {name, type, children, data} for ``streams``; index 0 is the root, storages from the paths."""
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "children": {}, "data": b""}]
    for path in sorted(streams):
        parent = entries[0]
        *storages, name = path.split("/")
        for storage in storages:
            children = parent["children"]
            assert isinstance(children, dict)
            if storage not in children:
                entries.append({"name": storage, "type": 1, "children": {}, "data": b""})
                children[storage] = len(entries) - 1
            parent = entries[children[storage]]
        entries.append({"name": name, "type": 2, "children": {}, "data": streams[path]})
        children = parent["children"]
        assert isinstance(children, dict)
        children[name] = len(entries) - 1
    return entries


def _mini_stream(entries: list[dict[str, object]]) -> tuple[bytearray, list[int], list[int]]:
    """Small streams packed into the mini stream (their start set); the mini FAT; the indices of large streams."""
    mini_stream, mini_fat = bytearray(), []
    large: list[int] = []
    for i, entry in enumerate(entries):
        data = entry["data"]
        assert isinstance(data, bytes)
        if entry["type"] != 2 or not data:
            entry["start"] = END if entry["type"] == 2 else 0
            continue
        if len(data) >= CUTOFF:
            large.append(i)
            continue
        first, count = len(mini_stream) // MINI_SECTOR, -(-len(data) // MINI_SECTOR)
        entry["start"] = first
        mini_fat += [first + k + 1 for k in range(count - 1)] + [END]
        mini_stream += data.ljust(count * MINI_SECTOR, b"\0")
    return mini_stream, mini_fat, large


def write_cfb(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (paths like "VBA/dir"; storages made from the paths)."""
    entries = _directory(streams)
    mini_stream, mini_fat, large = _mini_stream(entries)

    sectors: list[bytes] = []  # the file's sectors after the header, in order
    fat: list[int] = []

    def place(data: bytes, marker: int | None = None) -> int:
        first, count = len(sectors), max(1, -(-len(data) // SECTOR))
        for k in range(count):
            sectors.append(data[k * SECTOR:(k + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(marker if marker is not None else (first + k + 1 if k < count - 1 else END))
        return first

    root_start = place(bytes(mini_stream)) if mini_stream else END
    for i in large:
        data = entries[i]["data"]
        assert isinstance(data, bytes)
        entries[i]["start"] = place(data)
    mini_fat_bytes = b"".join(struct.pack("<I", n) for n in mini_fat)
    mini_fat_bytes = mini_fat_bytes.ljust(-(-len(mini_fat_bytes) // SECTOR) * SECTOR, b"\xff")
    mini_fat_start = place(mini_fat_bytes) if mini_fat else END
    mini_fat_count = len(mini_fat_bytes) // SECTOR

    _tree(entries)
    directory = b"".join(_entry_bytes(e, root_start if i == 0 else e["start"], len(mini_stream) if i == 0 else None)
                         for i, e in enumerate(entries))
    per_sector = SECTOR // 128
    directory += _empty_entry() * ((-len(entries)) % per_sector)
    dir_start = place(directory)

    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("VBA 工程过大：复合文件超出文件头 DIFAT 能容纳的大小")
    fat_start = len(sectors)
    fat += [FAT_SECTOR] * n_fat
    table = b"".join(struct.pack("<I", n) for n in fat).ljust(n_fat * SECTOR, b"\xff")
    sectors += [table[k * SECTOR:(k + 1) * SECTOR] for k in range(n_fat)]

    difat = [fat_start + k for k in range(n_fat)] + [FREE] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, CUTOFF, mini_fat_start, mini_fat_count, END, 0)
              + b"".join(struct.pack("<I", n) for n in difat))
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def _tree(entries: list[dict[str, object]]) -> None:
    """Each storage's children as a balanced binary tree, all black ([MS-CFB] 2.6.4 allows it)."""
    for entry in entries:
        entry.setdefault("left", NO_STREAM)
        entry.setdefault("right", NO_STREAM)
        entry.setdefault("child", NO_STREAM)

    def build(ids: list[int]) -> int:
        if not ids:
            return NO_STREAM
        mid = len(ids) // 2
        node = entries[ids[mid]]
        node["left"], node["right"] = build(ids[:mid]), build(ids[mid + 1:])
        return ids[mid]

    for entry in entries:
        children = entry["children"]
        assert isinstance(children, dict)
        if children:
            entry["child"] = build([children[n] for n in sorted(children, key=_sort_key)])


def _entry_bytes(entry: Mapping[str, object], start: object, root_size: int | None) -> bytes:
    name = str(entry["name"]).encode("utf-16-le")
    data = entry["data"]
    assert isinstance(data, bytes)
    size = root_size if root_size is not None else len(data)
    return (name.ljust(64, b"\0") + struct.pack("<HBB", len(name) + 2, int(str(entry["type"])), 1)
            + struct.pack("<III", entry["left"], entry["right"], entry["child"]) + b"\0" * 16
            + struct.pack("<I", 0) + b"\0" * 16 + struct.pack("<IQ", start, size))


def _empty_entry() -> bytes:
    return b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NO_STREAM, NO_STREAM, NO_STREAM) \
        + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", 0, 0)
