"""The whole job, once, for every entry point: consolidate a folder and write its outputs; check one return.

The command line, the Excel console and the demo call these functions and only
present what they return (rich text on a terminal, a status cell in Excel).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from qwb import beside
from qwb.consolidate import Consolidation, Progress, consolidate, score_mismatches
from qwb.engine import score_checked
from qwb.files import sha256, write_pending
from qwb.guard import DEFAULT_LIMITS, Limits
from qwb.history import read_previous
from qwb.issues import Issue, errors, sort_issues
from qwb.returns import Expectations, read_return
from qwb.scheme.model import Scheme


def run_consolidation(scheme: Scheme, folder: Path, out: Path, json_out: Path | None = None,
                      progress: Progress | None = None, expect_kinds: tuple[str, ...] | None = None,
                      limits: Limits = DEFAULT_LIMITS, workers: int | None = None,
                      as_of: str | None = None, adjust: Path | None = None,
                      previous: Path | None = None, feedback: Path | None = None) -> Consolidation:
    """Read, validate and score every return in ``folder``; apply the office's adjustments; compare with last
    year; write the ranking workbook and, if asked, the JSON.

    Raises :class:`qwb.files.OutputError` when an output cannot be written (inputs are never touched) and
    :class:`qwb.history.PreviousError` when last year's summary cannot be read."""
    with _collector_paused():
        return _run(scheme, folder, out, json_out, progress, expect_kinds, limits, workers, as_of, adjust, previous,
                    feedback)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off for one run: a run makes millions of objects and keeps most of them to the end
    (every return read, every score), which the collector would traverse again and again, for a fifteenth of a
    run of 1,000 returns; hardly any of them is part of a cycle (reference counting frees the rest)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(scheme: Scheme, folder: Path, out: Path, json_out: Path | None, progress: Progress | None,
         expect_kinds: tuple[str, ...] | None, limits: Limits, workers: int | None, as_of: str | None,
         adjust: Path | None, previous: Path | None, feedback: Path | None) -> Consolidation:
    from qwb.report import write_report  # xlsxwriter is not needed by `qwb check`
    from qwb.summary import write_json

    last_year = read_previous(previous) if previous is not None else None
    c = consolidate(scheme, Path(folder), progress, expect_kinds, limits, workers, as_of, adjust)
    c.previous = last_year
    c.inputs = {"截至时间节点": c.as_of if len(scheme.periods) > 1 else "",
                "核查调整文件": _signed(adjust), "上年汇总": _signed(previous)}
    started = time.perf_counter()
    json_job = beside.start(lambda: write_pending(json_out, lambda handle: write_json(c.summary(lazy=True), handle)),
                            json_out) if json_out is not None else None
    try:
        write_report(c, out)
        c.timings["report"] = time.perf_counter() - started
        if json_job is not None:
            waited = time.perf_counter()
            pending, seconds = json_job.result()
            pending.commit()
            if json_job.forked:  # written beside the workbook: only the wait beyond it
                c.timings["json"] = time.perf_counter() - waited
            else:  # written before the workbook, within its time
                c.timings["json"], c.timings["report"] = seconds, c.timings["report"] - seconds
    finally:
        if json_job is not None:
            json_job.discard()
    if feedback is not None:
        from qwb.feedback import write_feedback

        started = time.perf_counter()
        c.feedback = write_feedback(c, feedback, expect_kinds)
        c.timings["feedback"] = time.perf_counter() - started
    return c


def _signed(path: Path | None) -> str:
    return f"{Path(path).name}（SHA-256 {sha256(Path(path))}）" if path is not None and Path(path).is_file() else ""


@dataclass
class ReturnCheck:
    """What ``qwb check`` finds in one return, before a department sends it."""

    file: str
    found: bool = True
    assignee: str = ""  # the department or unit name, once identified
    kind: str = ""  # department | unit
    rows: int = 0  # rows the template asks for
    filled: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return errors(self.issues)

    @property
    def heading(self) -> str:
        """Which file, whose template, how much is filled: empty when the file was not identified."""
        if not self.found:
            return f"找不到文件：{self.file}"
        if not self.assignee:
            return ""
        template = "填报" if self.kind == "department" else "自评"
        return f"{self.file}：{self.assignee} 的{template}模板，共 {self.rows} 行，已填 {self.filled} 行。"

    @property
    def verdict(self) -> str:
        n_err = len(self.errors)
        if n_err:
            return f"发现 {n_err} 个错误，请改正后再报送。"
        return "没有错误，可以报送。" + (f"（{len(self.issues)} 个提醒）" if self.issues else "")


def check_return(scheme: Scheme, path: Path) -> ReturnCheck:
    """Read one return exactly as consolidation would, and score it alone."""
    path = Path(path)
    if not path.is_file():
        return ReturnCheck(str(path), found=False)
    expect = Expectations(scheme)
    rf = read_return(path, scheme, expect)
    check = ReturnCheck(rf.name, issues=list(rf.issues))
    if rf.status == "accepted":
        reported = expect.key_set((rf.kind, rf.assignee))
        result = score_checked(scheme, rf.checked, rf.where, report_missing=lambda k: k in reported)
        check.issues += score_mismatches(rf, result) + result.issues
        check.assignee, check.kind = expect.assignees[(rf.kind, rf.assignee)].name, rf.kind
        check.rows, check.filled = len(reported), sum(1 for k in reported if k in result.values)
    check.issues = sort_issues(check.issues)
    return check
