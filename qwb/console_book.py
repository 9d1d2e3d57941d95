"""Building the console workbook qwb_console.xlsm and the ``qwb console`` command.

The workbook is xlwings' own quickstart workbook (so its VBA project is xlwings')
with a 控制台 sheet laid out from :data:`qwb.console.SETTINGS`; what its buttons
run is :mod:`qwb.console`.
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

from qwb.console import BY, FIRST_ROW, RETURNS, SCHEME, SETTINGS, SHEET, STATUS, STATUS_ROW

CONFIG_SHEET = "xlwings.conf"

INSTRUCTIONS = (
    "使用说明",
    "1. 安装：在装有 qwb 的 Python 中运行 xlwings addin install，Excel 功能区出现 xlwings 选项卡。",
    "2. 在 xlwings 选项卡的 Interpreter 中填写装有 qwb 的 python（如 C:\\qwb\\.venv\\Scripts\\python.exe）。",
    "3. 本工作簿须与同名的 qwb_console.py 放在同一文件夹。",
    "4. 在上方黄色单元格填写方案文件、退回文件夹和输出文件（可用完整路径，或相对本工作簿所在文件夹的路径）。",
    "5. 点击 xlwings 选项卡的 Run main 按钮开始汇总；进度显示在 Excel 窗口底部的状态栏，结果写在“运行状态”。",
    "6. 生成模板、检查单份文件：用 VBA 编辑器（Alt+F11）导入 qwb_macros.bas，再运行 QWB_Templates、QWB_CheckReturn，"
    "或把它们指定给按钮。",
    "7. 表格中的 QWB_TARGET 等计分函数：在 xlwings 选项卡点击 Import Functions（xlwings.conf 表已设 UDF Modules = qwb.udfs）。",
    "WPS、LibreOffice 用户：不需要本工作簿，在命令行运行 qwb consolidate 方案文件 退回文件夹 --out 汇总排名.xlsx。",
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


def quickstart_workbook() -> Path:
    """The workbook ``xlwings quickstart`` copies (its VBA project references the xlwings add-in)."""
    import xlwings

    return Path(xlwings.__file__).resolve().parent / "quickstart.xlsm"


def macros_folder() -> Path | None:
    folder = Path(__file__).resolve().parent.parent / "macros"
    return folder if folder.is_dir() else None


def console_bytes(settings: Mapping[str, str] | None = None) -> bytes:
    """qwb_console.xlsm: xlwings' quickstart workbook with a 控制台 sheet and UDF Modules = qwb.udfs."""
    import openpyxl

    wb = openpyxl.load_workbook(quickstart_workbook(), keep_vba=True)
    sheet = wb.worksheets[0]  # keeps its VBA code name, so the VBA project stays consistent
    sheet.title = SHEET
    _layout(sheet, settings or {})
    _config(wb)
    wb.active = 0
    for prop in ("created", "modified"):
        setattr(wb.properties, prop, FIXED_TIME)
    wb.properties.creator = wb.properties.lastModifiedBy = "qwb"
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_zip(buffer.getvalue())


def _config(wb: Any) -> None:
    """Activate xlwings' config sheet with one row, so every other setting comes from the add-in."""
    conf = wb["_xlwings.conf"]
    conf.title = CONFIG_SHEET
    conf.delete_rows(1, conf.max_row)
    conf["A1"], conf["B1"] = "UDF Modules", "qwb.udfs"
    conf.sheet_state = "visible"


def _layout(ws: Any, settings: Mapping[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold, title = Font(bold=True, name="宋体"), Font(bold=True, size=16, name="宋体")
    fill = PatternFill("solid", fgColor="FFF2CC")
    ws["A1"], ws["A1"].font = "qwb 质量工作考核 控制台", title
    ws["A2"] = "填写黄色单元格后，点击 xlwings 选项卡的 Run main 汇总排名。"
    for col, head in enumerate(("设置", "值", "说明"), start=1):
        ws.cell(FIRST_ROW - 1, col, head).font = bold
    for i, (label, example, note) in enumerate(SETTINGS):
        row = FIRST_ROW + i
        ws.cell(row, 1, label).font = bold
        value = ws.cell(row, 2, settings.get(label, example) or None)
        value.fill = fill
        ws.cell(row, 3, note)
    validation = DataValidation(type="list", formula1='"按部门,按单位"', allow_blank=True)
    ws.add_data_validation(validation)
    validation.add(ws.cell(FIRST_ROW + [s[0] for s in SETTINGS].index(BY), 2))
    ws.cell(STATUS_ROW, 1, STATUS).font = bold
    for i, line in enumerate(INSTRUCTIONS):
        cell = ws.cell(STATUS_ROW + 2 + i, 1, line)
        cell.font = bold if i == 0 else Font(name="宋体")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 14, 60
    ws.column_dimensions["C"].width = 70
    ws.cell(STATUS_ROW, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = "landscape", 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def normalise_zip(data: bytes) -> bytes:
    """The same package with fixed timestamps, so the same inputs give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_STAMP, data)
            dst.writestr(fixed, data)
    return out.getvalue()


def build_console(folder: Path, settings: Mapping[str, str] | None = None) -> list[Path]:
    """Write qwb_console.xlsm, the qwb_console.py that "Run main" imports, and the .bas macros, into ``folder``."""
    from qwb.files import write_atomic

    folder = Path(folder)
    written = [folder / "qwb_console.xlsm", folder / "qwb_console.py"]
    write_atomic(written[0], console_bytes(settings))
    write_atomic(written[1], CONSOLE_PY.encode("utf-8"))
    macros = macros_folder()
    for bas in sorted(macros.glob("*.bas")) if macros else []:
        write_atomic(folder / bas.name, bas.read_bytes())
        written.append(folder / bas.name)
    return written


# --- command line -------------------------------------------------------------------------


def add_commands(subparsers: Any) -> None:
    """``qwb console --out DIR``: build the console workbook."""
    p = subparsers.add_parser("console", help="生成 Excel 控制台工作簿 qwb_console.xlsm（配合 xlwings 使用）")
    p.add_argument("--out", type=Path, default=Path("qwb_console"), help="输出文件夹（默认 qwb_console）")
    p.add_argument("--scheme", default="", help="预先填入“方案文件”的路径")
    p.add_argument("--returns", default="", help="预先填入“退回文件夹”的路径")
    p.set_defaults(run=run_console_command)


def _absolute(text: str) -> str:
    """A preset path that exists, made absolute (the workbook resolves relative paths from its own folder)."""
    return str(Path(text).resolve()) if text and Path(text).exists() else text


def run_console_command(args: argparse.Namespace) -> int:
    from qwb.files import OutputError

    preset = {SCHEME: _absolute(args.scheme), RETURNS: _absolute(args.returns)}
    try:
        paths = build_console(args.out, {k: v for k, v in preset.items() if v})
    except OutputError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"已写出 {len(paths)} 个文件到 {args.out}：" + "、".join(p.name for p in paths))
    print("打开 qwb_console.xlsm，填写“控制台”表，点击 xlwings 选项卡的 Run main 汇总排名（安装步骤见 docs/excel.md）。")
    return 0
