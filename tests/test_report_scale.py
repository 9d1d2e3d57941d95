"""Large consolidations: the raw data moves to a CSV beside the workbook instead of a giant sheet."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import openpyxl
import pytest
from filling import fill

from qwb import beside
from qwb.consolidate import consolidate
from qwb.files import OutputError, Pending, write_pending
from qwb.pipeline import run_consolidation
from qwb.report import raw, write_report
from qwb.scheme import load
from qwb.simulate import simulate
from qwb.templates import write_templates

MINI = Path(__file__).parent / "data" / "mini.yaml"


def test_raw_data_overflows_to_csv(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    scheme = load(MINI)
    entries = simulate(scheme, seed=3)
    entries["east|4|Y|数值"] = "=1+2"
    (tmp_path / "r").mkdir()
    for path in write_templates(scheme, "department", tmp_path / "t"):
        fill(path, tmp_path / "r" / path.name, entries)
    c = consolidate(scheme, tmp_path / "r")
    monkeypatch.setattr(raw, "ROW_LIMIT", 10)
    out = tmp_path / "排名.xlsx"
    write_report(c, out)
    sheet = openpyxl.load_workbook(out)["原始数据"]
    assert "排名-原始数据.csv" in str(sheet["A2"].value)
    text = raw.csv_path(out).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][0] == "文件" and len(rows) - 1 == sum(len(rf.entries) for rf in c.returns)
    injected = next(r for r in rows if r[5] == "east|4|Y|数值")
    assert injected[10] == "'=1+2" and injected[12] == "无效"
    assert oct(out.stat().st_mode & 0o777) != "0o600"


def _consolidated(tmp_path: Path):  # type: ignore[no-untyped-def]
    scheme = load(MINI)
    (tmp_path / "r").mkdir()
    for path in write_templates(scheme, "department", tmp_path / "t"):
        fill(path, tmp_path / "r" / path.name, simulate(scheme, seed=5))
    return scheme, tmp_path / "r"


@pytest.mark.parametrize("fork", [True, False])
def test_outputs_written_beside_the_workbook_are_the_same_forked_or_not(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                       fork: bool) -> None:
    """The JSON and the raw-data CSV, written in forked processes beside the workbook (Linux) or one after the
    other (Windows): the same bytes as a run in one process writes, and no temporary file left."""
    scheme, folder = _consolidated(tmp_path)
    monkeypatch.setattr(raw, "ROW_LIMIT", 10)
    monkeypatch.setattr(beside, "FORK", False)
    run_consolidation(scheme, folder, tmp_path / "one" / "排名.xlsx", tmp_path / "one" / "汇总.json")
    monkeypatch.setattr(beside, "FORK", fork)
    monkeypatch.setattr(beside, "MEMORY_BUDGET", 1 << 40)  # however large the test process has grown
    c = run_consolidation(scheme, folder, tmp_path / "two" / "排名.xlsx", tmp_path / "two" / "汇总.json")
    for name in ("汇总.json", "排名-原始数据.csv"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    assert json.loads((tmp_path / "two" / "汇总.json").read_text(encoding="utf-8"))["scheme"] == scheme.id
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["排名-原始数据.csv", "排名.xlsx", "汇总.json"]
    assert set(c.timings) >= {"read", "score", "report", "json"}


def test_a_json_that_cannot_be_written_is_a_message_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    scheme, folder = _consolidated(tmp_path)
    (tmp_path / "blocker").write_text("a file where a folder is wanted", encoding="utf-8")
    with pytest.raises(OutputError, match="无法写入") as caught:
        run_consolidation(scheme, folder, tmp_path / "排名.xlsx", tmp_path / "blocker" / "汇总.json")
    assert "汇总.json" in str(caught.value)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~qwb-")]


def test_a_csv_that_cannot_be_put_in_place_keeps_the_previous_workbook(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The CSV is put in place before the workbook: when it fails, the previous workbook stays as it was and
    neither output's temporary file is left behind."""
    scheme, folder = _consolidated(tmp_path)
    monkeypatch.setattr(raw, "ROW_LIMIT", 10)
    out = tmp_path / "排名.xlsx"
    out.write_bytes(b"last run")
    raw.csv_path(out).mkdir()  # a folder in the CSV's place: it cannot be replaced
    with pytest.raises(OutputError, match="原始数据.csv"):
        run_consolidation(scheme, folder, out, tmp_path / "汇总.json")
    assert out.read_bytes() == b"last run" and not (tmp_path / "汇总.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~qwb-")]


def test_a_bug_in_a_forked_writer_reaches_the_caller_with_its_traceback(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(beside, "FORK", True)
    monkeypatch.setattr(beside, "MEMORY_BUDGET", 1 << 40)

    def broken() -> Pending:
        raise KeyError("no such column")

    job = beside.start(broken, tmp_path / "x.csv")
    with pytest.raises(RuntimeError, match="KeyError: 'no such column'"):
        job.result()


@pytest.mark.parametrize(("budget", "forked"), [(1 << 40, True), (1024, False)])
def test_writers_fork_only_while_twice_the_process_fits_the_memory_budget(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                                         budget: int, forked: bool) -> None:
    monkeypatch.setattr(beside, "FORK", True)
    monkeypatch.setattr(beside, "MEMORY_BUDGET", budget)
    assert 0 < beside.resident_bytes() < 1 << 40
    job = beside.start(lambda: write_pending(tmp_path / "x.txt", b"written"), tmp_path / "x.txt")
    assert (job.pid != 0) is forked
    pending, seconds = job.result()
    pending.commit()
    assert (tmp_path / "x.txt").read_bytes() == b"written" and seconds >= 0


def test_writers_do_not_fork_a_process_with_other_threads(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A server (qwb serve) runs consolidation beside other threads; one holding a lock at the fork would leave
    it held in the child for ever, so the file is written in the calling process."""
    monkeypatch.setattr(beside, "FORK", True)
    monkeypatch.setattr(beside, "MEMORY_BUDGET", 1 << 40)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        job = beside.start(lambda: write_pending(tmp_path / "x.txt", b"written"), tmp_path / "x.txt")
    finally:
        stop.set()
        other.join()
    assert job.pid == 0
    job.result()[0].commit()
    assert (tmp_path / "x.txt").read_bytes() == b"written"
    alone = beside.start(lambda: write_pending(tmp_path / "y.txt", b"y"), tmp_path / "y.txt")
    assert alone.pid != 0  # the other thread has ended
    alone.discard()
