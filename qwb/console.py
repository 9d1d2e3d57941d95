"""The console workbook (qwb_console.xlsm): settings in a 控制台 sheet, the work done here in Python.

Excel calls in through xlwings: the add-in's "Run main" button runs ``main()``
of ``qwb_console.py`` beside the workbook (which is this module's ``main``),
and the macros in ``macros/qwb_macros.bas`` call ``consolidate_button``,
``templates_button`` and ``check_button`` with ``RunPython``. Each reads its
settings from the caller workbook (``xw.Book.caller()``), does the work with
the same functions the command line uses, shows progress in Excel's status bar
and writes the outcome into the sheet's 运行状态 cell.

Everything between the settings and the finished files is
:func:`run_from_settings` (and its siblings), plain Python tested without Excel.
The workbook itself is built by :func:`build_console` from the workbook that
``xlwings quickstart`` copies, so its VBA project is xlwings' own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHEET = "控制台"
CONFIG_SHEET = "xlwings.conf"
SCHEME, RETURNS, OUT, JSON = "方案文件", "退回文件夹", "输出文件", "汇总 JSON"
TEMPLATES, BY, CHECK = "模板文件夹", "模板方式", "待检查文件"
STATUS = "运行状态"
BY_CHOICES = {"按部门": "department", "按单位": "unit", "department": "department", "unit": "unit"}
FIRST_ROW = 4  # settings start here, labels in column A and values in column B

#: (label, example value written by the build, note) in sheet order
SETTINGS: tuple[tuple[str, str, str], ...] = (
    (SCHEME, "", "考核方案文件（.yaml 或 .xlsx）的完整路径，或内置方案名，如 changzhou"),
    (RETURNS, "", "各部门、各单位交回的填报文件所在文件夹（含子文件夹）"),
    (OUT, "", "汇总排名工作簿（.xlsx）；空白时写到退回文件夹旁的“汇总排名.xlsx”；已存在的会被覆盖"),
    (JSON, "", "可选：同时写出汇总 JSON 的文件路径"),
    (TEMPLATES, "", "生成填报模板时写入的文件夹"),
    (BY, "按部门", "按部门：每个部门一份；按单位：每个被考核单位一份自评表"),
    (CHECK, "", "报送前检查的一份填报文件"),
)
STATUS_ROW = FIRST_ROW + len(SETTINGS) + 1

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

Progress = Callable[[int, int, str], None]


class ConsoleError(Exception):
    """A setting that cannot be used; the message tells the person what to fix."""


@dataclass
class Outcome:
    """What a run produced and the one-line Chinese summary written to 运行状态."""

    message: str
    files: list[Path]
    ok: bool = True


# --- settings -------------------------------------------------------------------------


def settings_from_rows(rows: list[list[Any]]) -> dict[str, Any]:
    """The settings in a block of cells: every row whose first cell is a known label, matched by label."""
    known = {label for label, _, _ in SETTINGS}
    out: dict[str, Any] = {}
    for row in rows:
        if row and isinstance(row[0], str) and row[0].strip() in known and len(row) > 1:
            value = row[1]
            out[row[0].strip()] = value.strip() if isinstance(value, str) else value
    return out


def read_settings(book: Any) -> dict[str, Any]:
    """The settings of the 控制台 sheet of an xlwings Book."""
    try:
        sheet = book.sheets[SHEET]
    except Exception as exc:
        raise ConsoleError(f"工作簿中没有“{SHEET}”工作表") from exc
    rows = sheet.range((1, 1), (STATUS_ROW + 20, 2)).value
    return settings_from_rows(rows)


def _text(settings: Mapping[str, Any], label: str) -> str:
    value = settings.get(label)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().strip('"')


def _path(settings: Mapping[str, Any], label: str, base: Path | None) -> Path | None:
    text = _text(settings, label)
    if not text:
        return None
    path = Path(text).expanduser()
    return path if path.is_absolute() or base is None else base / path


def _scheme(settings: Mapping[str, Any], base: Path | None) -> Any:
    from qwb.issues import errors
    from qwb.scheme import bundled, read

    text = _text(settings, SCHEME)
    if not text:
        raise ConsoleError(f"请在“{SCHEME}”中填写考核方案文件的路径")
    path = _path(settings, SCHEME, base)
    if path is not None and not path.is_file() and not Path(text).suffix and bundled(text):
        path = bundled(text)[0]
    if path is None or not path.is_file():
        raise ConsoleError(f"找不到方案文件：{path}")
    scheme, issues = read(path)
    if scheme is None or errors(issues):
        first = "；".join(i.message for i in errors(issues)[:3])
        raise ConsoleError(f"方案文件有 {len(errors(issues))} 个错误（可用 qwb scheme check 查看全部）：{first}")
    return scheme


# --- the work -------------------------------------------------------------------------


def run_from_settings(settings: Mapping[str, Any], progress: Progress | None = None,
                      base: Path | None = None) -> Outcome:
    """Consolidate as the 控制台 settings say: read the returns, score, write the ranking workbook (and JSON)."""
    from qwb.consolidate import consolidate
    from qwb.files import OutputError, write_atomic
    from qwb.issues import errors
    from qwb.report import write_report
    from qwb.summary import dumps

    scheme = _scheme(settings, base)
    folder = _path(settings, RETURNS, base)
    if folder is None:
        raise ConsoleError(f"请在“{RETURNS}”中填写退回文件所在的文件夹")
    if not folder.is_dir():
        raise ConsoleError(f"找不到退回文件夹：{folder}")
    out = _path(settings, OUT, base) or folder.parent / "汇总排名.xlsx"
    if out.suffix.lower() != ".xlsx":
        raise ConsoleError(f"“{OUT}”应为 .xlsx 文件，现为：{out.name}")
    json_out = _path(settings, JSON, base)
    c = consolidate(scheme, folder, progress)
    files = [out]
    try:
        write_report(c, out)
        if json_out is not None:
            write_atomic(json_out, dumps(c.summary()))
            files.append(json_out)
    except OutputError as exc:
        raise ConsoleError(str(exc)) from exc
    accepted = sum(1 for r in c.returns if r.status == "accepted")
    n_err = len(errors(c.issues))
    first = c.result.units[0] if c.result.units else None
    parts = [f"汇总完成：收到 {len(c.returns)} 个文件，采用 {accepted} 个",
             f"未提交 {len(c.missing)} 个" if c.missing else "无未提交",
             f"校验问题 {n_err} 个错误、{len(c.issues) - n_err} 个警告"]
    if first is not None:
        parts.append(f"第一名 {first.name}（{first.total.normalize():f} 分）")
    return Outcome("；".join(parts) + f"。排名工作簿：{out}", files)


def templates_from_settings(settings: Mapping[str, Any], base: Path | None = None) -> Outcome:
    """Write the fill-in templates the settings ask for."""
    from qwb.templates import write_templates

    scheme = _scheme(settings, base)
    folder = _path(settings, TEMPLATES, base)
    if folder is None:
        raise ConsoleError(f"请在“{TEMPLATES}”中填写模板要写入的文件夹")
    kind = BY_CHOICES.get(_text(settings, BY) or "按部门")
    if kind is None:
        raise ConsoleError(f"“{BY}”应为 按部门 或 按单位，现为“{_text(settings, BY)}”")
    paths = write_templates(scheme, kind, folder)
    return Outcome(f"已生成 {len(paths)} 个{'部门填报' if kind == 'department' else '单位自评'}模板，位于 {folder}", paths)


def check_from_settings(settings: Mapping[str, Any], base: Path | None = None) -> Outcome:
    """Check one return as ``qwb check`` does; the outcome carries the full text of the check."""
    from rich.console import Console

    from qwb.consolidate import check_return

    scheme = _scheme(settings, base)
    path = _path(settings, CHECK, base)
    if path is None:
        raise ConsoleError(f"请在“{CHECK}”中填写要检查的填报文件")
    buffer = io.StringIO()
    status = check_return(scheme, path, Console(file=buffer, width=200, color_system=None, highlight=False))
    lines = [line.rstrip() for line in buffer.getvalue().splitlines() if line.strip()]
    return Outcome("\n".join(lines), [path], ok=status == 0)


# --- in Excel ---------------------------------------------------------------------------


class StatusBar:
    """Excel's status bar, where the engine has one (Excel on Windows and macOS); silent elsewhere."""

    def __init__(self, app: Any):
        self.app, self.works = app, True

    def show(self, text: str | bool) -> None:
        if not self.works:
            return
        try:
            self.app.status_bar = text
        except (NotImplementedError, AttributeError):
            self.works = False

    def progress(self, done: int, total: int, name: str) -> None:
        self.show(f"qwb：正在读取退回文件 {done}/{total} {name}" if done < total else "qwb：正在计分、写出排名……")


