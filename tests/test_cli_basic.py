"""The command line as a person runs it (docs/cli.md): `python -m qwb` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
BUNDLED = sorted((ROOT / "qwb" / "schemes").glob("*.yaml"))

UNIT_KEYS = ["id", "name", "total", "grade", "rank", "veto", "complete", "base", "bonus", "deduction", "categories",
             "items"]
ISSUE_KEYS = ["severity", "code", "file", "sheet", "cell", "unit", "indicator", "message"]


def qwb(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "qwb", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=cwd, timeout=120)


def test_help() -> None:
    done = qwb("--help")
    assert done.returncode == 0, done.stderr
    for command in ("scheme", "score", "template", "check", "consolidate", "demo"):
        assert command in done.stdout


@pytest.mark.parametrize(
    "path", BUNDLED or [pytest.param(None, marks=pytest.mark.skip(reason="qwb/schemes has no schemes yet"))],
    ids=[p.stem for p in BUNDLED] or ["none"],
)
def test_scheme_check_passes_on_bundled_schemes(path: Path) -> None:
    done = qwb("scheme", "check", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✗" not in done.stdout


def test_scheme_check_passes_on_mini() -> None:
    done = qwb("scheme", "check", MINI)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 个错误" in done.stdout or "未发现问题" in done.stdout


BROKEN = """\
format: qwb-scheme/1
id: broken-2024
name: 有错的方案
year: 2024
grades:
  - {name: A, min: 80}
  - {name: B, min: 90}
  - {name: D, min: 0}
veto_grade: D
units:
  - {id: u1, name: 甲县}
departments:
  - {id: d, name: 质强办}
indicators:
  - {id: "1", path: [管理], title: 规划, points: 10, department: d, rule: {type: direct}}
  - {id: "1", path: [管理], title: 重复的编号, points: 10, department: d, rule: {type: direct}}
  - {id: "3", path: [管理], title: 部门不存在, points: 10, department: nosuch, rule: {type: direct}}
  - {id: "4", path: [结果], title: 台阶颠倒, points: 10, department: d,
     rule: {type: steps, op: ">=", steps: [{at: 80, score: 5}, {at: 90, score: 10}]}}
  - {id: "5", path: [结果], title: 选项超分, points: 10, department: d,
     rule: {type: choice, options: [{label: 好, score: 12}, {label: 差, score: 0}]}}
  - {id: "6", path: [结果], title: 缺目标值, points: 10, department: d, rule: {type: target, op: ">="}}
