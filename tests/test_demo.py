"""`qwb demo`, run as a newcomer runs it: templates, returns with real mistakes, and a ranking workbook whose
tables and charts agree with the JSON summary."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from test_report import charts_by_sheet, check_ranking_charts, check_ranking_table, resolve, table

from qwb.engine import score
from qwb.scheme import bundled, load
from qwb.templates import assignees
from qwb.templates.layout import template_keys

pytestmark = pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")
ROOT = Path(__file__).resolve().parent.parent


def demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qwb", "demo", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def run(tmp_path_factory: Any) -> SimpleNamespace:
    out = tmp_path_factory.mktemp("demo") / "demo"
    started = time.perf_counter()
    done = demo("--out", str(out))
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    path = bundled("changzhou")[0] if bundled("changzhou") else ROOT / "tests" / "data" / "mini.yaml"
    report = out / "排名工作簿.xlsx"
    return SimpleNamespace(out=out, done=done, seconds=seconds, scheme=load(path), report=report,
                           wb=openpyxl.load_workbook(report),
                           summary=json.loads((out / "汇总.json").read_text(encoding="utf-8")))


def test_demo_leaves_templates_returns_and_workbook(run: SimpleNamespace) -> None:
    s = run.scheme
    departments = assignees(s, "department")
    assert len(list((run.out / "模板" / "部门").glob("*.xlsx"))) == len(departments)
    assert len(list((run.out / "模板" / "单位自评").glob("*.xlsx"))) == len(s.units)
    returned = sorted(p.name for p in (run.out / "退回").glob("*.xlsx"))
    # every department but one, one of them twice, and every unit's self-evaluation
    assert len(returned) == len(departments) - 1 + 1 + len(s.units)
    assert sum("（初稿）" in name for name in returned) == 1
    assert run.report.is_file() and run.seconds < 30
    assert "排名" in run.done.stdout and str(run.report) in run.done.stdout.replace("\n", "")


def test_demo_returns_carry_the_usual_mistakes(run: SimpleNamespace) -> None:
    codes = [i["code"] for i in run.summary["issues"]]
    for code in ("out-of-range", "missing-value", "missing-return", "superseded"):
        assert code in codes, code
    statuses = sorted(r["status"] for r in run.summary["returns"])
    assert statuses.count("superseded") == 1 and "rejected" not in statuses
    assert len(run.summary["missing"]) == 1
    raw = table(run.wb["原始数据"], 3)
    full_width = [r for r in raw if isinstance(r["原始值"], str) and any("０" <= ch <= "９" for ch in r["原始值"])]
    assert full_width and all(r["用途"] == "计分" and isinstance(r["规范值"], (int, float)) for r in full_width)
    percent = [r for r in raw if isinstance(r["原始值"], str) and r["原始值"].endswith("%")]
    assert percent and percent[0]["规范值"] == pytest.approx(float(percent[0]["原始值"][:-1]) / 100)
    assert any(u["veto"] and u["grade"] == run.scheme.veto_grade for u in run.summary["units"])


def test_demo_sorted_return_changes_nothing(run: SimpleNamespace) -> None:
    """One return's rows were sorted; the totals are still the engine's on the values the accepted department
    returns hold."""
    raw = table(run.wb["原始数据"], 3)
    assignee = {r["file"]: r["assignee"] for r in run.summary["returns"]}
    templates = {a.id: template_keys(run.scheme, a) for a in assignees(run.scheme, "department")}
    reordered = []
    for name in {r["文件"] for r in raw if r["状态"] == "采用" and assignee[r["文件"]] in templates}:
        rows = sorted((r for r in raw if r["文件"] == name), key=lambda r: int(r["单元格"][1:]))
        keys = [r["编码"] for r in rows]
        assert sorted(keys) == sorted(templates[assignee[name]])
        if keys != templates[assignee[name]]:
            reordered.append(name)
    assert len(reordered) == 1
    entries = {r["编码"]: r["原始值"] for r in raw if r["状态"] == "采用" and r["用途"] in ("计分", "无效")}
    expected = score(run.scheme, entries, report_missing=False)
    assert [(u["id"], u["total"]) for u in run.summary["units"]] == [(u.id, float(u.total)) for u in expected.units]


def test_demo_workbook_agrees_with_the_summary(run: SimpleNamespace) -> None:
    check_ranking_table(run.wb, run.summary)
    charts = charts_by_sheet(run.report)
    check_ranking_charts(run.wb, charts["总排名"], run.summary, run.scheme)
    assert {"总排名", "指标得分", "部门", "校验问题", "提交情况", "原始数据", "自评与核查", "方案"} <= set(run.wb.sheetnames)
    issues = table(run.wb["校验问题"], 3)
    assert [r["代码"] for r in issues] == [i["code"] for i in run.summary["issues"]]


def test_demo_runs_again_in_its_own_folder_and_refuses_others(run: SimpleNamespace, tmp_path: Path) -> None:
    again = demo("--out", str(run.out))
    assert again.returncode == 0, again.stderr
    summary = json.loads((run.out / "汇总.json").read_text(encoding="utf-8"))
    assert [(u["id"], u["total"], u["grade"]) for u in summary["units"]] == [
        (u["id"], u["total"], u["grade"]) for u in run.summary["units"]]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = demo("--out", str(mine))
    assert refused.returncode == 1 and "不是 qwb demo 生成的" in refused.stdout
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_an_unknown_scheme_is_refused_with_the_bundled_names(tmp_path: Path) -> None:
    """No fallback to a test file a wheel does not contain: the person is told what exists."""
    done = demo("--scheme", "no-such-scheme", "--out", str(tmp_path / "d"))
    assert done.returncode == 1
    assert "找不到方案“no-such-scheme”" in done.stdout and "changzhou-2016" in done.stdout
    assert not (tmp_path / "d").exists()


def test_the_demo_runs_on_a_scheme_file(tmp_path: Path) -> None:
    done = demo("--scheme", str(Path(__file__).parent / "data" / "mini.yaml"), "--out", str(tmp_path / "d"))
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "d" / "汇总.json").read_text(encoding="utf-8"))
    assert summary["scheme"] == "mini-2024"


@pytest.mark.parametrize("name", ["tieling", "yongzhou"])
def test_one_place_demo_ranks_departments(name: str, tmp_path: Path) -> None:
    if not bundled(name):
        pytest.skip(f"bundled scheme {name} not present")
    done = demo("--scheme", name, "--out", str(tmp_path / "d"))
    assert done.returncode == 0, done.stderr
    report = tmp_path / "d" / "排名工作簿.xlsx"
    wb = openpyxl.load_workbook(report)
    rows = table(wb["部门得分"], 3)
    ranked = [r for r in rows if r["名次"] is not None]
    assert ranked and [r["名次"] for r in ranked] == sorted(r["名次"] for r in ranked)
    assert [r["得分率"] for r in ranked] == sorted((r["得分率"] for r in ranked), reverse=True)
    chart = charts_by_sheet(report)["部门得分"][0]
    assert resolve(wb, chart["series"][0]["values"]) == [r["得分率"] for r in ranked]


def test_the_year_demo_runs_three_nodes_with_feedback_adjustment_and_last_year(tmp_path: Path) -> None:
    done = demo("--year", "--out", str(tmp_path / "d"))
    assert done.returncode == 0, done.stderr
    root = tmp_path / "d" / "全年"
    half, three, year = (json.loads((root / node / "汇总.json").read_text(encoding="utf-8"))
                         for node in ("01-半年", "02-前三季度", "03-年终"))
    assert (half["as_of"], three["as_of"], year["as_of"]) == ("H1", "Q3", "Y")
    # 半年: one department late, one bare 65 in a % cell; each gets a feedback workbook
    assert len(half["missing"]) == 1 and [i["code"] for i in half["issues"] if i["severity"] == "error"] == [
        "out-of-range"]
    assert len(list((root / "01-半年" / "退回修改").glob("*.xlsx"))) == 2
    # 前三季度: the feedback workbooks came back corrected; nothing missing, no error, nothing lost by merging
    assert three["missing"] == [] and not [i for i in three["issues"] if i["severity"] == "error"]
    assert three["units"][0]["complete"] is True
    # 年终: one adjustment applied, compared with last year
    assert [a["applied"] for a in year["adjustments"]] == [True]
    assert year["units"][0]["previous"]["rank"] == 1 and year["units"][0]["rank_change"] == 0
    assert "截至“半年”（H1），期中汇总" in done.stdout
    # 半年's workbook: 信息统计 (items 21-24, 年终 only) and its 办公室 have nothing due: 未到期, not 0 or 未提交
    wb = openpyxl.load_workbook(root / "01-半年" / "排名工作簿.xlsx")
    rows = [[c.value for c in row] for row in wb["总排名"].iter_rows()]
    category = next(r for r in rows if r[0] == "信息统计、上报及宣传")
    assert category[2:5] == [None, "未到期", None]
    status = {r[2]: r[3] for r in wb["提交情况"].iter_rows(values_only=True) if r[2]}
    assert status["质量强县工作领导小组办公室"] == "未到期" and list(status.values()).count("未提交") == 1
    assert "采用 5" in wb["提交情况"]["A2"].value and "应提交 6 份" in wb["提交情况"]["A2"].value