def _base(book: Any) -> Path | None:
    folder = Path(str(book.fullname)).parent
    return folder if folder.is_absolute() else None


def run_in_book(book: Any, work: Callable[[dict[str, Any], StatusBar, Path | None], Outcome]) -> Outcome:
    """Read the settings of ``book``, do ``work``, show the outcome in 运行状态; never a traceback in Excel."""
    bar = StatusBar(book.app)
    bar.show("qwb：开始……")
    try:
        outcome = work(read_settings(book), bar, _base(book))
    except ConsoleError as exc:
        outcome = Outcome(f"未完成：{exc}", [], ok=False)
    except Exception as exc:  # noqa: BLE001 - the person sees a message, not a traceback
        outcome = Outcome(f"出错：{type(exc).__name__}: {exc}", [], ok=False)
    finally:
        bar.show(False)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    book.sheets[SHEET].range((STATUS_ROW, 2)).value = f"{'✓' if outcome.ok else '✗'} {stamp} {outcome.message}"
    return outcome


def consolidate_book(book: Any) -> Outcome:
    return run_in_book(book, lambda s, bar, base: run_from_settings(s, bar.progress, base))


def consolidate_button() -> None:
    """RunPython entry point: consolidate as the caller workbook's 控制台 says."""
    import xlwings as xw

    consolidate_book(xw.Book.caller())


def templates_button() -> None:
    """RunPython entry point: generate the fill-in templates."""
    import xlwings as xw

    run_in_book(xw.Book.caller(), lambda s, bar, base: templates_from_settings(s, base))


def check_button() -> None:
    """RunPython entry point: check one return before it is sent."""
    import xlwings as xw

    run_in_book(xw.Book.caller(), lambda s, bar, base: check_from_settings(s, base))


def main() -> None:
    """What xlwings' "Run main" button calls (through qwb_console.py): consolidate."""
    consolidate_button()


# --- building the console workbook ------------------------------------------------------------

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
