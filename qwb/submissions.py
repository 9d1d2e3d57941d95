"""What each assignee submitted: its returns merged key by key, and values not yet due set aside.

An assignee (a department or a unit) may send several returns in a year: one per
time node on a fresh template, a draft and a corrected copy. They are merged key
by key: each entry takes its value from the latest return (by 填报日期, then file
time) in which that entry's 填报值 is not blank. A return none of whose values is
used is superseded. In an interim run (``as_of``) only the periods up to that
node are due; values sent early are set aside with a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qwb.engine import Checked, check_entries, describe_key, due_periods
from qwb.issues import Issue, KeptEarlierValue, NotYetDue, Superseded
from qwb.keys import EntryKey, period_of
from qwb.returns import Expectations, ReturnFile
from qwb.scheme.model import Scheme
from qwb.values import is_blank


@dataclass
class Submission:
    """One assignee's values as they count: validated, located, and which file each came from."""

    kind: str
    assignee: str
    checked: Checked
    where: Mapping[str, dict[str, str]]
    source: dict[str, str] = field(default_factory=dict)  # key -> the file its value came from
    unit_score: tuple[Any, list[Any]] | None = None  # scored in the reading worker; None to score here
    notes: list[Issue] = field(default_factory=list)  # about the submission as a whole (values set aside)


def latest_first_order(rf: ReturnFile) -> tuple[dt.date, float, str]:
    return rf.filled_date or dt.date.min, rf.mtime, rf.name


def submissions(scheme: Scheme, returns: list[ReturnFile], expect: Expectations) -> list[Submission]:
    """One submission per assignee that sent an accepted return; superseded returns are marked as such."""
    groups: dict[tuple[str, str], list[ReturnFile]] = {}
    for rf in returns:
        if rf.status == "accepted":
            groups.setdefault((rf.kind, rf.assignee), []).append(rf)
    out = []
    for (kind, assignee), copies in sorted(groups.items()):
        if len(copies) == 1:
            rf = copies[0]
            source = {key: rf.name for key, value in rf.entries.items() if not is_blank(value)}
            out.append(Submission(kind, assignee, rf.checked, rf.where, source, rf.unit_score))
        else:
            out.append(_merged(scheme, sorted(copies, key=latest_first_order), expect))
    return out


def _merged(scheme: Scheme, copies: list[ReturnFile], expect: Expectations) -> Submission:
    """Several returns of one assignee, oldest first, merged key by key."""
    entries: dict[str, Any] = {}
    where: dict[str, dict[str, str]] = {}
    source: dict[str, ReturnFile] = {}
    for rf in copies:
        for key, value in rf.entries.items():
            if not is_blank(value) or key not in source:
                entries[key], where[key] = value, rf.where[key]
            if not is_blank(value):
                source[key] = rf
    _warn_blanked(scheme, copies, source)
    used = {id(rf) for rf in source.values()}
    latest_used = next(rf for rf in reversed(copies) if id(rf) in used) if used else copies[-1]
    order = {id(rf): n for n, rf in enumerate(copies)}
    for rf in copies:
        if id(rf) not in used and rf is not latest_used:
            rf.status = "superseded"
            why = (f"同一模板有更新的退回“{latest_used.name}”（填报日期 {latest_used.filled_date or '未填'}）"
                   if order[id(rf)] < order[id(latest_used)] else
                   f"本文件的填报值都为空，已填的值以同一单位较早的退回“{latest_used.name}”为准")
            rf.issues.append(Superseded.new(why=why, file=rf.name))
    checked = check_entries(scheme, entries, where, expect.index)
    return Submission(copies[0].kind, copies[0].assignee, checked, where,
                      {key: rf.name for key, rf in source.items()})


def _warn_blanked(scheme: Scheme, copies: list[ReturnFile], source: dict[str, ReturnFile]) -> None:
    """A later return that leaves blank what an earlier one filled keeps the earlier value: say so, once a file."""
    order = {id(rf): n for n, rf in enumerate(copies)}
    for rf in copies:
        kept = [key for key, value in rf.entries.items()
                if is_blank(value) and key in source and order[id(source[key])] < order[id(rf)]]
        if kept:
            sample = "、".join(describe_key(scheme, key) for key in kept[:3]) + ("等" if len(kept) > 3 else "")
            rf.issues.append(KeptEarlierValue.new(count=len(kept), sample=sample, file=rf.name))


def default_as_of(scheme: Scheme, returns: list[ReturnFile]) -> str:
    """The latest period any accepted return holds a value for (the last period when none does): decided by
    the files, never by the clock, so the same inputs give the same ranking."""
    order = {p.id: n for n, p in enumerate(scheme.periods)}
    latest, last = -1, len(scheme.periods) - 1
    for rf in returns:
        if rf.status != "accepted":
            continue
        for key, value in rf.entries.items():
            parsed = EntryKey.parse(key)
            if parsed and not is_blank(value) and parsed.period in order:
                latest = max(latest, order[parsed.period])
        if latest == last:  # no later period to find
            break
    return scheme.periods[latest].id if latest >= 0 else scheme.last_period.id


def set_aside_early(scheme: Scheme, subs: list[Submission], as_of: str) -> None:
    """Drop values of periods not yet due (and any problems with them), with one warning per file."""
    due = set(due_periods(scheme, as_of))
    if due >= {p.id for p in scheme.periods}:  # a final run: nothing is early
        return
    names = {p.id: p.name for p in scheme.periods}
    for sub in subs:
        early = [k for k in list(sub.checked.values) + list(sub.checked.rejected) if period_of(k) not in due]
        if not early:
            continue
        for key in early:
            sub.checked.values.pop(key, None)
            sub.checked.rejected.discard(key)
        early_set = set(early)
        sub.checked.issues = [i for i in sub.checked.issues if i.key not in early_set]
        by_file: dict[str, list[str]] = {}
        for key in early:
            by_file.setdefault(sub.source.get(key) or sub.where.get(key, {}).get("file", ""), []).append(key)
        for file, keys in sorted(by_file.items()):
            periods = "、".join(sorted({names[period_of(k)] for k in keys}, key=list(names.values()).index))
            sub.notes.append(NotYetDue.new(count=len(keys), periods=periods, as_of=names[as_of], file=file))
        sub.unit_score = None
