"""The console workbook and the path from its settings to a finished consolidation, without Excel.

The workbook is read back with openpyxl and with xlwings' own calamine engine;
the Excel side (settings read through ``xw.Book``, the outcome written to the
运行状态 cell) runs against xlwings' remote engine, the one xlwings Server uses.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
import pytest  # noqa: E402
import xlwings as xw  # noqa: E402
from filling import fill  # noqa: E402

from qwb import console, console_book, soffice, vba  # noqa: E402
from qwb.console import (  # noqa: E402
    ADJUST,
    AS_OF,
    BY,
    CHECK,
    FIRST_ROW,
    JSON,
    OUT,
    PREVIOUS,
    RESULT_ROW,
    RETURNS,
    SCHEME,
    SHEET,
    STATUS_ROW,
    TEMPLATES,
    ConsoleError,
    check_from_settings,
    consolidate_book,
    read_settings,
    run_from_settings,
    templates_from_settings,
)
from qwb.console_book import build_console  # noqa: E402
from qwb.engine import score  # noqa: E402
from qwb.scheme import bundled, load  # noqa: E402
from qwb.simulate import simulate  # noqa: E402
from qwb.templates import write_templates  # noqa: E402

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"
ROOT = Path(__file__).resolve().parent.parent


def returns_folder(tmp: Path, seed: int = 7, skip: str = "") -> tuple[Path, dict[str, Any]]:
    """Department returns of the mini scheme filled with simulated entries (one department may be left out)."""
    scheme = load(MINI)
    entries = simulate(scheme, seed=seed)
    folder = tmp / "退回"
    folder.mkdir(parents=True)
    for path in write_templates(scheme, "department", tmp / "模板"):
        if skip and skip in path.name:
            continue
        fill(path, folder / path.name, entries)
    return folder, entries


def ranking_rows(path: Path) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path, read_only=True)["总排名"]
    return [list(r) for r in ws.iter_rows(values_only=True)]


# --- the workbook --------------------------------------------------------------------------


def vml_buttons(xlsm: Path) -> list[tuple[str, str]]:
    """(caption, macro) of every form-control button in the workbook's VML drawings."""
    import re

    found = []
    with zipfile.ZipFile(xlsm) as z:
        for name in z.namelist():
            if name.endswith(".vml"):
                vml = z.read(name).decode("utf-8")
                for shape in re.findall(r"<v:shape .*?</v:shape>", vml, re.S):
                    if 'ObjectType="Button"' in shape:
                        caption = re.search(r"<font[^>]*>(.*?)</font>", shape).group(1)
                        macro = re.search(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", shape).group(1)
                        found.append((caption, macro))
    return found


def test_console_workbook_has_buttons_bound_to_macros_of_its_vba_project(tmp_path: Path) -> None:
    paths = build_console(tmp_path)
    assert [p.name for p in paths] == ["qwb_console.xlsm", "qwb_console.py"]
    xlsm = tmp_path / "qwb_console.xlsm"
    with zipfile.ZipFile(xlsm) as z:
        project = z.read("xl/vbaProject.bin")
        assert b"macroEnabled" in z.read("[Content_Types].xml")
    buttons = vml_buttons(xlsm)
    assert buttons == [("生成模板", "QWB_Templates"), ("检查一份退回文件", "QWB_CheckReturn"), ("汇总排名", "QWB_Consolidate")]
    assert {m for _, m in buttons} <= vba.macro_names(project)
    sources = vba.module_sources(project)
    assert set(sources) == {"ThisWorkbook", "Sheet1", "Sheet2", "Module1"}
    for macro, function in vba.MACROS.items():  # each macro runs the qwb.console function of the same job
        body = sources["Module1"].split(f"Sub {macro}()")[1].split("End Sub")[0]
        assert f'RunPython "import qwb.console; qwb.console.{function}()"' in body
        assert callable(getattr(console, function))
    assert "SampleCall" in vba.macro_names(project)  # xlwings' Run main keeps working
    with zipfile.ZipFile(console_book.quickstart_workbook()) as q:  # xlwings' project: its references kept
        original = vba.dir_records(vba.decompress(vba.read_streams(q.read("xl/vbaProject.bin"))["VBA/dir"]))
    ours = vba.dir_records(vba.decompress(vba.read_streams(project)["VBA/dir"]))
    assert [r for r in ours if r[0] != 0x31] == [r for r in original if r[0] != 0x31]
    assert vba.read_streams(project)["VBA/_VBA_PROJECT"][2:4] == b"\xff\xff"  # Excel compiles from source
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    assert wb.sheetnames == [SHEET, "xlwings.conf"]
    assert wb[SHEET].sheet_properties.codeName == "Sheet1"  # the VBA project's Sheet1
    conf = wb["xlwings.conf"]
    assert [[c.value for c in row] for row in conf.iter_rows()] == [["UDF Modules", "qwb.udfs"]]
    labels = [wb[SHEET].cell(r, 1).value for r in range(FIRST_ROW, RESULT_ROW + 1)]
    assert labels[:3] == [SCHEME, RETURNS, OUT] and labels[-2:] == ["运行状态", "结果文件"]
    assert ADJUST in labels and PREVIOUS in labels and AS_OF in labels
    text = "\n".join(str(c.value) for row in wb[SHEET].iter_rows() for c in row if c.value)
    assert "install.bat" in text and "Import Functions" in text and "qwb consolidate" in text


def test_console_dropdowns(tmp_path: Path) -> None:
    build_console(tmp_path, {SCHEME: "tieling"})
    ws = openpyxl.load_workbook(tmp_path / "qwb_console.xlsm")[SHEET]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            cell = str(dv.sqref)
            lists[ws[cell].offset(0, -1).value] = dv.formula1.strip('"').split(",")
    assert lists[BY] == ["按部门", "按单位"]
    assert "changzhou" in lists[SCHEME] and "tieling" in lists[SCHEME]
    assert lists[AS_OF] == ["半年", "前三季度", "年终"]  # the preset scheme's nodes
    assert lists[OUT] == ["汇总排名.xlsx"]


def test_interpreter_goes_to_the_xlwings_conf_sheet(tmp_path: Path) -> None:
    build_console(tmp_path, interpreter=r"C:\qwb\venv\Scripts\pythonw.exe")
    conf = openpyxl.load_workbook(tmp_path / "qwb_console.xlsm")["xlwings.conf"]
    assert [[c.value for c in row] for row in conf.iter_rows()] == [
        ["UDF Modules", "qwb.udfs"], ["Interpreter_Win", r"C:\qwb\venv\Scripts\pythonw.exe"]]


def test_vba_compression_round_trips() -> None:
    import random

    rng = random.Random(3)
    for data in (b"", b"a", b"abc" * 3000, bytes(rng.randrange(256) for _ in range(9000)),
                 vba.MODULE_SOURCE.encode("ascii") * 7):
        assert vba.decompress(vba.compress(data)) == data


@pytest.mark.skipif(soffice.find() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_macros_and_binds_the_buttons(tmp_path: Path) -> None:
    """A second reader of the VBA project: LibreOffice imports the modules and wires each button to its macro."""
    build_console(tmp_path)
    ods = soffice.convert(tmp_path / "qwb_console.xlsm", "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as z:
        module = z.read("Basic/VBAProject/Module1.xml").decode("utf-8")
        content = z.read("content.xml").decode("utf-8")
    assert all(f"Sub {m}()" in module for m in vba.MACROS)
    for macro in vba.MACROS:
        assert f"VBAProject.Module1.{macro}?language=Basic" in content


def test_console_build_is_reproducible(tmp_path: Path) -> None:
    build_console(tmp_path / "a", {SCHEME: "changzhou"})
    build_console(tmp_path / "b", {SCHEME: "changzhou"})
    for name in ("qwb_console.xlsm", "qwb_console.py"):
        a, b = (tmp_path / d / name for d in ("a", "b"))
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest(), name


def test_console_py_is_what_run_main_imports(tmp_path: Path) -> None:
    build_console(tmp_path)
    namespace: dict[str, Any] = {"__name__": "qwb_console"}
    exec(compile((tmp_path / "qwb_console.py").read_text(encoding="utf-8"), "qwb_console.py", "exec"), namespace)
    assert namespace["main"] is console.main


def test_macros_bas_is_the_workbook_module_for_other_workbooks() -> None:
    raw = (ROOT / "macros" / "qwb_macros.bas").read_bytes()
    raw.decode("ascii")  # imports the same under any Windows code page
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.decode("ascii") == vba.MODULE_SOURCE.replace('"Module1"', '"qwb_macros"', 1)


def test_settings_read_through_xlwings_from_the_workbook(tmp_path: Path) -> None:
    build_console(tmp_path, {SCHEME: str(MINI), RETURNS: "退回"})
    book = xw.Book(tmp_path / "qwb_console.xlsm", mode="r")  # xlwings' calamine engine, no Excel
    try:
        settings = read_settings(book)
    finally:
        book.close()
    assert settings[SCHEME] == str(MINI) and settings[RETURNS] == "退回" and settings[BY] == "按部门"
    assert settings[OUT] is None


# --- from settings to a finished consolidation ----------------------------------------------------------


def test_run_from_settings_consolidates_like_the_engine(tmp_path: Path) -> None:
    folder, entries = returns_folder(tmp_path)
    seen: list[tuple[int, int, str]] = []
    settings = {SCHEME: str(MINI), RETURNS: "退回", OUT: "结果/排名.xlsx", JSON: "结果/汇总.json"}
    outcome = run_from_settings(settings, lambda d, t, n: seen.append((d, t, n)), base=tmp_path)
    assert outcome.ok and outcome.files == [tmp_path / "结果/排名.xlsx", tmp_path / "结果/汇总.json"]
    expected = score(load(MINI), entries)
    rows = ranking_rows(tmp_path / "结果/排名.xlsx")
    body = [r for r in rows if r and r[1] in {u.name for u in expected.units}]
    assert [(r[1], float(r[2])) for r in body] == [(u.name, float(u.total)) for u in expected.units]
    summary = json.loads((tmp_path / "结果/汇总.json").read_text(encoding="utf-8"))
    assert [(u["id"], u["total"]) for u in summary["units"]] == [(u.id, float(u.total)) for u in expected.units]
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] == 2  # two department returns
    assert "收到 2 个文件，采用 2 个" in outcome.message and "无未提交" in outcome.message


def test_run_from_settings_default_output_and_missing_return(tmp_path: Path) -> None:
    folder, _ = returns_folder(tmp_path, skip="市场监管局")
    outcome = run_from_settings({SCHEME: str(MINI), RETURNS: str(folder)})
    assert outcome.files == [tmp_path / "汇总排名.xlsx"] and (tmp_path / "汇总排名.xlsx").is_file()
    assert "未提交 1 个" in outcome.message


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({}, "请在“方案文件”中填写"),
        ({SCHEME: "没有这个方案.yaml", RETURNS: "x"}, "找不到方案文件"),
        ({SCHEME: str(MINI)}, "请在“退回文件夹”中填写"),
        ({SCHEME: str(MINI), RETURNS: "不存在的文件夹"}, "找不到退回文件夹"),
        ({SCHEME: str(MINI), RETURNS: ".", OUT: "排名.xls"}, "应为 .xlsx 文件"),
    ],
)
def test_bad_settings_say_what_to_fix(tmp_path: Path, settings: dict[str, str], words: str) -> None:
    with pytest.raises(ConsoleError, match=words):
        run_from_settings(settings, base=tmp_path)


