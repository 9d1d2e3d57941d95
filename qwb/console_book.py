"""Building the console workbook qwb_console.xlsm and the ``qwb console`` command.

The workbook is written with xlsxwriter: a 控制台 sheet laid out from :data:`qwb.console.SETTINGS` with
dropdowns, three form-control buttons (生成模板, 检查一份退回文件, 汇总排名), and an ``xlwings.conf`` sheet.
Its VBA project is xlwings' own quickstart project (which references the xlwings add-in for ``RunPython``)
with qwb's macros in its standard module (:mod:`qwb.vba`); each button is bound to one of those macros,
and what they run is :mod:`qwb.console`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qwb.console import (
    ADJUST,
    AS_OF,
    BY,
    FIRST_ROW,
    JSON,
    OUT,
    PREVIOUS,
    RESULT,
    RESULT_ROW,
    RETURNS,
    SCHEME,
    SETTINGS,
    SHEET,
    STATUS,
    STATUS_ROW,
)

CONFIG_SHEET = "xlwings.conf"
BUTTON_ROW = FIRST_ROW - 3  # 0-based row of the buttons, between the title and the settings

#: (caption, macro of qwb.vba.MODULE_SOURCE, column, x offset in pixels, width in pixels)
BUTTONS = (
    ("生成模板", "QWB_Templates", 0, 6, 130),
    ("检查一份退回文件", "QWB_CheckReturn", 0, 150, 190),
    ("汇总排名", "QWB_Consolidate", 0, 354, 130),
)

INSTRUCTIONS = (
    "使用说明",
    "1. 安装：运行离线安装包中的 install.bat（装好 Python 环境、xlwings 加载项，并把解释器路径写入本工作簿的 xlwings.conf 表）。",
    "2. 打开本工作簿时点“启用内容”（宏）；如提示“已阻止宏”，关闭 Excel，右键本文件 > 属性 > 勾选“解除锁定”。",
    "3. 在上方黄色单元格填写方案文件、退回文件夹等（可用完整路径，或相对本工作簿所在文件夹的路径；带下拉的可直接选择）。",
    "4. 点击“生成模板”“检查一份退回文件”或“汇总排名”按钮；进度显示在 Excel 窗口底部的状态栏，结果写在“运行状态”，"
    "“结果文件”可点击打开。",
    "5. 本工作簿须与同名的 qwb_console.py 放在同一文件夹（xlwings 选项卡的 Run main 运行其中的汇总）。",
    "6. 表格中的 QWB_TARGET 等计分函数：在 xlwings 选项卡点击 Import Functions（xlwings.conf 表已设 UDF Modules = qwb.udfs）。",
    "WPS、LibreOffice 用户：按钮不可用，在命令行运行 qwb consolidate 方案文件 退回文件夹 --out 汇总排名.xlsx。",
)

CONSOLE_PY = '''"""qwb 控制台：Excel 中 xlwings 选项卡的 Run main 按钮会运行这里的 main()（汇总排名）。"""

from qwb.console import check_button, consolidate_button, main, templates_button  # noqa: F401

if __name__ == "__main__":
    import xlwings as xw

    xw.Book("qwb_console.xlsm").set_mock_caller()
    main()
'''
FIXED_TIME = dt.datetime(2024, 1, 1)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_STAMP = b"2024-01-01T00:00:00Z"

#: suggestions in the dropdowns of the path settings (any other text may be typed)
SUGGESTIONS = {OUT: ["汇总排名.xlsx"], JSON: ["汇总.json"], ADJUST: ["核查调整.xlsx"], PREVIOUS: ["上年汇总.json"]}


def quickstart_workbook() -> Path:
    """The workbook ``xlwings quickstart`` copies (its VBA project references the xlwings add-in)."""
    import xlwings

    return Path(xlwings.__file__).resolve().parent / "quickstart.xlsm"


def vba_project() -> bytes:
    """The console's vbaProject.bin: xlwings' quickstart project with qwb's button macros."""
    from qwb.vba import console_project

    return console_project(quickstart_workbook())


