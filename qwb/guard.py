"""Checks made before a return is parsed: what it is, whether it is encrypted, and whether it is too big.

The zip directory of an .xlsx states every part's uncompressed size, so a
decompression bomb is refused before a byte of it is inflated; a sheet's
<dimension> element states its extent, read from the first bytes of the part.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from qwb.issues import EncryptedFile, FileTooLarge, IssueType, UnreadableFile, UnsupportedFormat
from qwb.templates.names import ENTRY_SHEET, IDENTITY_SHEET
from qwb.unzip import read_part

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """Bounds on one return; every one configurable (qwb consolidate --max-...)."""

    file_bytes: int = 50 * 1024 * 1024
    uncompressed_bytes: int = 200 * 1024 * 1024
    compression_ratio: int = 200
    rows: int = 50_000
    columns: int = 200
    string_chars: int = 32_767


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Refusal:
    kind: type[IssueType]
    message: str


def inspect(path: Path, limits: Limits = DEFAULT_LIMITS, data: bytes | None = None) -> Refusal | None:
    """Why this file cannot be read, or None if it may be parsed. ``data``: the file's bytes, if already read."""
    if path.is_dir():
        return Refusal(UnreadableFile, "这是一个文件夹，不是 Excel 文件。")
    try:
        size = path.stat().st_size if data is None else len(data)
        if data is None:
            with open(path, "rb") as handle:
                head = handle.read(8)
        else:
            head = data[:8]
    except OSError as exc:
        return Refusal(UnreadableFile, f"无法打开文件：{exc.strerror or exc}")
    if size == 0:
        return Refusal(UnreadableFile, "文件为空（0 字节），请重新保存后提交。")
    if size > limits.file_bytes:
        return Refusal(FileTooLarge, f"文件 {size // 1024 // 1024} MB，超过上限 "
                                         f"{limits.file_bytes // 1024 // 1024} MB。请删除无关内容后另存。")
    if head.startswith(OLE_MAGIC):
        return _inspect_ole(path)
    if head.startswith(ZIP_MAGIC):
        return _inspect_zip(path if data is None else data, limits, path.suffix.lower())
    if path.suffix.lower() == ".et":
        return Refusal(UnsupportedFormat, "WPS 表格（.et）格式无法读取，请在 WPS 中“另存为” Excel 工作簿（.xlsx）。")
    return Refusal(UnreadableFile, "文件内容不是 Excel 工作簿（可能是改了扩展名的其他文件），"
                                      "请在 Excel/WPS 中打开模板填写后另存为 .xlsx。")


def _inspect_ole(path: Path) -> Refusal | None:
    """An OLE container is either an old .xls/.et or an encrypted (password-protected) .xlsx."""
    try:
        import msoffcrypto

        with open(path, "rb") as handle:
            encrypted = msoffcrypto.OfficeFile(handle).is_encrypted()
    except Exception:  # noqa: BLE001 - not an Office file msoffcrypto knows: treat as unknown OLE
        encrypted = False
    if encrypted:
        return Refusal(EncryptedFile, "文件设置了打开密码，无法读取。请取消密码（文件→信息→保护工作簿）后重新提交。")
    if path.suffix.lower() in (".xls", ".et"):
        return None  # python-calamine reads the binary .xls format
    return Refusal(UnsupportedFormat, "这是旧版 Excel 97-2003 或 WPS 格式的文件，但扩展名不符。"
                                         "请另存为 Excel 工作簿（.xlsx）后重新提交。")


def _inspect_zip(source: Path | bytes, limits: Limits, suffix: str) -> Refusal | None:
    data = source if isinstance(source, bytes) else None
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > limits.uncompressed_bytes:
                return Refusal(FileTooLarge, f"文件解压后 {total // 1024 // 1024} MB，超过上限 "
                                                 f"{limits.uncompressed_bytes // 1024 // 1024} MB（可能是压缩炸弹）。")
            for info in infos:
                if info.file_size > 1024 * 1024 and info.file_size > limits.compression_ratio * max(info.compress_size, 1):
                    return Refusal(FileTooLarge, f"文件中“{info.filename}”的压缩比异常（可能是压缩炸弹），已拒收。")
            if suffix == ".ods" or "content.xml" in archive.namelist():
                return None
            if "xl/workbook.xml" not in archive.namelist():
                return Refusal(UnreadableFile, "文件是压缩包但不是 Excel 工作簿（可能是 Word 文档或其他文件改了扩展名）。")
            for part in sheet_parts(archive, WATCHED_SHEETS, data).values():
                refusal = _check_dimension(archive, part, limits)
                if refusal:
                    return refusal
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return Refusal(UnreadableFile, f"文件已损坏（不完整或被截断），无法读取（{type(exc).__name__}）。请重新保存后提交。")
    return None


#: the sheets qwb parses; others are never loaded, so their extent does not matter
WATCHED_SHEETS = (ENTRY_SHEET, IDENTITY_SHEET)
_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\s([^>]*)/?>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_REL_TAG = re.compile(r"<Relationship\s([^>]*)/?>")


def sheet_parts(archive: zipfile.ZipFile, names: tuple[str, ...], data: bytes | None = None) -> dict[str, str]:
    """The zip part of each named sheet (regular expressions, not an XML parser: nothing is expanded);
    ``data``: the archive's bytes, if at hand (its parts are then unzipped faster, qwb.unzip)."""
    try:
        book = read_part(archive, data, "xl/workbook.xml")
        rels = read_part(archive, data, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    if len(book) + len(rels) > PARTS_CACHED:  # a hostile workbook's parts are not kept
        return _parts.__wrapped__(book, rels, names)
    return dict(_parts(book, rels, names))


#: workbook and relationship parts at most this long (a template's are 3 KB) are remembered by sheet_parts
PARTS_CACHED = 64 * 1024


@functools.lru_cache(maxsize=16)
def _parts(book_xml: bytes, rels_xml: bytes, names: tuple[str, ...]) -> dict[str, str]:
    """sheet_parts of a workbook part and its relationships: worked out once for the returns of one template
    (every one of them has the same two parts), not twice per return."""
    import html

    book = book_xml.decode("utf-8", errors="replace")
    rels = rels_xml.decode("utf-8", errors="replace")
    rel_ids = {}
    for tag in _SHEET_TAG.finditer(book):
        attrs = dict(_ATTR.findall(tag.group(1)))
        name = html.unescape(attrs.get("name", ""))
        if name in names:
            rel_ids[next((v for k, v in attrs.items() if k.endswith(":id")), "")] = name
    parts = {}
    for tag in _REL_TAG.finditer(rels):
        attrs = dict(_ATTR.findall(tag.group(1)))
        if attrs.get("Id") in rel_ids:
            target = attrs.get("Target", "")
            parts[rel_ids[attrs["Id"]]] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')


def _check_dimension(archive: zipfile.ZipFile, name: str, limits: Limits) -> Refusal | None:
    with archive.open(name) as handle:
        head = handle.read(4096)
    m = _DIMENSION.search(head)
    if not m:
        return None
    col = 0  # not xl_cell_to_rowcol: it reads a column of four or more letters as A, and a hostile file may say one
    for ch in m.group(1).decode():
        col = col * 26 + ord(ch) - 64
    rows = int(m.group(2))
    if rows > limits.rows or col > limits.columns:
        return Refusal(FileTooLarge, f"工作表范围 {rows} 行 × {col} 列，超过上限 {limits.rows} 行 × "
                                         f"{limits.columns} 列。请删除多余的行列后另存。")
    return None