def test_scheme_with_errors_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.read_text(encoding="utf-8").replace("type: target", "type: nonsense"), encoding="utf-8")
    with pytest.raises(ConsoleError, match="方案文件有 1 个错误"):
        run_from_settings({SCHEME: str(bad), RETURNS: str(tmp_path)})


def test_templates_and_check_from_settings(tmp_path: Path) -> None:
    outcome = templates_from_settings({SCHEME: str(MINI), TEMPLATES: "模板", BY: "按单位"}, base=tmp_path)
    assert len(outcome.files) == 3 and all(p.parent == tmp_path / "模板" for p in outcome.files)
    assert "3 个单位自评模板" in outcome.message
    folder, _ = returns_folder(tmp_path / "r")
    good = sorted(folder.iterdir())[0]
    checked = check_from_settings({SCHEME: str(MINI), CHECK: str(good)})
    assert checked.ok and "没有错误，可以报送" in checked.message
    with pytest.raises(ConsoleError, match="按部门 或 按单位"):
        templates_from_settings({SCHEME: str(MINI), TEMPLATES: "t", BY: "按季度"}, base=tmp_path)


# --- the Excel side, through xlwings' remote engine --------------------------------------------------------


def remote_book(xlsm: Path) -> Any:
    """The workbook as xlwings' client sends it to Python (name, sheets and their values)."""
    wb = openpyxl.load_workbook(xlsm)
    sheets = [{"name": ws.title, "values": [list(r) for r in ws.iter_rows(values_only=True)] or [[]],
               "pictures": [], "tables": []} for ws in wb.worksheets]
    return xw.Book(json={"client": "Office.js", "version": xw.__version__, "names": [], "sheets": sheets,
                         "book": {"name": xlsm.name, "active_sheet_index": 0, "selection": "B4"}})