def scheme_choices() -> list[str]:
    """The bundled schemes by the short name the 方案文件 cell accepts (changzhou, tieling, ...)."""
    from qwb.scheme import bundled

    return [p.stem.split("-")[0] for p in bundled()]


def period_choices(scheme_text: str = "") -> list[str]:
    """The 截至时间节点 dropdown: the preset scheme's nodes, or every node name of the bundled schemes."""
    from qwb.scheme import bundled, read

    paths = ([Path(scheme_text)] if scheme_text and Path(scheme_text).is_file()
             else bundled(scheme_text) if scheme_text else []) or bundled()
    names: list[str] = []
    for path in paths:
        scheme, _ = read(path)
        for period in scheme.periods if scheme is not None else []:
            if period.name not in names:
                names.append(period.name)
    return names


def console_bytes(settings: Mapping[str, str] | None = None, interpreter: str = "") -> bytes:
    """qwb_console.xlsm: the 控制台 sheet with buttons bound to the VBA project's macros, and xlwings.conf."""
    import xlsxwriter

    from qwb.xlsx import OPTIONS

    settings = settings or {}
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, dict(OPTIONS))
    wb.set_properties({"title": "qwb 控制台", "author": "qwb", "created": FIXED_TIME})
    wb.add_vba_project(io.BytesIO(vba_project()), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    console = wb.add_worksheet(SHEET)
    console.set_vba_name("Sheet1")
    conf = wb.add_worksheet(CONFIG_SHEET)
    conf.set_vba_name("Sheet2")
    _layout(wb, console, settings)
    _config(conf, interpreter)
    wb.close()
    return normalise_zip(buffer.getvalue())


def _config(ws: Any, interpreter: str) -> None:
    """xlwings' config sheet: UDF Modules, and the interpreter when install.bat knows it; every other
    setting comes from the add-in."""
    rows = [("UDF Modules", "qwb.udfs")] + ([("Interpreter_Win", interpreter)] if interpreter else [])
    for i, (key, value) in enumerate(rows):
        ws.write_string(i, 0, key)
        ws.write_string(i, 1, value)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 60)


def _formats(wb: Any) -> dict[str, Any]:
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    box = {"border": 1, "border_color": "#BFBFBF"}
    return {"title": wb.add_format({**base, "bold": True, "font_size": 16}),
            "bold": wb.add_format({**base, "bold": True}),
            "plain": wb.add_format(base),
            "note": wb.add_format({**base, "font_color": "#595959", "text_wrap": True}),
            "value": wb.add_format({**base, "bg_color": "#FFF2CC", **box}),
            "status": wb.add_format({**base, "text_wrap": True, "valign": "top", **box})}


def _layout(wb: Any, ws: Any, settings: Mapping[str, str]) -> None:
    """The 控制台 sheet: title, buttons, settings with dropdowns, status and result cells, instructions."""
    fmt = _formats(wb)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 48)
    ws.set_column(2, 2, 74)
    ws.write_string(0, 0, "qwb 质量工作考核 控制台", fmt["title"])
    ws.set_row(0, 28)
    ws.write_string(1, 0, "填写黄色单元格，再点击下面的按钮。进度显示在窗口底部的状态栏，结果写在“运行状态”。", fmt["plain"])
    _buttons(ws)
    _settings(ws, settings, fmt)
    ws.write_string(STATUS_ROW - 1, 0, STATUS, fmt["bold"])
    ws.write_blank(STATUS_ROW - 1, 1, None, fmt["status"])
    ws.set_row(STATUS_ROW - 1, 60)
    ws.write_string(RESULT_ROW - 1, 0, RESULT, fmt["bold"])
    for i, line in enumerate(INSTRUCTIONS):
        ws.write_string(RESULT_ROW + 1 + i, 0, line, fmt["bold"] if i == 0 else fmt["plain"])
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.activate()


