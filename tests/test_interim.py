"""The assessment year as it runs: interim runs at each time node (--as-of) and returns merged key by key.

Totals are worked out by hand from the 铁岭 2015 scheme (qwb/schemes/tieling-2015.yaml): three nodes 半年 H1,
前三季度 Q3, 年终 Y; period_aggregate mean; full marks 100. Items 1, 3, 5–10 and 12–20 are asked at every node,
items 2 (H1), 4 and 11 (H1, Y) at some, items 21–24 and the bonus 4B at 年终 only. The base items due at H1 are
1–20: 10 + 4 + 4 + 3 + 3 + 6×4 + 4×3 + 5×4 = 80 points.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from qwb.consolidate import consolidate
from qwb.fill import fill
from qwb.keys import EntryKey
from qwb.scheme import bundled, load
from qwb.scheme.entries import entries
from qwb.scheme.model import Scheme
from qwb.templates import assignees, file_name, write_templates

TIELING = bundled("tieling")[0]
HALF_MARKS = {"1": "证明材料不全"}  # item 1: 5 of 10


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load(TIELING)


@pytest.fixture(scope="module")
def templates(scheme: Scheme, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_templates(scheme, "department", tmp_path_factory.mktemp("t"))


def best(scheme: Scheme, period: str, **choices: str) -> dict[str, Any]:
    """Every entry of one node at full marks, but for the choices given (item id -> option label)."""
    out: dict[str, Any] = {}
    for e in entries(scheme):
        if e.period.id != period or e.is_veto:
            continue
        f = e.field
        if f.name == "合理缺项":
            out[e.key] = "否"
        elif f.kind == "choice":
            out[e.key] = choices.get(e.item.id, f.labels[0])
        elif e.item.id == "17":
            out[e.key] = 1  # 100%
        elif e.item.id == "21":
            out[e.key] = choices.get("21", 0)
        else:  # 22, 23: 宣传 at least once; the bonus 4B: above last year
            out[e.key] = 1
    return out


def send(templates: list[Path], folder: Path, values: dict[str, Any], day: dt.date, suffix: str = "") -> None:
    for template in templates:
        name = template.name.replace(".xlsx", f"{suffix}.xlsx")
        fill(template, folder / name, values, date=dt.datetime.combine(day, dt.time()))


def total(c: Any) -> float:
    return float(c.result.units[0].total)


def test_half_year_run_counts_only_what_is_due(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    send(templates, tmp_path, best(scheme, "H1", **HALF_MARKS), dt.date(2015, 7, 5))
    c = consolidate(scheme, tmp_path)
    # the default node is the latest one any return holds a value for
    assert c.as_of == "H1" and c.summary()["as_of"] == "H1"
    # 75 of the 80 points due, scaled to 100: 93.75; nothing is missing
    unit = c.result.units[0]
    assert (total(c), unit.grade, unit.complete) == (93.75, "优秀", True)
    assert not [i for i in c.issues if i.code in ("missing-value", "missing-rows")]
    items = c.summary()["units"][0]["items"]
    assert "21" not in items and "4B" not in items  # not due yet
    assert items["1"] == {"score": 5, "periods": {"H1": 5}}


def test_three_quarters_run_and_one_file_per_node(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    """Each department sends its 前三季度 values on a fresh template: the 半年 values are kept."""
    half, three = tmp_path / "by-node", tmp_path / "one-file"
    send(templates, half, best(scheme, "H1", **HALF_MARKS), dt.date(2015, 7, 5), "（半年）")
    send(templates, half, best(scheme, "Q3"), dt.date(2015, 10, 8), "（前三季度）")
    send(templates, three, best(scheme, "H1", **HALF_MARKS) | best(scheme, "Q3"), dt.date(2015, 10, 8))
    by_node, together = consolidate(scheme, half), consolidate(scheme, three)
    # item 1 averages 5 (H1) and 10 (Q3) = 7.5; the other due items are full: 77.5 of 80 -> 96.875 -> 96.88
    assert total(by_node) == total(together) == 96.88
    assert by_node.as_of == "Q3"
    holding_values = [rf for rf in by_node.returns if any(v is not None for v in rf.entries.values())]
    assert holding_values and all(rf.status == "accepted" for rf in holding_values)
    assert by_node.result.units[0].items["1"].period_scores == {"H1": 5, "Q3": 10}
    kept = [i for i in by_node.issues if i.code == "kept-earlier-value"]
    assert kept and all("前三季度" in i.file for i in kept)
    assert all("指标" in i.message and "|" not in i.message for i in kept)  # in words, not as keys


def test_year_end_run(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    values = best(scheme, "H1", **HALF_MARKS) | best(scheme, "Q3") | best(scheme, "Y", **{"1": "无相关材料"})
    values |= {k: 2 for k in values if EntryKey.parse(k).item == "21"}  # two months reported late: 5 - 2 = 3
    send(templates, tmp_path, values, dt.date(2016, 1, 10))
    c = consolidate(scheme, tmp_path)
    # item 1: mean(5, 10, 0) = 5; items 2–20 full: 70; 21: 3; 22–24: 15 -> base 93 of 100; bonus 4B: 2 -> 95
    assert (c.as_of, total(c), float(c.result.units[0].bonus)) == ("Y", 95.0, 2.0)


def test_values_sent_early_are_set_aside(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    send(templates, tmp_path, best(scheme, "H1", **HALF_MARKS) | best(scheme, "Q3"), dt.date(2015, 10, 8))
    c = consolidate(scheme, tmp_path, as_of="H1")
    assert total(c) == 93.75
    early = [i for i in c.issues if i.code == "not-yet-due"]
    assert early and all(i.severity == "warning" and "前三季度" in i.message for i in early)
    assert not [k for k in c.result.values if EntryKey.parse(k).period != "H1"]


def test_a_corrected_full_return_replaces_the_draft(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    send(templates, tmp_path, best(scheme, "H1", **{"1": "无相关方案", "3": "无相关制度"}), dt.date(2015, 7, 1),
         "（初稿）")
    send(templates, tmp_path, best(scheme, "H1", **HALF_MARKS), dt.date(2015, 7, 5))
    c = consolidate(scheme, tmp_path)
    assert total(c) == 93.75  # the corrected values
    status = {rf.name: rf.status for rf in c.returns}
    assert {s for n, s in status.items() if "初稿" in n} == {"superseded"}
    assert {s for n, s in status.items() if "初稿" not in n} == {"accepted"}
    json.dumps(c.summary(), ensure_ascii=False)


def test_command_line_as_of(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    import subprocess
    import sys

    send(templates, tmp_path / "r", best(scheme, "H1", **HALF_MARKS) | best(scheme, "Q3"), dt.date(2015, 10, 8))

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "qwb", "consolidate", str(TIELING), str(tmp_path / "r"),
                               "--out", str(tmp_path / "o.xlsx"), "--json", str(tmp_path / "o.json"), *extra],
                              capture_output=True, text=True, encoding="utf-8", timeout=120,
                              env={"PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"})

    done = run("--as-of", "半年")
    assert done.returncode == 0, done.stderr
    assert "截至“半年”（H1），期中汇总" in done.stdout
    summary = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert (summary["as_of"], summary["units"][0]["total"]) == ("H1", 93.75)
    bad = run("--as-of", "Q4")
    assert bad.returncode == 2 and "没有时间节点“Q4”" in bad.stderr and "H1（半年）" in bad.stderr


def test_a_department_with_nothing_due_is_not_missing(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    """质强办 (zqb) asks only 年终 items: at 半年 nobody waits for it."""
    only_year_end = [a for a in assignees(scheme, "department")
                     if all(i.periods == ("Y",) for i in scheme.indicators if i.department == a.id)]
    skipped = {file_name(scheme, a) for a in only_year_end}
    send([t for t in templates if t.name not in skipped], tmp_path, best(scheme, "H1", **HALF_MARKS),
         dt.date(2015, 7, 5))
    half = consolidate(scheme, tmp_path, as_of="H1")
    assert [a.id for a in only_year_end] == ["zqb"] and half.missing == []
    assert "zqb" in consolidate(scheme, tmp_path, as_of="Y").missing


def test_department_scores_count_only_what_is_due(scheme: Scheme, templates: list[Path], tmp_path: Path) -> None:
    """部门得分 at 半年: 应填项 are the 半年 entries only; a score with an item missing carries a *;
    质量强县办, which leads only 年终 items, shows 未到期 and is not ranked."""
    from qwb.pipeline import run_consolidation

    values = best(scheme, "H1", **HALF_MARKS)
    del values["tieling|3|H1|选项"]  # 市场监督管理局's item 3 (4 points) not filled
    send(templates, tmp_path / "r", values, dt.date(2015, 7, 5))
    run_consolidation(scheme, tmp_path / "r", tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["部门得分"]
    rows = {row[1]: row for row in ws.iter_rows(min_row=4, values_only=True) if row[1]}
    market = rows["市场监督管理局"]
    # items 3, 5, 6 (H1) ... 9 items of 39 points due; 4 missing and item 1 at 5 of 10: 30
    assert (market[0], market[3], market[4], market[11], market[12]) == (6, 39, 30, 9, 8)
    assert ws.cell(3 + list(rows).index("市场监督管理局") + 1, 5).number_format == '0.00"*"'
    office = rows["质量强县工作领导小组办公室"]
    assert (office[0], office[4], office[5], office[11]) == (None, "未到期", "未到期", 0)
