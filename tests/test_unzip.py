"""qwb.unzip: a part of a return unzipped by ISA-L is what zipfile gives, whatever the archive holds."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qwb import unzip
from qwb.scheme import load
from qwb.templates.layout import assignees
from qwb.templates.writer import build_workbook

MINI = Path(__file__).parent / "data" / "mini.yaml"


def _archive(parts: dict[str, bytes], compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("inflater", ["isal", "zlib"])
def test_every_part_of_a_template_is_what_zipfile_reads(monkeypatch, inflater: str) -> None:  # type: ignore[no-untyped-def]
    if inflater == "isal":
        pytest.importorskip("isal")
    else:
        monkeypatch.setattr(unzip, "INFLATE", None)
    scheme = load(MINI)
    data = build_workbook(scheme, assignees(scheme, "unit")[0])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            whole = archive.read(name)
            assert unzip.read_part(archive, data, name) == whole
            if b"</sheetData>" in whole:
                cells = unzip.read_part(archive, data, name, until=b"</sheetData>")
                assert cells == whole[:whole.index(b"</sheetData>") + len(b"</sheetData>")] and len(cells) < len(whole)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=100_000), st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2]),
       st.sampled_from([b"", b"</sheetData>", b"\x00"]))
def test_any_part_any_compression(body: bytes, compression: int, until: bytes) -> None:
    data = _archive({"a.xml": b"x" * 10, "xl/worksheets/sheet1.xml": body}, compression)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expected = archive.read("xl/worksheets/sheet1.xml")
        if until and until in expected:
            expected = expected[:expected.index(until) + len(until)]
        assert unzip.read_part(archive, data, "xl/worksheets/sheet1.xml", until) == expected
        assert unzip.read_part(archive, None, "xl/worksheets/sheet1.xml", until) == expected  # bytes not at hand


def test_a_local_header_not_where_the_directory_says_is_left_to_zipfile() -> None:
    data = bytearray(_archive({"xl/workbook.xml": b"<workbook/>" * 50}, zipfile.ZIP_DEFLATED))
    data[0:4] = b"XXXX"  # the local header's signature
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive, pytest.raises(zipfile.BadZipFile):
        unzip.read_part(archive, bytes(data), "xl/workbook.xml")
