"""Hostile and broken returns: each gets its own issue, the good returns still score exactly, inputs unchanged."""

from __future__ import annotations

import io
import random
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from filling import fill, header_map, need_soffice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qwb import soffice
from qwb.consolidate import consolidate
from qwb.engine import score
from qwb.files import sha256
from qwb.guard import Limits, inspect
from qwb.scheme import load
from qwb.simulate import simulate
from qwb.templates import write_templates

MINI = Path(__file__).parent / "data" / "mini.yaml"


@pytest.fixture(scope="module")
def scheme():  # type: ignore[no-untyped-def]
    return load(MINI)


@pytest.fixture(scope="module")
def good(scheme, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Two good department returns and the entries they hold."""
    base = tmp_path_factory.mktemp("good")
    entries = simulate(scheme, seed=21)
    paths = []
    for path in write_templates(scheme, "department", base / "t"):
        fill(path, base / path.name, entries)
        paths.append(base / path.name)
    return paths, entries


def _bomb(path: Path, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b"<worksheet>")
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                part.write(chunk)
            part.write(b"</worksheet>")


def _huge_dimension(src: Path, dst: Path) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1)
            zout.writestr(info, data)


def _laughs(src: Path, dst: Path) -> None:
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
                      for i in range(1, 10))
           + b"]>")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in ("xl/workbook.xml", "xl/sharedStrings.xml"):
                data = lol + data.split(b"?>", 1)[-1].replace(b"<si><t>", b"<si><t>&lol9;", 1)
            zout.writestr(info, data)


def _encrypt(src: Path, dst: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as handle:
        out = io.BytesIO()
        OOXMLFile(handle).encrypt("secret", out)
    dst.write_bytes(out.getvalue())


def build_hostile_folder(folder: Path, good: list[Path]) -> dict[str, str]:
    """Good returns plus one file per bad case; returns {file name: expected issue code}."""
    folder.mkdir()
    for path in good:
        (folder / path.name).write_bytes(path.read_bytes())
    sample = good[0].read_bytes()
    cases = {
        "截断.xlsx": ("bytes", sample[: len(sample) // 2], "unreadable-file"),
        "乱码.xlsx": ("bytes", b"PK\x03\x04" + bytes(random.Random(1).randrange(256) for _ in range(4000)),
                    "unreadable-file"),
        "其实是文本.xlsx": ("bytes", "这是一个文本文件\n".encode() * 50, "unreadable-file"),
        "空文件.xlsx": ("bytes", b"", "unreadable-file"),
        "WPS表格.et": ("bytes", b"not really an et file", "unsupported-format"),
    }
    expected = {}
    for name, (_kind, data, code) in cases.items():
        (folder / name).write_bytes(data)
        expected[name] = code
    (folder / "文件夹.xlsx").mkdir()
    expected["文件夹.xlsx"] = "unreadable-file"
    _encrypt(good[0], folder / "加密.xlsx")
    expected["加密.xlsx"] = "encrypted-file"
    _bomb(folder / "炸弹.xlsx", 300 * 1024 * 1024)
    expected["炸弹.xlsx"] = "file-too-large"
    _huge_dimension(good[0], folder / "超大范围.xlsx")
    expected["超大范围.xlsx"] = "file-too-large"
    return expected


def test_a_folder_of_hostile_files_still_consolidates_the_good_ones(scheme, good, tmp_path) -> None:  # type: ignore[no-untyped-def]
    paths, entries = good
    folder = tmp_path / "r"
    expected = build_hostile_folder(folder, paths)
    before = {p.name: sha256(p) for p in folder.iterdir() if p.is_file()}
    c = consolidate(scheme, folder)
    status = {r.name: r.status for r in c.returns}
    for name, code in expected.items():
        assert status[name] == "rejected", name
        assert code in {i.code for i in c.issues if i.file == name}, (name, [i for i in c.issues if i.file == name])
        assert all(i.message for i in c.issues if i.file == name)
    assert [status[p.name] for p in paths] == ["accepted"] * len(paths)
    assert {u.id: u.total for u in c.result.units} == {u.id: u.total for u in score(scheme, entries).units}
    assert {p.name: sha256(p) for p in folder.iterdir() if p.is_file()} == before


def test_cli_exits_0_and_stays_within_memory(scheme, good, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "r"
    build_hostile_folder(folder, good[0])
    code = (
        "import sys\n"
        "from qwb.cli import main\n"
        f"rc = main(['consolidate', {str(MINI)!r}, {str(folder)!r}, '--out', {str(tmp_path / 'o.xlsx')!r},"
        f" '--json', {str(tmp_path / 's.json')!r}])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print('MAXRSS', hwm)\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    maxrss_kb = int(done.stdout.split("MAXRSS")[-1].split()[0])
    assert maxrss_kb < 300 * 1024, f"peak memory {maxrss_kb // 1024} MB"  # the bound README states


def test_entity_expansion_is_not_evaluated(scheme, good, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "r"
    folder.mkdir()
    _laughs(good[0][0], folder / "laughs.xlsx")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c = consolidate(scheme, folder)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200
    assert len(c.returns) == 1


def test_limits_are_configurable(good, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = good[0][0]
    assert inspect(path) is None
    refusal = inspect(path, Limits(rows=3))
    assert refusal is not None and refusal.kind.code == "file-too-large" and "3 行" in refusal.message
    assert inspect(path, Limits(file_bytes=100)).kind.code == "file-too-large"  # type: ignore[union-attr]


def test_old_xls_and_ods_are_read(scheme, good, tmp_path) -> None:  # type: ignore[no-untyped-def]
    need_soffice()
    paths, entries = good
    folder = tmp_path / "r"
    soffice.convert_many(paths, "ods", folder)
    c = consolidate(scheme, folder)
    assert [r.status for r in c.returns] == ["accepted"] * len(paths), c.issues[:3]
    assert {u.id: u.total for u in c.result.units} == {u.id: u.total for u in score(scheme, entries).units}
    xls = tmp_path / "x"
    soffice.convert_many(paths, "xls", xls)
    c = consolidate(scheme, xls)
    assert [r.status for r in c.returns] == ["accepted"] * len(paths), c.issues[:3]
    assert {u.id: u.total for u in c.result.units} == {u.id: u.total for u in score(scheme, entries).units}


GARBAGE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12).filter(lambda s: s.strip() != ""),
    st.sampled_from(["=1+1", "@SUM(A1)", "N/A", "约九成", "——", "#REF!", "TRUE"]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.booleans(),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_never_crash_or_turn_garbage_into_a_score(scheme, good, tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    paths, entries = good
    folder = tmp_path_factory.mktemp("fuzz")
    target = folder / paths[0].name
    wb = openpyxl.load_workbook(paths[0])
    ws = wb["填报"]
    header, cols = header_map(ws)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=header + 1, max_row=ws.max_row)]
    retyped: dict[str, object] = {}
    for _ in range(data.draw(st.integers(0, 4))):
        action = data.draw(st.sampled_from(["delete", "duplicate", "garbage", "sort", "blank-key"]))
        if not rows:
            break
        i = data.draw(st.integers(0, len(rows) - 1))
        if action == "delete":
            rows.pop(i)
        elif action == "duplicate":
            rows.insert(data.draw(st.integers(0, len(rows))), list(rows[i]))
        elif action == "garbage":
            value = data.draw(GARBAGE)
            rows[i][cols["填报值"] - 1] = value
            retyped[rows[i][cols["编码"] - 1]] = value
        elif action == "sort":
            rows.sort(key=lambda r: str(r[cols["填报值"] - 1]))
        else:
            rows[i][cols["编码"] - 1] = None
    for r in range(header + 1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = None
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(header + 1 + i, j + 1).value = value
    wb.save(target)
    c = consolidate(scheme, folder)
    assert len(c.returns) == 1
    for key, value in retyped.items():
        if key in c.result.values:
            accepted = c.result.values[key]
            assert not isinstance(value, str) or not value.strip().startswith(("=", "@")), (key, value, accepted)
            assert not isinstance(value, bool), (key, value)