def _buttons(ws: Any) -> None:
    """The form-control buttons, each bound to a macro of the workbook's VBA project."""
    ws.set_row(BUTTON_ROW, 40)
    for caption, macro, col, x, width in BUTTONS:
        ws.insert_button(BUTTON_ROW, col, {"macro": macro, "caption": caption, "width": width, "height": 30,
                                           "x_offset": x, "y_offset": 5})


def _settings(ws: Any, settings: Mapping[str, str], fmt: Mapping[str, Any]) -> None:
    """One row per setting: label, the yellow value cell (preset or blank) and the note."""
    for col, head in enumerate(("设置", "值", "说明")):
        ws.write_string(FIRST_ROW - 2, col, head, fmt["bold"])
    choices = {SCHEME: scheme_choices(), AS_OF: period_choices(settings.get(SCHEME, "")), **SUGGESTIONS}
    for i, (label, example, text) in enumerate(SETTINGS):
        row = FIRST_ROW - 1 + i
        ws.write_string(row, 0, label, fmt["bold"])
        given = settings.get(label, example)
        if given:
            ws.write_string(row, 1, given, fmt["value"])
        else:
            ws.write_blank(row, 1, None, fmt["value"])
        ws.write_string(row, 2, text, fmt["note"])
        ws.data_validation(row, 1, row, 1, _validation(label, choices.get(label)))


def _validation(label: str, choices: list[str] | None) -> dict[str, Any]:
    """The dropdown (or the input message only) of one setting's value cell."""
    if label == BY:
        return {"validate": "list", "source": ["按部门", "按单位"], "error_title": "模板方式",
                "error_message": "请选择 按部门 或 按单位"}
    tip = {"input_title": label[:32], "input_message": _tip(label)}
    if choices:
        return {"validate": "list", "source": choices, "show_error": False, **tip}
    return {"validate": "any", **tip}


def _tip(label: str) -> str:
    """The input message of a setting: the start of its note (Excel allows 255 characters)."""
    text = next(note for name, _, note in SETTINGS if name == label)
    return text[:250]


def normalise_zip(data: bytes) -> bytes:
    """The same package with fixed timestamps, so the same inputs give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_STAMP, data)
            dst.writestr(fixed, data)
    return out.getvalue()


def build_console(folder: Path, settings: Mapping[str, str] | None = None, interpreter: str = "") -> list[Path]:
    """Write qwb_console.xlsm and the qwb_console.py that "Run main" imports into ``folder``."""
    from qwb.files import write_atomic

    folder = Path(folder)
    written = [folder / "qwb_console.xlsm", folder / "qwb_console.py"]
    write_atomic(written[0], console_bytes(settings, interpreter))
    write_atomic(written[1], CONSOLE_PY.encode("utf-8"))
    return written


# --- command line -------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    """``qwb console --out DIR``: build the console workbook."""
    p = subparsers.add_parser("console", help="生成 Excel 控制台工作簿 qwb_console.xlsm（配合 xlwings 使用）")
    p.add_argument("--out", type=Path, default=Path("qwb_console"), help="输出文件夹（默认 qwb_console）")
    p.add_argument("--scheme", default="", help="预先填入“方案文件”的路径")
    p.add_argument("--returns", default="", help="预先填入“退回文件夹”的路径")
    p.add_argument("--interpreter", default="", help="写入 xlwings.conf 表的 Python 解释器（install.bat 使用）")
    p.set_defaults(run=run_console_command)


def _absolute(text: str) -> str:
    """A preset path that exists, made absolute (the workbook resolves relative paths from its own folder)."""
    return str(Path(text).resolve()) if text and Path(text).exists() else text


def run_console_command(args: argparse.Namespace) -> int:
    from qwb.files import OutputError

    preset = {SCHEME: _absolute(args.scheme), RETURNS: _absolute(args.returns)}
    try:
        paths = build_console(args.out, {k: v for k, v in preset.items() if v}, args.interpreter)
    except OutputError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"已写出 {len(paths)} 个文件到 {args.out}：" + "、".join(p.name for p in paths))
    print("打开 qwb_console.xlsm，填写“控制台”表，点击表中的按钮（安装步骤见 docs/excel.md）。")
    return 0
