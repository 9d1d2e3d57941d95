"""The console workbook (qwb_console.xlsm): settings in a 控制台 sheet, the work done here in Python.

Excel calls in through xlwings: the three buttons on the 控制台 sheet run the
macros ``QWB_Templates``, ``QWB_CheckReturn`` and ``QWB_Consolidate`` of the
workbook's own VBA project (:mod:`qwb.vba`), which call ``templates_button``,
``check_button`` and ``consolidate_button`` with ``RunPython``; the add-in's
"Run main" runs ``main()`` of ``qwb_console.py`` beside the workbook (this
module's ``main``). Each reads its
settings from the caller workbook (``xw.Book.caller()``), does the work with
the same functions the command line uses, shows progress in Excel's status bar
and writes the outcome into the sheet's 运行状态 cell.

Everything between the settings and the finished files is
:func:`run_from_settings` (and its siblings), plain Python tested without Excel.
The workbook itself is built by :mod:`qwb.console_book`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qwb.issues import SEVERITY_NAMES, SEVERITY_SYMBOLS

SHEET = "控制台"
SCHEME, RETURNS, OUT, JSON, AS_OF = "方案文件", "退回文件夹", "输出文件", "汇总 JSON", "截至时间节点"
ADJUST, PREVIOUS = "核查调整文件", "上年汇总"
TEMPLATES, BY, CHECK = "模板文件夹", "模板方式", "待检查文件"
STATUS, RESULT = "运行状态", "结果文件"
BY_CHOICES = {"按部门": "department", "按单位": "unit", "department": "department", "unit": "unit"}
FIRST_ROW = 5  # settings start here, labels in column A and values in column B

#: (label, example value written by the build, note) in sheet order
SETTINGS: tuple[tuple[str, str, str], ...] = (
    (SCHEME, "", "考核方案文件（.yaml 或 .xlsx）的完整路径，或内置方案名，如 changzhou"),
    (RETURNS, "", "各部门、各单位交回的填报文件所在文件夹（含子文件夹）"),
    (OUT, "", "汇总排名工作簿（.xlsx）；空白时写到退回文件夹旁的“汇总排名.xlsx”；已存在的会被覆盖"),
    (JSON, "", "可选：同时写出汇总 JSON 的文件路径"),
    (AS_OF, "", "可选：期中汇总时填时间节点（如 半年）；空白时为退回文件中填了值的最晚节点"),
    (ADJUST, "", "可选：质强办核查调整工作簿（.xlsx，用 qwb adjustments 生成空白表）"),
    (PREVIOUS, "", "可选：上年的汇总 JSON，排名中加上年名次和名次升降"),
    (TEMPLATES, "", "生成填报模板时写入的文件夹"),
    (BY, "按部门", "按部门：每个部门一份；按单位：每个被考核单位一份自评表"),
    (CHECK, "", "报送前检查的一份填报文件"),
)
STATUS_ROW = FIRST_ROW + len(SETTINGS) + 1
RESULT_ROW = STATUS_ROW + 1  # a link to the file the last run wrote

Progress = Callable[[int, int, str], None]
SEVERITY_MARKS = {k: f"{SEVERITY_SYMBOLS[k]} {name}" for k, name in SEVERITY_NAMES.items()}


class ConsoleError(Exception):
    """A setting that cannot be used; the message tells the person what to fix."""


@dataclass
class Outcome:
    """What a run produced and the one-line Chinese summary written to 运行状态."""

    message: str
    files: list[Path]
    ok: bool = True
    link: Path | None = None  # what the 结果文件 cell links to: the ranking workbook, the templates' folder


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
    rows = sheet.range((1, 1), (RESULT_ROW + 20, 2)).value
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
    from qwb.scheme import read, resolve

    text = _text(settings, SCHEME)
    if not text:
        raise ConsoleError(f"请在“{SCHEME}”中填写考核方案文件的路径")
    path = resolve(text, base)
    if path is None:
        raise ConsoleError(f"找不到方案文件：{_path(settings, SCHEME, base)}")
    scheme, issues = read(path)
    if scheme is None or errors(issues):
        first = "；".join(i.message for i in errors(issues)[:3])
        raise ConsoleError(f"方案文件有 {len(errors(issues))} 个错误（可用 qwb scheme check 查看全部）：{first}")
    return scheme


# --- the work -------------------------------------------------------------------------


def run_from_settings(settings: Mapping[str, Any], progress: Progress | None = None,
                      base: Path | None = None) -> Outcome:
    """Consolidate as the 控制台 settings say: read the returns, score, write the ranking workbook (and JSON)."""
    from qwb.files import OutputError
    from qwb.history import PreviousError
    from qwb.numtext import plain
    from qwb.pipeline import run_consolidation

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
    as_of = _as_of(scheme, _text(settings, AS_OF))
    adjust, previous = _path(settings, ADJUST, base), _path(settings, PREVIOUS, base)
    for label, path in ((ADJUST, adjust), (PREVIOUS, previous)):
        if path is not None and not path.is_file():
            raise ConsoleError(f"找不到“{label}”：{path}")
    try:
        c = run_consolidation(scheme, folder, out, json_out, progress, as_of=as_of, adjust=adjust,
                              previous=previous)
    except (OutputError, PreviousError) as exc:
        raise ConsoleError(str(exc)) from exc
    n_err = len(c.errors)
    first = c.result.units[0] if c.result.units else None
    node = next(p.name for p in scheme.periods if p.id == c.as_of)
    when = f"（截至{node}{'，期中汇总' if c.interim else ''}）" if len(scheme.periods) > 1 else ""
    parts = [f"汇总完成{when}：收到 {len(c.returns)} 个文件，采用 {c.count('accepted')} 个",
             f"未提交 {len(c.missing)} 个" if c.missing else "无未提交",
             f"校验问题 {n_err} 个错误、{len(c.issues) - n_err} 个警告"]
    if first is not None:
        parts.append(f"第一名 {first.name}（{plain(first.total)} 分）")
    files = [out] + ([json_out] if json_out is not None else [])
    return Outcome("；".join(parts) + f"。排名工作簿：{out}", files, link=out)


def _as_of(scheme: Any, text: str) -> str | None:
    if not text:
        return None
    for period in scheme.periods:
        if text in (period.id, period.name):
            return period.id
    known = "、".join(p.name for p in scheme.periods)
    raise ConsoleError(f"“{AS_OF}”应为方案中的时间节点（{known}），现为“{text}”")


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
    return Outcome(f"已生成 {len(paths)} 个{'部门填报' if kind == 'department' else '单位自评'}模板，位于 {folder}", paths,
                   link=folder)


def check_from_settings(settings: Mapping[str, Any], base: Path | None = None) -> Outcome:
    """Check one return as ``qwb check`` does; the outcome carries the full text of the check."""
    from qwb.pipeline import check_return

    scheme = _scheme(settings, base)
    path = _path(settings, CHECK, base)
    if path is None:
        raise ConsoleError(f"请在“{CHECK}”中填写要检查的填报文件")
    check = check_return(scheme, path)
    return Outcome("\n".join(check_lines(check)), [path], ok=check.found and not check.errors)


def check_lines(check: Any) -> list[str]:
    """A check's findings as plain lines for one cell (the terminal prints the same, in colour)."""
    if not check.found:
        return [check.heading]
    issues = [f"{SEVERITY_MARKS.get(i.severity, i.severity)} {f'[{i.where}] ' if i.where else ''}{i.message} ({i.code})"
              for i in check.issues]
    return [line for line in (check.heading, *issues, check.verdict) if line]


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
    sheet = book.sheets[SHEET]
    sheet.range((STATUS_ROW, 2)).value = f"{'✓' if outcome.ok else '✗'} {stamp} {outcome.message}"
    sheet.range((RESULT_ROW, 2)).value = result_link(outcome)
    return outcome


def result_link(outcome: Outcome) -> str:
    """The 结果文件 cell: a HYPERLINK formula to what the run wrote (empty when it wrote nothing)."""
    if not outcome.ok or outcome.link is None or not outcome.link.exists():
        return ""
    target = str(outcome.link)
    return f'=HYPERLINK("{target}","打开 {outcome.link.name}")' if '"' not in target else target


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
