"""`qwb demo --year`: the assessment year as an office runs it, on the bundled 铁岭 scheme (three time nodes).

1. 半年: every department but one sends its 半年 values, one of them with a bare 65 in a % cell; the interim
   ranking (截至半年) and a feedback workbook for each department with problems or nothing sent.
2. 前三季度: the late department sends its feedback workbook filled in, the department with the mistake
   corrects its own; every department sends its 前三季度 values on a fresh template (merged key by key).
3. 年终: the 年终 values; after verification (实地核查) the office corrects one value in an adjustments
   workbook; the final ranking against last year's summary.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import openpyxl

from qwb.adjustments import SHEET as ADJUST_SHEET
from qwb.adjustments import blank_workbook
from qwb.fill import as_date, fill
from qwb.keys import EntryKey
from qwb.pipeline import run_consolidation
from qwb.scheme import bundled, load
from qwb.scheme.entries import entries
from qwb.scheme.model import Scheme
from qwb.simulate import simulate
from qwb.templates import assignees, file_name, write_templates

YEAR_FOLDER = "全年"
NODES = (("H1", "01-半年"), ("Q3", "02-前三季度"), ("Y", "03-年终"))
SEED = 2015


def run_year(out: Path, console: Any) -> int:
    from rich.markup import escape

    from qwb.terminal import print_consolidation

    scheme = load(bundled("tieling")[0])
    root = Path(out) / YEAR_FOLDER
    templates = write_templates(scheme, "department", root / "模板")
    values = simulate(scheme, SEED, quality=0.9)
    mistake = _percent_field_key(scheme)
    careless = next(a for a in assignees(scheme, "department") if a.id == _owner_of(scheme, mistake))
    late = [a for a in assignees(scheme, "department") if a.id != careless.id and _period_values(
        values, scheme, a.id, "H1")][-1]
    returns = root / "退回"
    console.print(f"[bold]全年演示：{escape(scheme.name)}（{scheme.year}），三个时间节点[/bold]")

    # 1. 半年
    for template in templates:
        owner = _owner(scheme, template)
        if owner == late.id:
            continue
        sent = _period_values(values, scheme, owner, "H1")
        if not sent:
            continue
        if owner == careless.id:
            sent[mistake] = 65  # typed into a % cell: 6500%
        fill(template, returns / template.name.replace(".xlsx", "（半年）.xlsx"), sent, date=as_date(dt.date(2015, 7, 3)))
    first = _consolidate(scheme, returns, root / NODES[0][1], "H1", feedback=True)
    console.print(f"\n[bold]1. 截至半年[/bold]：{late.name} 未报送，{careless.name} 在百分比单元格里填了 65。")
    print_consolidation(first, console)
    console.print(f"退回修改工作簿：{len(first.feedback)} 个，位于 {escape(str(root / NODES[0][1] / '退回修改'))}")

    # 2. 前三季度: the feedback workbooks come back filled in, then every department's 前三季度 values
    for workbook in first.feedback:
        owner = _owner(scheme, workbook)
        fixed = _period_values(values, scheme, owner, "H1")
        fill(workbook, returns / workbook.name.replace("-待报送", "（补报）").replace("-待修改", "（修改）"), fixed,
             date=as_date(dt.date(2015, 7, 20)))
    for template in templates:
        sent = _period_values(values, scheme, _owner(scheme, template), "Q3")
        if not sent:
            continue
        fill(template, returns / template.name.replace(".xlsx", "（前三季度）.xlsx"), sent,
             date=as_date(dt.date(2015, 10, 8)))
    second = _consolidate(scheme, returns, root / NODES[1][1], "Q3")
    console.print("\n[bold]2. 截至前三季度[/bold]：补报和修改后的半年值，加上各部门用新模板报的前三季度值（逐项合并）。")
    print_consolidation(second, console)

    # 3. 年终, verified and compared with last year
    for template in templates:
        sent = _period_values(values, scheme, _owner(scheme, template), "Y")
        if not sent:
            continue
        fill(template, returns / template.name.replace(".xlsx", "（年终）.xlsx"), sent, date=as_date(dt.date(2016, 1, 8)))
    adjust = _adjustments(scheme, values, root / "核查调整.xlsx")
    last_year = _last_year(scheme, root / "2014年汇总.json")
    final = _consolidate(scheme, returns, root / NODES[2][1], "Y", adjust=adjust, previous=last_year)
    console.print("\n[bold]3. 年终[/bold]：实地核查后调整 1 项（核查调整.xlsx），与上年比较。")
    print_consolidation(final, console)
    unit = final.summary()["units"][0]
    console.print(f"上年 {unit['previous']['total']} 分、第 {unit['previous']['rank']} 名；今年 {unit['total']} 分。")
    console.print(f"三次汇总的排名工作簿、汇总 JSON 和退回文件都在 {escape(str(root))}。")
    return 0


def _consolidate(scheme: Scheme, returns: Path, folder: Path, as_of: str, feedback: bool = False,
                 adjust: Path | None = None, previous: Path | None = None) -> Any:
    return run_consolidation(scheme, returns, folder / "排名工作簿.xlsx", folder / "汇总.json", as_of=as_of,
                             adjust=adjust, previous=previous, feedback=folder / "退回修改" if feedback else None)


def _keys_of(scheme: Scheme, department: str) -> list[str]:
    return [e.key for e in entries(scheme) if not e.is_veto and e.item.department == department]


def _owner(scheme: Scheme, path: Path) -> str:
    return next(a.id for a in assignees(scheme, "department") if path.name.startswith(
        file_name(scheme, a).removesuffix(".xlsx")))


def _period_values(values: dict[str, Any], scheme: Scheme, department: str, period: str) -> dict[str, Any]:
    return {k: values[k] for k in _keys_of(scheme, department) if EntryKey.parse(k).period == period}  # type: ignore[union-attr]


def _percent_field_key(scheme: Scheme) -> str:
    """The first 半年 entry of a % field: where the demo's careless department types a bare 65."""
    return next(e.key for e in entries(scheme) if not e.is_veto and e.field.unit == "%" and e.period.id == "H1")


def _owner_of(scheme: Scheme, key: str) -> str:
    return scheme.indicator(EntryKey.parse(key).item).department  # type: ignore[union-attr]


def _adjustments(scheme: Scheme, values: dict[str, Any], path: Path) -> Path:
    """One correction after 实地核查: an item's 年终 option lowered one step."""
    blank_workbook(scheme, path)
    key = next(e.key for e in entries(scheme) if e.period.id == "Y" and e.field.kind == "choice"
               and len(e.field.labels) > 1 and values.get(e.key) == e.field.labels[0])
    label = next(e.field.labels[1] for e in entries(scheme) if e.key == key)
    wb = openpyxl.load_workbook(path)
    ws = wb[ADJUST_SHEET]
    for col, value in enumerate((key, label, "实地核查：证明材料不全", "质强办 王敏"), start=1):
        ws.cell(3, col).value = value
    wb.save(path)
    return path


def _last_year(scheme: Scheme, path: Path) -> Path:
    """A summary of the year before, as qwb wrote it then (here: the same scheme, other values)."""
    rng = random.Random(SEED - 1)
    units = [{"id": u.id, "name": u.name, "total": round(rng.uniform(75, 92), 2), "grade": "良好", "rank": 1}
             for u in scheme.units]
    path.write_text(json.dumps({"format": "qwb-summary/1", "scheme": "tieling-2014", "units": units},
                               ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
