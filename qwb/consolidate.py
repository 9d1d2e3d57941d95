"""Consolidation: a folder of returns becomes scores, every problem located and explained."""

from __future__ import annotations

import dataclasses
import gc
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from qwb.adjustments import Adjustment, apply, read_adjustments
from qwb.engine import Checked, Result, due_periods, score_checked
from qwb.guard import DEFAULT_LIMITS, Limits
from qwb.history import rank_change
from qwb.issues import Issue, MissingReturn, ScoreMismatch, errors, sort_issues
from qwb.keys import EntryKey, Located
from qwb.numtext import plain
from qwb.returns import Expectations, ReturnFile, discover, read_return
from qwb.rules import NA_FIELD
from qwb.scheme.model import Scheme
from qwb.submissions import Submission, default_as_of, set_aside_early, submissions
from qwb.templates.names import ENTRY_SHEET

Progress = Callable[[int, int, str], None]


@dataclass
class Comparison:
    unit: str
    indicator: str
    self_score: Decimal
    verified_score: Decimal

    @property
    def difference(self) -> Decimal:
        return self.verified_score - self.self_score


@dataclass
class Consolidation:
    scheme: Scheme
    result: Result  # the scores that count
    returns: list[ReturnFile]
    missing: list[str]
    issues: list[Issue]
    mode: str  # "verified" (department returns count) or "self" (self-evaluations count)
    self_result: Result | None = None
    comparison: list[Comparison] = field(default_factory=list)
    as_of: str = ""  # the last period due in this run
    sources: dict[str, str] = field(default_factory=dict)  # key -> the file its counted value came from
    adjustments: list[Adjustment] = field(default_factory=list)
    previous: dict[str, dict[str, Any]] | None = None  # last year's {unit id: {total, grade, rank}}
    feedback: list[Path] = field(default_factory=list)  # the feedback workbooks written, if asked for
    #: what this run was given besides the returns: option -> "file name（SHA-256 …）" or value (the sign-off)
    inputs: dict[str, str] = field(default_factory=dict)
    #: key -> file, sheet, cell of its counted value
    where: Mapping[str, dict[str, str]] = field(default_factory=dict)
    #: seconds spent in each stage of the run (STAGES), as measured; not part of the summary
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def interim(self) -> bool:
        return self.as_of != self.scheme.last_period.id

    def return_rows(self) -> list[dict[str, Any]]:
        rows = []
        for rf in self.returns:
            rows.append({
                "file": rf.name, "template": f"{self.scheme.id}/{rf.template}" if rf.template else "",
                "assignee": rf.assignee, "status": rf.status, "sha256": rf.sha256, "kind": rf.kind,
                "filled_date": rf.filled_date.isoformat() if rf.filled_date else None, "rows": rf.rows_read,
            })
        return rows

    def count(self, status: str) -> int:
        """How many returns have this status (accepted, superseded, rejected)."""
        return sum(1 for r in self.returns if r.status == status)

    @property
    def errors(self) -> list[Issue]:
        return errors(self.issues)

    def summary(self, lazy: bool = False) -> dict[str, Any]:
        """The JSON summary as a dict; ``lazy``: its units made one at a time as qwb.summary.write_json
        writes them (a run of thousands of units never holds them all)."""
        from qwb.summary import Lazy, summary_dict

        data = summary_dict(self.result, returns=self.return_rows(), missing=self.missing, lazy=lazy)
        data["issues"] = [i.to_json() for i in self.issues]
        data["mode"] = self.mode
        if len(self.scheme.periods) > 1:
            data["as_of"] = self.as_of
        if self.adjustments:
            data["adjustments"] = [a.to_json() for a in self.adjustments]
        if self.previous is not None:
            previous, units = self.previous, data["units"]

            def with_previous(unit: dict[str, Any]) -> dict[str, Any]:
                before = previous.get(unit["id"])
                unit["previous"] = before
                unit["rank_change"] = rank_change(before, unit["rank"])
                return unit

            data["units"] = Lazy(len(units), lambda: map(with_previous, iter(units))) if lazy else \
                [with_previous(u) for u in units]
        return data


#: the stages a run is timed by (Consolidation.timings), with the names `qwb consolidate --timings` prints
STAGES = {"read": "读取与校验", "score": "计分", "report": "排名工作簿", "json": "汇总 JSON", "feedback": "退回修改工作簿",
          "print": "终端输出"}


#: below this many files one process reads faster than starting a pool
PARALLEL_FROM = 40
_WORKER: dict[str, Any] = {}


def _init_worker(scheme: Scheme, limits: Limits) -> None:
    gc.enable()  # a worker keeps nothing between returns: its collector costs little (paused in the run's process)
    _WORKER["scheme"] = scheme
    _WORKER["expect"] = Expectations(scheme)
    _WORKER["limits"] = limits


