"""`qwb demo`: the whole flow on a bundled scheme, with returns as departments really send them.

Templates are generated, filled with simulated values (qwb.simulate) by an
ordinary openpyxl filler, with the mistakes people make: full-width digits, a
percentage typed as text, a value out of range, a value left blank, a return
sent twice, a department that never answers, a sorted table. Then the folder
is consolidated exactly as `qwb consolidate` does it.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from qwb.fill import Text, as_date, fill, sort_rows
from qwb.keys import BLANK_KEY, EntryKey
from qwb.numtext import number
from qwb.rules import VETO_FIELD, YES, InputField
from qwb.scheme import SchemeError, bundled, load, resolve
from qwb.scheme.entries import entries
from qwb.scheme.model import Scheme
from qwb.simulate import simulate
from qwb.templates import Assignee, assignees, file_name, write_templates
from qwb.templates.layout import template_keys

MARKER = ".qwb-demo"
TEMPLATES, RETURNS = "模板", "退回"
REPORT, SUMMARY = "排名工作簿.xlsx", "汇总.json"
SEED = 2024
PEOPLE = ["王敏", "李强", "张丽", "刘洋", "陈静", "杨帆", "赵磊", "黄娟", "周涛", "吴婷", "徐亮", "孙悦"]


@dataclass
class Mistake:
    who: str  # the department whose return carries it
    key: str
    what: str
    value: Any


@dataclass
class Plan:
    """What the demo sends back: one filled copy per file name, and the mistakes put in them."""

    scheme: Scheme
    entries: dict[str, Any]
    self_entries: dict[str, Any]
    returns: list[tuple[Assignee, str, dict[str, Any], dt.date]] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)
    missing: Assignee | None = None
    veto: tuple[str, str] | None = None  # (department name, key) of the one veto that occurred
    resent: Assignee | None = None
    sorted_file: str = ""


def run(scheme_name: str, out_dir: Path, console: Any) -> int:
    from rich.markup import escape

    started = time.perf_counter()
    path = resolve(scheme_name)
    if path is None:
        console.print(f"[red]找不到方案“{escape(scheme_name)}”。可用的内置方案："
                      f"{'、'.join(p.stem for p in bundled()) or '无'}。[/red]")
        return 1
    try:
        scheme = load(path)
    except SchemeError as exc:
        console.print(f"[red]方案“{escape(str(path))}”有错误，无法演示：{escape(str(exc))}[/red]")
        return 1
    out = Path(out_dir)
    problem = prepare(out)
    if problem:
        console.print(f"[red]{escape(problem)}[/red]")
        return 1
    console.print(f"演示方案：{escape(scheme.name)}（{scheme.year}年度，{path.name}）："
                  f"{len(scheme.indicators)} 项指标，{len(scheme.units)} 个被考核单位。")
    dept_paths = write_templates(scheme, "department", out / TEMPLATES / "部门")
    unit_paths = write_templates(scheme, "unit", out / TEMPLATES / "单位自评")
    plan = make_plan(scheme, SEED)
    write_returns(plan, out / TEMPLATES, out / RETURNS)
    print_plan(plan, console)
    from qwb.terminal import consolidate_and_print

    code = consolidate_and_print(scheme, out / RETURNS, out / REPORT, out / SUMMARY, console)
    console.print(f"模板：{escape(str(out / TEMPLATES / '部门'))}（{len(dept_paths)} 个部门填报模板）、"
                  f"{escape(str(out / TEMPLATES / '单位自评'))}（{len(unit_paths)} 个单位自评模板）；"
                  f"退回文件：{escape(str(out / RETURNS))}。")
    console.print(f"用时 {time.perf_counter() - started:.1f} 秒。自己试试：qwb consolidate {escape(str(path))} "
                  f"{escape(str(out / RETURNS))} --out 排名.xlsx")
    return code


def prepare(out: Path) -> str:
    """An empty folder, or one an earlier demo made (cleared); never someone else's files."""
    if out.exists() and not out.is_dir():
        return f"“{out}”是一个文件，不是文件夹；请用 --out 指定另一个文件夹。"
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return f"文件夹“{out}”已有其他内容，不是 qwb demo 生成的；为免覆盖，请用 --out 指定一个新文件夹。"
    for name in (TEMPLATES, RETURNS):
        if (out / name).is_dir():
            shutil.rmtree(out / name)
    for name in (REPORT, SUMMARY):
        (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("qwb demo 生成的文件夹；再次运行 qwb demo 会清空其中的模板、退回文件和排名工作簿。\n",
                              encoding="utf-8")
    return ""


# --- what is sent back ------------------------------------------------------------------


def make_plan(scheme: Scheme, seed: int) -> Plan:
    rng = random.Random(seed)
    entries = simulate(scheme, seed)
    plan = Plan(scheme, entries, self_evaluations(scheme, entries, seed))
    departments = assignees(scheme, "department")
    keys = {a.id: template_keys(scheme, a) for a in departments}
    due = scheme.period_end or dt.date(scheme.year, 12, 31)
    plan.missing = _least_work(scheme, departments, keys) if len(departments) >= 2 else None
    returned = [a for a in departments if a is not plan.missing]
    plan.resent = returned[1] if len(returned) >= 3 else returned[0] if returned else None
    for n, a in enumerate(returned):
        mine = {k: entries[k] for k in keys[a.id]}
        day = due + dt.timedelta(days=8 + n)
        if a is plan.resent:
            first = dict(mine)
            plan.returns.append((a, _renamed(scheme, a, "（初稿）"), first, day - dt.timedelta(days=5)))
        plan.returns.append((a, file_name(scheme, a), mine, day))
    _veto_event(plan)
    _put_mistakes(plan, rng)
    if len(plan.returns) >= 2:
        plan.sorted_file = plan.returns[-1][1]
    for n, unit in enumerate(assignees(scheme, "unit")):
        mine = {k: plan.self_entries[k] for k in template_keys(scheme, unit)}
        plan.returns.append((unit, file_name(scheme, unit), mine, due + dt.timedelta(days=3 + n)))
    return plan


def _veto_event(plan: Plan) -> None:
    """One unit had an event that vetoes its grade (when the scheme has vetoes and ranks several units)."""
    s = plan.scheme
    if not s.vetoes or len(s.units) < 2:
        return
    key = str(EntryKey.veto(s.units[-1].id, s.vetoes[0].id, s.last_period.id, VETO_FIELD))
    for a, _name, values, _day in plan.returns:
        if key in values:
            values[key] = YES
            plan.veto = (a.name, key)


def _least_work(scheme: Scheme, departments: list[Assignee], keys: dict[str, list[str]]) -> Assignee:
    """The department that does not answer: the one with the fewest rows, not the one asking about vetoes."""
    veto_owners = {v.department for v in scheme.vetoes}
    candidates = [a for a in departments if a.id not in veto_owners] or departments
    return min(reversed(candidates), key=lambda a: len(keys[a.id]))


def _renamed(scheme: Scheme, a: Assignee, suffix: str) -> str:
    return file_name(scheme, a).removesuffix(".xlsx") + suffix + ".xlsx"


def self_evaluations(scheme: Scheme, verified: dict[str, Any], seed: int) -> dict[str, Any]:
    """What units claim: the same statistics, but the best choice and a generous score where they judge."""
    generous = simulate(scheme, seed + 1, quality=1.0)
    fields = _fields(scheme)
    out = dict(verified)
    for key, value in generous.items():
        f = fields.get(key)
        if f is not None and f.kind in ("score", "choice"):
            out[key] = value
    return out


def _fields(scheme: Scheme) -> dict[str, InputField]:
    return {e.key: e.field for e in entries(scheme)}


def _put_mistakes(plan: Plan, rng: random.Random) -> None:
    """The mistakes people make, each in a different return where the scheme allows; the resent return's first
    version carries a wrong value its final version corrects."""
    fields = _fields(plan.scheme)
    final = [(a, values) for a, name, values, _day in plan.returns if not name.endswith("（初稿）.xlsx")]
    rng.shuffle(final)
    used: set[str] = set()

    def put(test: Any, what: str, change: Any) -> None:
        for a, values in sorted(final, key=lambda item: item[0].id in used):
            keys = [k for k, v in values.items() if v is not None and not isinstance(v, Text) and test(fields[k], v)]
            if keys:
                key = rng.choice(keys)
                values[key] = change(values[key], fields[key])
                plan.mistakes.append(Mistake(a.name, key, what, values[key]))
                used.add(a.id)
                return

    put(lambda f, v: f.kind in ("number", "score") and f.unit != "%" and isinstance(v, (int, float)) and v >= 1,
        "全角数字（可识别）", lambda v, f: Text(_full_width(v)))
    put(lambda f, v: f.unit == "%" and isinstance(v, (int, float)), "百分数写成文字（可识别）",
        lambda v, f: Text(f"{number(Decimal(str(v)) * 100)}%"))
    if any(f.kind == "score" and f.maximum is not None for f in fields.values()):
        put(lambda f, v: f.kind == "score" and f.maximum is not None, "超出分值范围",
            lambda v, f: number(f.maximum + 2))
    elif any(f.kind == "number" and f.maximum is not None for f in fields.values()):
        put(lambda f, v: f.kind == "number" and f.maximum is not None, "超出取值范围",
            lambda v, f: number(f.maximum + 1))
    else:
        put(lambda f, v: f.kind == "choice" and "基本完成" not in f.labels, "不是下拉列表中的选项",
            lambda v, f: Text("基本完成"))
    put(lambda f, v: f.required and f.kind in ("number", "choice", "score"), "漏填", lambda v, f: None)
    if plan.resent is not None:
        draft = next(values for a, name, values, _d in plan.returns if name.endswith("（初稿）.xlsx"))
        key = next((k for k, v in draft.items() if fields[k].kind in ("score", "number") and v is not None), None)
        if key:
            draft[key] = Text("待核实")


def _full_width(value: Any) -> str:
    text = str(number(Decimal(str(value))))
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def write_returns(plan: Plan, templates: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    scheme = plan.scheme
    for n, (a, name, values, day) in enumerate(plan.returns):
        sub = "部门" if a.kind == "department" else "单位自评"
        template = templates / sub / file_name(scheme, a)
        fill(template, folder / name, values, date=as_date(day), person=PEOPLE[n % len(PEOPLE)])
    if plan.sorted_file:
        sort_rows(folder / plan.sorted_file, "被考核单位")


def print_plan(plan: Plan, console: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="演示用退回文件里的常见问题", title_justify="left")
    for col in ("部门", "位置", "问题", "填写的内容"):
        table.add_column(col)
    s = plan.scheme
    for m in plan.mistakes:
        key = EntryKey.parse(m.key) or BLANK_KEY
        table.add_row(escape(m.who), escape(f"{s.unit_name(key.unit)} 指标{key.item} {key.field}"), m.what,
                      escape("（空）" if m.value is None else str(m.value)))
    if plan.resent is not None:
        table.add_row(escape(plan.resent.name), "整份", "报送两次（初稿 + 正式稿）", "以填报日期较晚的为准")
    if plan.sorted_file:
        who = next(a.name for a, name, _v, _d in plan.returns if name == plan.sorted_file)
        table.add_row(escape(who), "整份", "表格按被考核单位重新排序", "按编码识别，不受影响")
    if plan.missing is not None:
        table.add_row(escape(plan.missing.name), "整份", "未报送", "")
    if plan.veto is not None:
        key = EntryKey.parse(plan.veto[1]) or BLANK_KEY
        table.add_row(escape(plan.veto[0]), escape(f"{s.unit_name(key.unit)} 否决项{key.veto_id} {key.field}"),
                      "（不是错误）发生否决事件", YES)
    console.print(table)

