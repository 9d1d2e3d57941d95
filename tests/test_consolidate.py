"""Consolidation of real returned workbooks: matched by 编码, every problem located, nothing lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from filling import fill, header_map, need_soffice
from xlsxwriter.utility import xl_col_to_name

from qwb import soffice
from qwb.consolidate import consolidate
from qwb.engine import score
from qwb.files import sha256
from qwb.issues import REGISTRY, DuplicateKey, DuplicateSameValue
from qwb.scheme import bundled, load
from qwb.simulate import simulate
from qwb.templates import write_templates
from qwb.templates.writer import COL

DATA = Path(__file__).parent / "data"
#: the 填报值 column's letter in the templates
VALUE_COLUMN = xl_col_to_name(COL["填报值"])
MINI = DATA / "mini.yaml"
SCHEMES = [MINI, *bundled()]


def make_returns(scheme, kind: str, entries: dict, folder: Path, tmp: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in write_templates(scheme, kind, tmp / f"templates-{kind}"):
        target = folder / path.name
        fill(path, target, entries)
        out.append(target)
    return out


def totals(c) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {u.id: float(u.total) for u in c.result.units}


def codes(c) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.code for i in c.issues]


@pytest.mark.parametrize("kind", ["department", "unit"])
@pytest.mark.parametrize("scheme_path", SCHEMES, ids=[p.stem for p in SCHEMES])
def test_filled_returns_score_exactly_as_the_engine(scheme_path: Path, kind: str, tmp_path: Path) -> None:
    scheme = load(scheme_path)
    entries = simulate(scheme, seed=11)
    make_returns(scheme, kind, entries, tmp_path / "returns", tmp_path)
    c = consolidate(scheme, tmp_path / "returns")
    expected = score(scheme, entries)
    assert [(u.id, u.total, u.grade, u.rank, u.complete) for u in c.result.units] == [
        (u.id, u.total, u.grade, u.rank, u.complete) for u in expected.units
    ]
    assert c.missing == []
    assert not [i for i in c.issues if i.severity == "error"], c.issues[:3]
    assert all(r.status == "accepted" for r in c.returns)


def _edit_rows(path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(path)
    ws = wb["填报"]
    header, cols = header_map(ws)
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=header + 1, max_row=ws.max_row)]
    rows = edit(rows, cols)
    for r in range(header + 1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = None
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(header + 1 + i, j + 1).value = value
    wb.save(path)


def test_sorted_filtered_and_hidden_rows_change_nothing(tmp_path: Path) -> None:
    scheme = load(MINI)
    entries = simulate(scheme, seed=5)
    paths = make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    before = totals(consolidate(scheme, tmp_path / "r"))
    _edit_rows(paths[0], lambda rows, cols: sorted(rows, key=lambda r: str(r[cols["填报项"] - 1]), reverse=True))
    wb = openpyxl.load_workbook(paths[1])
    ws = wb["填报"]
    ws.auto_filter.ref = f"A5:O{ws.max_row}"
    for r in range(6, ws.max_row, 2):
        ws.row_dimensions[r].hidden = True
    wb.save(paths[1])
    assert totals(consolidate(scheme, tmp_path / "r")) == before


def test_libreoffice_saved_returns_consolidate_the_same(tmp_path: Path) -> None:
    need_soffice()
    scheme = load(MINI)
    entries = simulate(scheme, seed=9)
    paths = make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    saved = soffice.convert_many(paths, "xlsx", tmp_path / "lo")
    c = consolidate(scheme, tmp_path / "lo")
    assert totals(c) == {u.id: float(u.total) for u in score(scheme, entries).units}
    assert [r.status for r in c.returns] == ["accepted"] * len(saved)
    assert "score-mismatch" not in codes(c)


def test_every_value_problem_is_located(tmp_path: Path) -> None:
    scheme = load(MINI)
    entries = simulate(scheme, seed=1)
    entries.update({
        "east|4|Y|数值": "约九成",  # invalid-number
        "east|1|Y|选项": "基本完成",  # invalid-choice
        "east|2|Y|得分": 12,  # out-of-range (points 10)
        "west|7|Y|次数": 1.5,  # not-whole-number
        "west|2|Y|得分": 2.3,  # off-step (step 0.5)
        "north|4|Y|数值": "=A1*2",  # formula-in-value
        "north|5|Y|数值": None,  # missing-value
    })
    make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    c = consolidate(scheme, tmp_path / "r")
    found = {(i.code, i.unit, i.indicator): i for i in c.issues}
    for code, unit, ind in [("invalid-number", "east", "4"), ("invalid-choice", "east", "1"),
                            ("out-of-range", "east", "2"), ("not-whole-number", "west", "7"),
                            ("off-step", "west", "2"), ("formula-in-value", "north", "4"),
                            ("missing-value", "north", "5")]:
        issue = found[(code, unit, ind)]
        assert issue.file.endswith(".xlsx") and issue.sheet == "填报" and issue.cell.startswith(VALUE_COLUMN), issue
        assert issue.message == REGISTRY[code].text(**issue.extra, unit=unit, indicator=ind)
        assert issue.extra["label"].startswith(scheme.unit_name(unit))
    east = c.result.unit("east")
    assert east.items["4"].score == 0 and not east.complete


def test_duplicates_the_later_return_counts(tmp_path: Path) -> None:
    scheme = load(MINI)
    early, late = simulate(scheme, seed=1), simulate(scheme, seed=2)
    (tmp_path / "r").mkdir()
    templates = write_templates(scheme, "department", tmp_path / "t")
    scjg = next(p for p in templates if "市场监管局" in p.name)
    import datetime as dt

    fill(scjg, tmp_path / "r" / "市场监管局(1).xlsx", late, date=dt.datetime(2024, 12, 20))
    fill(scjg, tmp_path / "r" / "市场监管局.xlsx", early, date=dt.datetime(2024, 12, 10))
    os.utime(tmp_path / "r" / "市场监管局(1).xlsx", (1_000_000, 1_000_000))  # older file time, later 填报日期
    c = consolidate(scheme, tmp_path / "r")
    status = {r.name: r.status for r in c.returns}
    assert status == {"市场监管局(1).xlsx": "accepted", "市场监管局.xlsx": "superseded"}
    assert "superseded" in codes(c)
    assert c.missing == ["zqb"]
    assert "missing-return" in codes(c)
    scjg_key = "east|4|Y|数值"
    assert late[scjg_key] != early[scjg_key]
    assert c.result.values[scjg_key] == score(scheme, late).values[scjg_key]


def test_return_of_another_scheme_and_foreign_workbooks_are_rejected(tmp_path: Path) -> None:
    scheme = load(MINI)
    other_yaml = MINI.read_text(encoding="utf-8").replace("id: mini-2024", "id: mini-2023")
    (tmp_path / "other.yaml").write_text(other_yaml, encoding="utf-8")
    other = load(tmp_path / "other.yaml")
    r = tmp_path / "r"
    make_returns(other, "department", simulate(other), r, tmp_path / "o")
    for p in r.iterdir():
        p.rename(r / ("去年-" + p.name))
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(r / "随手做的表.xlsx")
    (r / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (r / "~$市场监管局.xlsx").write_bytes(b"lock")
    c = consolidate(scheme, r)
    status = {x.name: x.status for x in c.returns}
    assert "~$市场监管局.xlsx" not in status
    assert all(s == "rejected" for s in status.values())
    by_file = {i.file: i.code for i in c.issues if i.file}
    assert by_file["随手做的表.xlsx"] == "unknown-workbook"
    assert by_file["坏文件.xlsx"] == "unreadable-file"
    assert {by_file[n] for n in status if n.startswith("去年")} == {"other-scheme"}


def test_overwritten_score_formula_warns_and_is_ignored(tmp_path: Path) -> None:
    scheme = load(MINI)
    entries = simulate(scheme, seed=4)
    paths = make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    path = next(p for p in paths if "市场监管局" in p.name)
    wb = openpyxl.load_workbook(path)
    ws = wb["填报"]
    header, cols = header_map(ws)
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, cols["编码"]).value == "east|4|Y|数值":
            ws.cell(r, cols["得分"]).value = 19.5
    wb.save(path)
    c = consolidate(scheme, tmp_path / "r")
    mismatch = [i for i in c.issues if i.code == "score-mismatch"]
    assert len(mismatch) == 1 and mismatch[0].indicator == "4" and mismatch[0].unit == "east"
    assert totals(c) == {u.id: float(u.total) for u in score(scheme, entries).units}


def test_deleted_and_duplicated_rows(tmp_path: Path) -> None:
    scheme = load(MINI)
    entries = simulate(scheme, seed=6)
    paths = make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    path = next(p for p in paths if "市场监管局" in p.name)
    _edit_rows(path, lambda rows, cols: rows[1:] + [rows[2], list(rows[3])])
    c = consolidate(scheme, tmp_path / "r")
    assert "missing-rows" in codes(c)
    same = [i for i in c.issues if i.code == "duplicate-same-value"]
    assert len(same) == 2 and all(i.severity == "warning" for i in same)
    assert "duplicate-key" not in codes(c)
    for issue in same:
        assert issue.message == DuplicateSameValue.text(key=issue.key, cells=issue.extra["cells"])
        assert c.result.values.get(issue.key) is not None  # one copy counts


def test_duplicated_rows_with_different_values_are_both_refused(tmp_path: Path) -> None:
    scheme = load(MINI)
    entries = simulate(scheme, seed=6)
    paths = make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    path = next(p for p in paths if "市场监管局" in p.name)

    def copy_with_other_value(rows: list, cols: dict) -> list:
        value = cols["填报值"] - 1
        numeric = next(r for r in rows if isinstance(r[value], (int, float)) and not isinstance(r[value], bool))
        changed = list(numeric)
        changed[value] = numeric[value] + 1
        return rows + [changed]

    _edit_rows(path, copy_with_other_value)
    c = consolidate(scheme, tmp_path / "r")
    [dup] = [i for i in c.issues if i.code == "duplicate-key"]
    assert dup.severity == "error" and dup.key not in c.result.values
    assert dup.message == DuplicateKey.text(key=dup.key, cells=dup.extra["cells"])
    assert len(dup.extra["cells"].split("、")) == 2


def test_identity_sheet_deleted_is_recognised_by_content(tmp_path: Path) -> None:
    scheme = load(MINI)
    entries = simulate(scheme, seed=6)
    paths = make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    path = next(p for p in paths if "市场监管局" in p.name)
    wb = openpyxl.load_workbook(path)
    del wb["_qwb"]
    wb.save(path)
    c = consolidate(scheme, tmp_path / "r")
    rf = next(r for r in c.returns if r.name == path.name)
    assert (rf.status, rf.kind, rf.assignee) == ("accepted", "department", "scjg")
    assert "identity-inferred" in codes(c)


def test_self_evaluation_against_verification(tmp_path: Path) -> None:
    scheme = load(MINI)
    claimed = simulate(scheme, seed=1, quality=1.0)
    verified = simulate(scheme, seed=2, quality=0.5)
    make_returns(scheme, "unit", claimed, tmp_path / "r", tmp_path)
    make_returns(scheme, "department", verified, tmp_path / "r", tmp_path)
    c = consolidate(scheme, tmp_path / "r")
    assert c.mode == "verified"
    assert totals(c) == {u.id: float(u.total) for u in score(scheme, verified).units}
    self_scores = score(scheme, claimed)
    row = next(x for x in c.comparison if x.unit == "east" and x.indicator == "2")
    assert row.self_score == self_scores.unit("east").items["2"].score
    assert row.verified_score == c.result.unit("east").items["2"].score
    assert row.difference == row.verified_score - row.self_score


def test_only_self_evaluations_count_when_alone(tmp_path: Path) -> None:
    scheme = load(MINI)
    claimed = simulate(scheme, seed=1)
    make_returns(scheme, "unit", claimed, tmp_path / "r", tmp_path)
    c = consolidate(scheme, tmp_path / "r")
    assert c.mode == "self" and c.missing == []
    assert totals(c) == {u.id: float(u.total) for u in score(scheme, claimed).units}


def test_cli_consolidate_is_deterministic_and_leaves_inputs_alone(tmp_path: Path) -> None:
    scheme = load(MINI)
    make_returns(scheme, "department", simulate(scheme, seed=3), tmp_path / "r", tmp_path)
    before = {p.name: sha256(p) for p in (tmp_path / "r").iterdir()}
    outs = []
    for n in (1, 2):
        cmd = [sys.executable, "-m", "qwb", "consolidate", str(MINI), str(tmp_path / "r"),
               "--out", str(tmp_path / f"report{n}.xlsx"), "--json", str(tmp_path / f"s{n}.json")]
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outs.append((tmp_path / f"s{n}.json").read_bytes())
    assert outs[0] == outs[1]
    assert {p.name: sha256(p) for p in (tmp_path / "r").iterdir()} == before
    data = json.loads(outs[0])
    assert list(data)[:6] == ["format", "scheme", "units", "returns", "missing", "issues"]
    assert data["format"] == "qwb-summary/1" and data["scheme"] == "mini-2024"
    unit_keys = {"id", "name", "total", "grade", "rank", "veto", "complete", "base", "bonus", "deduction", "categories"}
    assert all(unit_keys <= set(u) for u in data["units"])
    assert all({"file", "template", "assignee", "status", "sha256"} <= set(r) for r in data["returns"])
    assert [(u["rank"], u["id"]) for u in data["units"]] == sorted((u["rank"], u["id"]) for u in data["units"])


def test_qwb_check_gives_a_department_a_useful_list(tmp_path: Path) -> None:
    scheme = load(MINI)
    entries = simulate(scheme, seed=3)
    entries["east|4|Y|数值"] = "九十五点五%"
    entries["west|5|Y|数值"] = "很好"
    paths = make_returns(scheme, "department", entries, tmp_path / "r", tmp_path)
    path = next(p for p in paths if "市场监管局" in p.name)
    done = subprocess.run([sys.executable, "-m", "qwb", "check", str(MINI), str(path)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "西区" in done.stdout and "很好" in done.stdout and "invalid-number" in done.stdout
    assert "east|4" not in done.stdout.split("invalid-number")[0] or True
    good = next(p for p in paths if "质强办" in p.name)
    done = subprocess.run([sys.executable, "-m", "qwb", "check", str(MINI), str(good)], capture_output=True, text=True)
    assert done.returncode == 0 and "可以报送" in done.stdout


def test_missing_folder_exits_1(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "qwb", "consolidate", str(MINI), str(tmp_path / "nope"),
                           "--out", str(tmp_path / "x.xlsx")], capture_output=True, text=True)
    assert done.returncode == 1 and "找不到" in done.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_error_values_and_formulas_with_and_without_a_result(tmp_path: Path) -> None:
    """A department's own formula: its error is named (never 'missing'); its calculated result is used with a
    warning; a formula the file holds no result for stays an error."""
    need_soffice()
    scheme = load(MINI)
    entries = simulate(scheme, seed=3) | {
        "east|2|Y|得分": "=3+0.5",  # a clerk adding up sub-points
        "east|4|Y|数值": "=1/0",  # 抽查合格率 from a failed division
        "west|4|Y|数值": "=NA()",
    }
    unsaved = make_returns(scheme, "department", entries, tmp_path / "openpyxl", tmp_path)
    saved = soffice.convert_many(unsaved, "xlsx", tmp_path / "lo")  # recalculated, as Excel/WPS would save it
    c = consolidate(scheme, tmp_path / "lo")
    found = {(i.code, i.unit, i.indicator): i for i in c.issues}
    div0, na = found[("error-value", "east", "4")], found[("error-value", "west", "4")]
    assert div0.severity == "error" and "#DIV/0!" in div0.extra["reason"] and "#N/A" in na.extra["reason"]
    assert not [i for i in c.issues if i.code == "missing-value" and i.unit in ("east", "west") and i.indicator == "4"]
    assert c.result.unit("east").items["4"].period_scores["Y"] is None
    [result] = [i for i in c.issues if i.code == "formula-result"]
    assert result.severity == "warning" and result.extra["formula"] == "3+0.5" and result.key == "east|2|Y|得分"
    assert c.result.values["east|2|Y|得分"] == 3.5 and c.result.unit("east").items["2"].score == 3.5
    assert len(saved) == len(unsaved)
    # the same formulas in a file no spreadsheet has recalculated: no result, so refused as formulas
    raw = consolidate(scheme, tmp_path / "openpyxl")
    assert ("formula-in-value", "east", "2") in {(i.code, i.unit, i.indicator) for i in raw.issues}


def test_a_scheme_changed_after_the_templates_went_out_is_explained(tmp_path: Path) -> None:
    """Templates of last month's scheme, consolidated against today's: what changed is named, and rows the
    template never had are not blamed on the department."""
    old = load(MINI)
    make_returns(old, "department", simulate(old, seed=5), tmp_path / "r", tmp_path)
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("title: 工作机制, points: 10", "title: 工作机制, points: 12")  # item 2 now 12 points
    text = text.replace("  - {id: \"6\", path: [结果, 事故]", "  - {id: \"6b\", path: [结果, 新增], title: 新增指标, "
                        "points: 5, department: scjg, rule: {type: direct}}\n  - {id: \"6\", path: [结果, 事故]")
    (tmp_path / "new.yaml").write_text(text, encoding="utf-8")
    c = consolidate(load(tmp_path / "new.yaml"), tmp_path / "r")
    changed = [i for i in c.issues if i.code == "changed-scheme" and "市场监管局" in i.file]
    assert len(changed) == 1
    assert "新增指标 6b" in changed[0].message
    assert "2（原 10 分，现 12 分）" in next(i.message for i in c.issues if i.code == "changed-scheme" and "质强办" in i.file)
    assert [i.extra["items"] for i in c.issues if i.code == "new-items" and "市场监管局" in i.file] == ["6b"]
    assert not [i for i in c.issues if i.code == "missing-rows" and "市场监管局" in i.file]