def _read_in_worker(job: tuple[Path, str]) -> ReturnFile:
    return read_return(job[0], _WORKER["scheme"], _WORKER["expect"], job[1], _WORKER["limits"])


def read_all(scheme: Scheme, paths: list[Path], folder: Path, progress: Progress | None = None,
             expect: Expectations | None = None, workers: int | None = None,
             limits: Limits = DEFAULT_LIMITS) -> list[ReturnFile]:
    """Read every return; with many files, in a process pool over all cores (reading is CPU-bound)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(paths) >= PARALLEL_FROM:
        return _read_parallel(scheme, paths, folder, progress, workers, limits)
    expect = expect or Expectations(scheme)
    out = []
    for n, path in enumerate(paths):
        if progress:
            progress(n, len(paths), path.name)
        out.append(read_return(path, scheme, expect, _display_name(path, folder), limits))
    if progress:
        progress(len(paths), len(paths), "")
    return out


def _read_parallel(scheme: Scheme, paths: list[Path], folder: Path, progress: Progress | None,
                   workers: int, limits: Limits) -> list[ReturnFile]:
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(p, _display_name(p, folder)) for p in paths]
    out = []
    chunk = max(1, min(16, len(jobs) // (workers * 4)))  # small: no worker idles long at the end
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(scheme, limits)) as pool:
        for n, rf in enumerate(pool.map(_read_in_worker, jobs, chunksize=chunk)):
            out.append(rf)
            if progress and n % 10 == 0:
                progress(n, len(jobs), rf.name)
    if progress:
        progress(len(jobs), len(jobs), "")
    return out


def _display_name(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return path.name


def consolidate(scheme: Scheme, folder: Path, progress: Progress | None = None,
                expect_kinds: tuple[str, ...] | None = None, limits: Limits = DEFAULT_LIMITS,
                workers: int | None = None, as_of: str | None = None,
                adjust: Path | None = None) -> Consolidation:
    """Every return in ``folder`` read, merged per assignee, validated and scored; ``as_of`` (a period id)
    makes an interim run, defaulting to the latest period any return holds a value for."""
    folder = Path(folder)
    started = time.perf_counter()
    expect = Expectations(scheme)
    returns = read_all(scheme, discover(folder), folder, progress, expect, workers, limits)
    read_done = time.perf_counter()
    as_of = as_of or default_as_of(scheme, returns)
    subs = submissions(scheme, returns, expect)
    set_aside_early(scheme, subs, as_of)
    if as_of != scheme.last_period.id:  # units scored in the workers counted every period
        for sub in subs:
            sub.unit_score = None
    kinds_present = {rf.kind for rf in returns if rf.status != "rejected" and rf.kind}
    mode = "verified" if "department" in kinds_present or not kinds_present else "self"
    counted_kind = "department" if mode == "verified" else "unit"
    adjustments, adjust_issues = read_adjustments(adjust) if adjust is not None else ([], [])
    results = {kind: _score_kind(scheme, [s for s in subs if s.kind == kind], expect, as_of,
                                 adjustments if kind == counted_kind else [], adjust, adjust_issues)
               for kind in ("department", "unit") if kind in kinds_present}
    result = results.get(counted_kind) or score_checked(scheme, Checked(), report_missing=False, as_of=as_of)
    issues: list[Issue] = [note for sub in subs for note in sub.notes] + adjust_issues
    single = _single_returns(returns)
    for rf in returns:
        issues += rf.issues
        if rf.status == "accepted" and rf.kind in results and id(rf) in single:
            issues += score_mismatches(rf, results[rf.kind])
    for res in results.values():
        issues += res.issues
    wanted = expect_kinds or tuple(sorted(kinds_present)) or ("department",)
    missing = _missing(returns, expect, wanted, set(due_periods(scheme, as_of)))
    for kind, assignee in missing:
        name = expect.assignees[(kind, assignee)].name
        issues.append(MissingReturn.new(assignee=name, template="填报" if kind == "department" else "自评",
                                        unit=assignee if kind == "unit" else ""))
    self_result = results.get("unit") if mode == "verified" else None
    comparison = _compare(scheme, self_result, result) if self_result else []
    sources = {key: file for sub in subs if sub.kind == counted_kind for key, file in sub.source.items()}
    where = Located(sub.where for sub in subs if sub.kind == counted_kind)
    c = Consolidation(scheme, result, returns, sorted({a for _k, a in missing}), sort_issues(issues), mode,
                      self_result, comparison, as_of, sources, adjustments, where=where)
    c.timings = {"read": read_done - started, "score": time.perf_counter() - read_done}
    return c


def _score_kind(scheme: Scheme, subs: list[Submission], expect: Expectations, as_of: str,
                adjustments: list[Adjustment], adjust: Path | None, adjust_issues: list[Issue]) -> Result:
    """The scores of one kind of template (department or self-evaluation), from every submission of that kind,
    with the office's adjustments applied when this kind is the one that counts."""
    checked, where = Checked(), Located(sub.where for sub in subs)
    for sub in subs:
        checked.update(sub.checked)
    if adjustments and adjust is not None:
        unadjusted = checked
        checked, refused = apply(adjustments, checked, expect.index, adjust.name, set(due_periods(scheme, as_of)))
        adjust_issues += refused
        _scores_around(scheme, adjustments, unadjusted, checked, as_of)
    adjusted_units = {EntryKey.parse(a.key).unit for a in adjustments if a.applied}  # type: ignore[union-attr]
    reported = set().union(*(expect.key_set((sub.kind, sub.assignee)) for sub in subs))
    scored = {sub.assignee: sub.unit_score for sub in subs
              if sub.unit_score is not None and sub.assignee not in adjusted_units}
    return score_checked(scheme, checked, where, report_missing=lambda k: k in reported, scored=scored, as_of=as_of)