"""


def test_scheme_check_reports_each_problem_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    done = qwb("scheme", "check", path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    for code, where in [
        ("duplicate-id", "indicators[1].id"),
        ("unknown-department", "indicators[2].department"),
        ("steps-out-of-order", "indicators[3].rule.steps"),
        ("option-above-points", "indicators[4].rule.options[0].score"),
        ("grades-not-descending", "grades"),
        ("rule-missing-parameter", "indicators[5].rule.target"),
    ]:
        line = next((x for x in lines if f"({code})" in x), None)
        assert line is not None, f"{code} not reported:\n{done.stdout}"
        assert f"[broken.yaml {where}]" in line, line
    assert "6 个错误" in done.stdout


def test_scheme_check_missing_file_fails(tmp_path: Path) -> None:
    done = qwb("scheme", "check", tmp_path / "nosuch.yaml")
    assert done.returncode == 1
    assert "scheme-unreadable" in done.stdout


ENTRIES = {
    "east|1|Y|选项": "完成", "east|2|Y|得分": 9.5, "east|3|Y|本期": 120, "east|3|Y|基期": 100,
    "east|4|Y|数值": 0.96, "east|5|Y|数值": 82, "east|6|Y|数值": 0.0002, "east|7|Y|次数": 1,
    "east|8|Y|次数": 1, "east|9|Y|国家级": 1, "east|veto:V1|Y|是否发生": "否",
    "west|1|Y|选项": "部分完成", "west|2|Y|得分": "很好", "west|veto:V1|Y|是否发生": "是",
}


def test_score_writes_the_summary(tmp_path: Path) -> None:
    entries = tmp_path / "entries.json"
    entries.write_text(json.dumps({"entries": ENTRIES}, ensure_ascii=False), encoding="utf-8")
    outs = []
    for n in (1, 2):
        done = qwb("score", MINI, entries, "--json", tmp_path / f"s{n}.json")
        assert done.returncode == 0, done.stdout + done.stderr
        outs.append((tmp_path / f"s{n}.json").read_bytes())
    assert outs[0] == outs[1]  # deterministic bytes
    summary = json.loads(outs[0])
    assert list(summary) == ["format", "scheme", "units", "returns", "missing", "issues"]
    assert (summary["format"], summary["scheme"], summary["returns"], summary["missing"]) == (
        "qwb-summary/1", "mini-2024", [], [])
    for unit in summary["units"]:
        assert list(unit) == UNIT_KEYS
    for issue in summary["issues"]:
        assert list(issue) == ISSUE_KEYS
    east, west, north = summary["units"]
    # east: base 10 + 9.5 + 20 + 20 + 15 + 8 + 8 = 90.5, bonus 2, deduction 3, total 89.5
    # items: 1 完成 10; 2 9.5; 3 120 > 100: 20; 4 96% >= 95.2%: 20; 5 82 >= 80: 15;
    # 6 0.2‰ between 0.6 and 0.1: 10 × 0.8 = 8; 7 10 − 2 = 8; 8 from the total: −3; 9 one 国家级: 2
    items = {"1": 10, "2": 9.5, "3": 20, "4": 20, "5": 15, "6": 8, "7": 8, "8": -3, "9": 2}
    assert east.pop("items") == {k: {"score": v, "periods": {"Y": v}} for k, v in items.items()}
    assert east == {"id": "east", "name": "东区", "total": 89.5, "grade": "B", "rank": 1, "veto": False,
                    "complete": True, "base": 90.5, "bonus": 2.0, "deduction": 3.0,
                    "categories": {"宏观": 39.5, "结果": 51.0}}
    # west: 很好 is not a number, so item 2's period is null and counts 0; item 1 scored 5
    assert west["items"]["2"] == {"score": 0, "periods": {"Y": None}}
    assert west["items"]["1"] == {"score": 5, "periods": {"Y": 5}}
    # west: only 部分完成 (5 of 100); 很好 is not a number; the veto forces D; north: nothing at all
    assert (west["id"], west["total"], west["grade"], west["veto"], west["complete"], west["rank"]) == (
        "west", 5.0, "D", True, False, 2)
    assert (north["id"], north["total"], north["rank"], north["complete"]) == ("north", 0.0, 3, False)
    bad = [i for i in summary["issues"] if i["code"] == "invalid-number"]
    assert [(i["severity"], i["unit"], i["indicator"]) for i in bad] == [("error", "west", "2")]


def test_score_bad_entries_file_fails(tmp_path: Path) -> None:
    entries = tmp_path / "entries.json"
    entries.write_text('{"no entries": 1}', encoding="utf-8")
    assert qwb("score", MINI, entries).returncode == 1
    assert qwb("score", tmp_path / "nosuch.yaml", entries).returncode == 1


@pytest.mark.parametrize(
    "args",
    [(), ("nosuch-command",), ("score",), ("score", "only-one-argument"), ("scheme",), ("scheme", "check"),
     ("template", "x.yaml", "--by", "nobody", "--out", "d"), ("score", "a", "b", "--bogus")],
    ids=lambda a: " ".join(a) or "nothing",
)
def test_wrong_usage_exits_2(args: tuple[str, ...], tmp_path: Path) -> None:
    done = qwb(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr


def test_one_resolver_for_a_scheme_by_path_or_bundled_name(tmp_path: Path) -> None:
    from qwb.scheme import bundled, resolve

    assert resolve("changzhou") == resolve("changzhou-2016") == bundled("changzhou")[0]
    assert resolve(str(MINI)) == MINI
    (tmp_path / "mine.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve("mine.yaml", base=tmp_path) == tmp_path / "mine.yaml"
    assert resolve("nosuch") is None and resolve("") is None and resolve("nosuch.yaml") is None


def test_commands_take_a_bundled_scheme_by_name(tmp_path: Path) -> None:
    done = qwb("scheme", "check", "tieling", cwd=tmp_path)
    assert done.returncode == 0 and "2015年度铁岭县政府质量工作考核" in done.stdout, done.stderr
    done = qwb("template", "xianning", "--by", "unit", "--out", tmp_path / "t", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "t").glob("*.xlsx"))) == 6
    done = qwb("scheme", "check", "nosuch", cwd=tmp_path)
    assert done.returncode == 1 and "找不到方案文件：nosuch" in done.stdout