def set_cell(xlsm: Path, label: str, value: str) -> None:
    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    ws = wb[SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
    ws.cell(row, 2).value = value
    wb.save(xlsm)


def status_written(book: Any) -> str:
    actions = [a for a in book.json()["actions"] if a["func"] == "setValues"]
    assert [(a["start_row"], a["start_column"]) for a in actions] == [(STATUS_ROW - 1, 1), (RESULT_ROW - 1, 1)]
    return actions[0]["values"][0][0]


def result_written(book: Any) -> str:
    return [a for a in book.json()["actions"] if a["func"] == "setValues"][1]["values"][0][0]


def test_console_in_a_book_consolidates_and_reports_in_the_status_cell(tmp_path: Path) -> None:
    folder, _ = returns_folder(tmp_path)
    build_console(tmp_path / "console", {SCHEME: str(MINI), RETURNS: str(folder)})
    xlsm = tmp_path / "console" / "qwb_console.xlsm"
    set_cell(xlsm, OUT, str(tmp_path / "排名.xlsx"))
    book = remote_book(xlsm)
    outcome = consolidate_book(book)
    assert outcome.ok, outcome.message
    assert (tmp_path / "排名.xlsx").is_file()
    assert status_written(book).startswith("✓ ") and "汇总完成" in status_written(book)
    assert result_written(book) == f'=HYPERLINK("{tmp_path / "排名.xlsx"}","打开 排名.xlsx")'


def test_console_in_a_book_shows_a_problem_not_a_traceback(tmp_path: Path) -> None:
    build_console(tmp_path, {SCHEME: str(tmp_path / "缺失.yaml"), RETURNS: str(tmp_path)})
    book = remote_book(tmp_path / "qwb_console.xlsm")
    outcome = consolidate_book(book)
    assert not outcome.ok
    assert status_written(book).startswith("✗ ") and "找不到方案文件" in status_written(book)
    assert "Traceback" not in status_written(book) and result_written(book) == ""


def test_console_command_builds_into_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    console_book.add_commands(parser.add_subparsers())
    args = parser.parse_args(["console", "--out", str(tmp_path / "c"), "--scheme", os.path.relpath(MINI),
                              "--returns", "changzhou"])
    assert args.run(args) == 0
    assert (tmp_path / "c" / "qwb_console.xlsm").is_file()
    wb = openpyxl.load_workbook(tmp_path / "c" / "qwb_console.xlsm")
    assert wb[SHEET][f"B{FIRST_ROW}"].value == str(MINI.resolve())  # absolute: the workbook lives elsewhere
    assert wb[SHEET][f"B{FIRST_ROW + 1}"].value == "changzhou"
    assert "qwb_console.xlsm" in capsys.readouterr().out


def test_qwb_console_is_a_command(tmp_path: Path) -> None:
    from qwb.cli import main

    assert main(["console", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qwb_console.py", "qwb_console.xlsm"]


def test_every_setting_round_trips_through_the_workbook(tmp_path: Path) -> None:
    given = {label: f"值{i}/文件{i}.xlsx" for i, (label, _, _) in enumerate(console.SETTINGS)}
    given[BY] = "按单位"
    build_console(tmp_path, given)
    book = xw.Book(tmp_path / "qwb_console.xlsm", mode="r")  # xlwings' calamine engine, no Excel
    try:
        assert read_settings(book) == given
    finally:
        book.close()
    ws = openpyxl.load_workbook(tmp_path / "qwb_console.xlsm")[SHEET]
    assert console.settings_from_rows([[c.value for c in row] for row in ws.iter_rows()]) == given


def test_the_button_writes_what_the_command_line_writes(tmp_path: Path) -> None:
    """汇总排名 with adjustments and last year's summary: the same JSON as qwb consolidate with the same options."""
    from qwb.cli import main

    folder, _ = returns_folder(tmp_path)
    last = tmp_path / "上年.json"
    assert main(["consolidate", str(MINI), str(folder), "--out", str(tmp_path / "上年.xlsx"), "--json", str(last)]) == 0
    assert main(["adjustments", str(MINI), "--out", str(tmp_path / "调整.xlsx")]) == 0
    assert main(["consolidate", str(MINI), str(folder), "--out", str(tmp_path / "cli.xlsx"), "--json",
                 str(tmp_path / "cli.json"), "--adjust", str(tmp_path / "调整.xlsx"), "--previous", str(last)]) == 0
    settings = {SCHEME: str(MINI), RETURNS: str(folder), OUT: "btn.xlsx", JSON: "btn.json", ADJUST: "调整.xlsx",
                PREVIOUS: "上年.json"}
    outcome = run_from_settings(settings, base=tmp_path)
    assert outcome.ok and outcome.link == tmp_path / "btn.xlsx"
    cli, btn = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("cli.json", "btn.json"))
    assert btn == cli
    assert all("previous" in u for u in btn["units"])
    assert ranking_rows(tmp_path / "btn.xlsx") == ranking_rows(tmp_path / "cli.xlsx")
    with pytest.raises(ConsoleError, match="找不到“上年汇总”"):
        run_from_settings({**settings, PREVIOUS: "没有.json"}, base=tmp_path)


def test_template_button_writes_what_the_command_line_writes(tmp_path: Path) -> None:
    from qwb.cli import main

    assert main(["template", str(MINI), "--by", "unit", "--out", str(tmp_path / "cli")]) == 0
    outcome = templates_from_settings({SCHEME: str(MINI), TEMPLATES: "btn", BY: "按单位"}, base=tmp_path)
    cli = sorted((tmp_path / "cli").iterdir())
    assert [p.name for p in cli] == [p.name for p in sorted(outcome.files)]
    for a, b in zip(cli, sorted(outcome.files)):
        assert ranking_free_rows(a) == ranking_free_rows(b)


def ranking_free_rows(path: Path) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


@pytest.fixture(scope="module")
def tieling_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``qwb demo --scheme tieling``: three time nodes, one wrong return, one missing department."""
    from qwb.cli import main

    folder = tmp_path_factory.mktemp("tieling")
    assert main(["demo", "--scheme", "tieling", "--out", str(folder)]) == 0
    return folder


def test_the_button_at_a_time_node_writes_what_the_command_line_writes(tieling_demo: Path, tmp_path: Path) -> None:
    """汇总排名 with 截至时间节点 = 半年: the same JSON and ranking as qwb consolidate --as-of H1."""
    from qwb.cli import main

    returns = tieling_demo / "退回"
    assert main(["consolidate", str(bundled("tieling")[0]), str(returns), "--out", str(tmp_path / "cli.xlsx"), "--json",
                 str(tmp_path / "cli.json"), "--as-of", "H1"]) == 0
    outcome = run_from_settings({SCHEME: "tieling", RETURNS: str(returns), OUT: "btn.xlsx", JSON: "btn.json",
                                 AS_OF: "半年"}, base=tmp_path)
    assert outcome.ok and "截至半年，期中汇总" in outcome.message
    cli, btn = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("cli.json", "btn.json"))
    assert btn == cli and btn["as_of"] == "H1"
    assert ranking_rows(tmp_path / "btn.xlsx") == ranking_rows(tmp_path / "cli.xlsx")


def test_the_check_button_says_what_the_command_line_says(tieling_demo: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """检查一份退回文件: for every return of the demo, the 运行状态 text is the lines qwb check prints."""
    from qwb.cli import main

    capsys.readouterr()
    verdicts = set()
    for path in sorted((tieling_demo / "退回").iterdir()):
        code = main(["check", str(bundled("tieling")[0]), str(path)])
        printed = [line.strip() for line in capsys.readouterr().out.splitlines() if line.strip()]
        outcome = check_from_settings({SCHEME: "tieling", CHECK: str(path)})
        assert [line.strip() for line in outcome.message.splitlines()] == printed, path.name
        assert outcome.ok == (code == 0)
        verdicts.add(outcome.ok)
    assert verdicts == {True, False}  # the demo has a return with an error