def _scores_around(scheme: Scheme, adjustments: list[Adjustment], before: Checked, after: Checked,
                   as_of: str) -> None:
    """Each applied adjustment's item score (for its period) before and after, for the 核查调整 sheet."""
    units = {EntryKey.parse(a.key).unit for a in adjustments if a.applied}  # type: ignore[union-attr]
    if not units:
        return
    narrowed = dataclasses.replace(scheme, units=[u for u in scheme.units if u.id in units])
    scored = {name: score_checked(narrowed, values, report_missing=False, as_of=as_of)
              for name, values in (("before", before), ("after", after))}
    for a in adjustments:
        key = EntryKey.parse(a.key)
        if a.applied and key is not None and not key.is_veto:
            a.score_before, a.score_after = (scored[n].unit(key.unit).items[key.item].period_scores.get(key.period)
                                             for n in ("before", "after"))


def _single_returns(returns: list[ReturnFile]) -> set[int]:
    """The accepted returns that are their assignee's only one: their stored 得分 can be checked against the
    scores (a merged assignee's scores come from several files)."""
    count: dict[tuple[str, str], int] = {}
    for rf in returns:
        if rf.status == "accepted":
            count[(rf.kind, rf.assignee)] = count.get((rf.kind, rf.assignee), 0) + 1
    return {id(rf) for rf in returns if rf.status == "accepted" and count[(rf.kind, rf.assignee)] == 1}


def _missing(returns: list[ReturnFile], expect: Expectations, kinds: tuple[str, ...],
             due: set[str]) -> list[tuple[str, str]]:
    """The assignees expected and not heard from; in an interim run only those with something due."""
    received = {(rf.kind, rf.assignee) for rf in returns if rf.status != "rejected"}
    return [t for t in expect.assignees if t[0] in kinds and t not in received
            and any(EntryKey.parse(k).period in due for k in expect.keys(t))]  # type: ignore[union-attr]


def score_mismatches(rf: ReturnFile, result: Result) -> list[Issue]:
    """Never trust a return's own 得分: warn where the stored score differs from the recomputed one."""
    out = []
    for key, (stored, cell) in rf.stored_scores.items():
        if stored is None or stored == "" or not isinstance(stored, (int, float)) or isinstance(stored, bool):
            continue
        parsed = EntryKey.parse(key)
        if parsed is None or parsed.is_veto or parsed.unit not in {u.id for u in result.units}:
            continue
        unit_id, item, period, field_name = parsed
        item_score = result.unit(unit_id).items.get(item)
        if item_score is None or period not in item_score.period_scores:
            continue
        if field_name == NA_FIELD and item_score.na:
            continue
        computed = item_score.period_scores[period]
        if computed is None or abs(Decimal(str(stored)) - computed) > Decimal("0.000001"):
            shown = "无法计分" if computed is None else plain(computed)
            cause = ScoreMismatch.OVERWRITTEN if cell not in rf.score_formulas else \
                ScoreMismatch.REFUSED if computed is None else ScoreMismatch.STALE
            out.append(ScoreMismatch.new(stored=stored, computed=shown, cause=cause, file=rf.name, sheet=ENTRY_SHEET,
                                         cell=cell, unit=unit_id, indicator=item))
    return out


def _compare(scheme: Scheme, self_result: Result, verified: Result) -> list[Comparison]:
    out = []
    for unit in scheme.units:
        s, v = self_result.unit(unit.id), verified.unit(unit.id)
        for ind in scheme.indicators:
            out.append(Comparison(unit.id, ind.id, s.items[ind.id].score, v.items[ind.id].score))
    return out
