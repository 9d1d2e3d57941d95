"""What qwb prints on a terminal (rich): rankings, issues, a consolidation's outcome, progress.

The pipeline returns data; this module is the one place that turns it into text
for a person at a terminal. Imported lazily by the command line and the demo.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from qwb.consolidate import STAGES, Consolidation
from qwb.engine import Result
from qwb.files import OutputError
from qwb.guard import DEFAULT_LIMITS, Limits
from qwb.history import PreviousError
from qwb.issues import SEVERITY_NAMES, SEVERITY_SYMBOLS, Issue
from qwb.numtext import fixed
from qwb.pipeline import ReturnCheck, run_consolidation
from qwb.scheme.model import Scheme

COLORS = {"error": "red", "warning": "yellow", "info": "blue"}
MARKS = {k: f"[{COLORS[k]}]{SEVERITY_SYMBOLS[k]} {name}[/{COLORS[k]}]" for k, name in SEVERITY_NAMES.items()}
RANKING_COLUMNS = ("名次", "单位", "总分", "等次", "基本分", "加分", "扣分", "否决", "填报完整")
NUMERIC = ("名次", "总分", "基本分", "加分", "扣分")


def console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def where(issue: Issue) -> str:
    return f"[{issue.where}] " if issue.where else ""


def print_issues(issues: list[Issue], out: Console) -> None:
    for issue in issues:
        out.print(f"{MARKS.get(issue.severity, issue.severity)} {escape(where(issue))}"
                  f"{escape(issue.message)} [dim]({issue.code})[/dim]")


#: a ranking longer than this prints its top and bottom SHOWN_ENDS rows unless the whole table is asked for
SHOWN_ENDS = 10


def print_ranking(result: Result, out: Console, full: bool = False) -> None:
    """The ranking table; with many units only its top and bottom (the workbook has every row)."""
    d = result.scheme.decimals
    units = result.units
    shown = units if full or len(units) <= 2 * SHOWN_ENDS + 1 else units[:SHOWN_ENDS] + units[-SHOWN_ENDS:]
    table = Table(title=f"{result.scheme.name}（{result.scheme.year}）排名")
    for col in RANKING_COLUMNS:
        table.add_column(col, justify="right" if col in NUMERIC else "left")
    for n, u in enumerate(shown):
        if len(shown) < len(units) and n == SHOWN_ENDS:
            table.add_row("…", f"（中间 {len(units) - len(shown)} 个单位略，见排名工作簿）", *[""] * 7)
        table.add_row(
            str(u.rank), escape(u.name), fixed(u.total, d), u.grade or "—",
            fixed(u.base, d), fixed(u.bonus, d), fixed(u.deduction, d),
            "是" if u.veto else "", "是" if u.complete else "否",
        )
    out.print(table)
    grades = {}
    for u in units:
        grades[u.grade or "—"] = grades.get(u.grade or "—", 0) + 1
    out.print(f"共 {len(units)} 个被考核单位；" + "，".join(f"{g} {n} 个" for g, n in grades.items())
              + f"；填报完整 {sum(1 for u in units if u.complete)} 个。")


def print_consolidation(c: Consolidation, out: Console, full: bool = False) -> None:
    """The ranking and the counts a person checks before opening the workbook."""
    if len(c.scheme.periods) > 1:
        node = next(p.name for p in c.scheme.periods if p.id == c.as_of)
        out.print(f"[bold]截至“{node}”（{c.as_of}）" + ("，期中汇总：之后的时间节点尚未到期，不计分、不算缺报。"
                                                     if c.interim else "，全年汇总。") + "[/bold]")
    print_ranking(c.result, out, full)
    out.print(f"收到 {len(c.returns)} 个文件：采用 {c.count('accepted')}，替代 {c.count('superseded')}，"
              f"拒收 {c.count('rejected')}。")
    if c.missing:
        known = {d.id: d.name for d in c.scheme.departments} | {u.id: u.name for u in c.scheme.units}
        names = "、".join(known.get(a, a) for a in c.missing)
        out.print(f"[bold red]未提交（{len(c.missing)}）：{names}[/bold red]")
    if c.adjustments:
        applied = sum(1 for a in c.adjustments if a.applied)
        out.print(f"核查调整：{len(c.adjustments)} 行，采用 {applied} 行" +
                  (f"，{len(c.adjustments) - applied} 行未采用（见“校验问题”）。" if applied < len(c.adjustments) else "。"))
    n_err = len(c.errors)
    out.print(f"校验问题：{n_err} 个错误，{len(c.issues) - n_err} 个警告（详见排名工作簿“校验问题”表）。")


def print_check(check: ReturnCheck, out: Console) -> None:
    if not check.found:
        out.print(f"[red]{escape(check.heading)}[/red]")
        return
    if check.heading:
        out.print(escape(check.heading))
    print_issues(check.issues, out)
    out.print(f"[{'red' if check.errors else 'green'}]{escape(check.verdict)}[/]")


@contextmanager
def reading_progress(out: Any) -> Iterator[Any]:
    """A progress callback drawing a bar while returns are read, on a terminal; None elsewhere."""
    if not getattr(out, "is_terminal", False):
        yield None
        return
    with Progress(TextColumn("读取退回文件"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=out, transient=True) as bar:
        task = bar.add_task("", total=None)
        yield lambda done, total, name: bar.update(task, completed=done, total=total, description=name[-30:])


def consolidate_and_print(scheme: Scheme, folder: Path, out: Path, json_out: Path | None, screen: Console,
                          expect_kinds: tuple[str, ...] | None = None, limits: Limits = DEFAULT_LIMITS,
                          workers: int | None = None, full: bool = False, as_of: str | None = None,
                          adjust: Path | None = None, previous: Path | None = None,
                          feedback: Path | None = None, timings: bool = False) -> int:
    """`qwb consolidate` (and the demo's last step): run the pipeline with a progress bar, print the outcome;
    the exit status."""
    try:
        with reading_progress(screen) as progress:
            c = run_consolidation(scheme, folder, out, json_out, progress, expect_kinds, limits, workers, as_of,
                                  adjust, previous, feedback)
    except (OutputError, PreviousError) as exc:
        screen.print(f"[red]{escape(str(exc))}[/red]")
        return 1
    started = time.perf_counter()
    print_consolidation(c, screen, full)
    screen.print(f"排名工作簿：{out}" + (f"；汇总 JSON：{json_out}" if json_out else ""))
    if feedback is not None:
        screen.print(f"退回修改工作簿：{len(c.feedback)} 个，位于 {feedback}" if c.feedback else
                     "所有报送单位都没有需要修改的问题，未生成退回修改工作簿。")
    c.timings["print"] = time.perf_counter() - started
    if timings:
        screen.print(timings_line(c.timings))
    return 0


def timings_line(timings: dict[str, float]) -> str:
    """各阶段用时（秒）：读取与校验 1.23，计分 0.40，… 合计 …: what `qwb consolidate --timings` prints last."""
    parts = [f"{STAGES.get(k, k)} {v:.3f}" for k, v in timings.items()]
    return f"各阶段用时（秒）：{'，'.join(parts)}；合计 {sum(timings.values()):.3f}"
