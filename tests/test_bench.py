"""`make bench` on three returns: it runs end to end and reports what it says it measures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qwb import bench


def test_bench_runs_and_reports_ratios_memory_and_stages(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    [row] = bench.run([3], sample_a=3, workers=1)
    assert row["n"] == 3 and row["items"] == 124
    assert row["qwb_consolidate_s"] > 0 and row["sampled_run_s"] > 0
    assert len(row["qwb_runs_s"]) == bench.REPEATS and row["qwb_consolidate_s"] == sorted(row["qwb_runs_s"])[1]
    # the ratios are of the unrounded times (a floor of a few hundredths of a second rounds coarsely)
    assert row["speedup_vs_pandas"] == pytest.approx(row["pandas_openpyxl_s"] / row["qwb_consolidate_s"], rel=0.3)
    assert row["ratio_to_floor"] == pytest.approx(row["qwb_consolidate_s"] / row["floor_s"], rel=0.3)
    assert row["peak_memory_mib"] > 10 and row["peak_rss_sum_mib"] >= row["peak_memory_mib"]
    assert {"read", "score", "report", "json", "print"} <= set(row["stages_s"])
    assert json.loads((tmp_path / "bench-out" / "results.json").read_text(encoding="utf-8")) == [row]
    assert (tmp_path / "bench-out" / "returns-3" / ".complete").read_text(encoding="utf-8").startswith("3 ")
