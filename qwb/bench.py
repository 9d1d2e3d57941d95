"""`make bench`: consolidation speed at scale, as ratios against baselines measured in the same run.

For N = 30, 300, 1000, 3000 (--sizes) filled self-evaluation returns of a scheme the size of 永州's (about
124 items) it measures:
  - qwb consolidate --timings (read, validate, score, report, summary, terminal), start-up included, as a
    subprocess, with the time of each stage as qwb measured it: the median of REPEATS runs (each is listed);
  - (a) the loop a user would write: pandas.read_excel with its default openpyxl engine, reading only;
  - (b) the job's floor: python-calamine loading the same sheets (one process), plus xlsxwriter in
    constant_memory mode writing as many cells as qwb's report holds (and the CSV beside it, if any),
    each the median of REPEATS runs;
  - the peak memory of the consolidation and its workers together, sampled every 100 ms in a second run (the
    sampling slows the run it watches, so the times come from a run not sampled): the sum of their
    proportional set sizes (PSS: a page the forked workers share with the main process counted once), and
    the sum of their resident sizes (RSS: counted in each), and the template generation rate.

Generated returns are kept in bench-out/ and reused by the next run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

from qwb.scheme import bundled, load
from qwb.scheme.model import Scheme, Unit
from qwb.templates.names import ENTRY_SHEET, IDENTITY_SHEET

OUT = Path("bench-out")
#: the short measurements (qwb, and both parts of the floor) are each the median of this many runs: one run of
#: a few seconds moves by 10-25 % with the host's load, the minute-long pandas loop much less
REPEATS = 3


def bench_scheme(n_units: int) -> tuple[Scheme, Path]:
    """永州's indicators (bundled) with N synthetic assessed units, written as YAML for the CLI."""
    from qwb.scheme.yaml_form import dump_yaml

    units = [Unit(f"u{i:04d}", f"县区{i:04d}") for i in range(1, n_units + 1)]
    scheme = dataclasses.replace(load(bundled("yongzhou")[0]), units=units, id=f"bench-{n_units}")
    path = OUT / f"scheme-{n_units}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_yaml(scheme), encoding="utf-8")
    return load(path), path


def _write_return(args: tuple[Path, int, Path, bool]) -> None:
    from qwb.simulate import simulate_unit
    from qwb.templates.layout import assignees, file_name
    from qwb.templates.writer import build_workbook

    scheme_path, index, folder, filled = args
    scheme = _cached_scheme(scheme_path)
    assignee = assignees(scheme, "unit")[index]
    values = simulate_unit(scheme, assignee.id, random.Random(index), 0.8) if filled else None
    (folder / file_name(scheme, assignee)).write_bytes(build_workbook(scheme, assignee, values=values))


_SCHEMES: dict[Path, Scheme] = {}


def _cached_scheme(path: Path) -> Scheme:
    if path not in _SCHEMES:
        _SCHEMES[path] = load(path)
    return _SCHEMES[path]


def generate(scheme_path: Path, n: int, folder: Path, filled: bool, workers: int, stamp: str) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    jobs = [(scheme_path, i, folder, filled) for i in range(n)]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_write_return, jobs, chunksize=max(1, n // (workers * 8))))
    (folder / ".complete").write_text(stamp, encoding="utf-8")
    return time.perf_counter() - start


def time_template_generation(scheme: Scheme, folder: Path) -> float:
    """`qwb template --by unit`: one prototype written by xlsxwriter, then copied per unit."""
    from qwb.templates import write_templates

    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    write_templates(scheme, "unit", folder)
    return time.perf_counter() - start


#: how often the memory of the consolidation and its workers is sampled, in seconds
SAMPLE_EVERY = 0.1


def _tree_rss_kib(pid: int, field: str = "Pss") -> int:
    """Memory of a process and all its descendants (the reading workers), in KiB: the proportional set size
    (a page shared by forked processes counted once in all, as the machine spends it), or "Rss" (counted
    in every process sharing it)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith(field + ":")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as children:
                    todo += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def time_consolidate(scheme_path: Path, folder: Path, n: int, workers: int, sample: bool = True) -> dict[str, Any]:
    """`qwb consolidate --timings` as a subprocess: wall time with start-up, the time of each stage as qwb
    measured it and, if ``sample``, the peak of the summed memory of the process and its workers (reading
    /proc every SAMPLE_EVERY seconds slows the run it watches by a few per cent: time it in another run)."""
    import re
    import threading

    args = ["consolidate", str(scheme_path), str(folder), "--out", str(OUT / f"report-{n}.xlsx"),
            "--json", str(OUT / f"summary-{n}.json"), "--workers", str(workers), "--timings"]
    code = "import sys\nfrom qwb.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "COLUMNS": "120"})
    peak = [0, 0]

    def watch() -> None:
        while sample and proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            peak[1] = max(peak[1], _tree_rss_kib(proc.pid, "Rss"))
            time.sleep(SAMPLE_EVERY)

    sampler = threading.Thread(target=watch, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(stderr[-2000:] or stdout[-2000:])
    line = next(x for x in stdout.splitlines() if x.startswith("各阶段用时"))
    from qwb.consolidate import STAGES

    names = {v: k for k, v in STAGES.items()}
    stages = {names[m.group(1)]: float(m.group(2)) for m in re.finditer(r"([^：，；]+?) (\d+\.\d+)", line)
              if m.group(1) in names}
    return {"wall_s": elapsed, "peak_kib": peak[0], "peak_rss_kib": peak[1], "stages": stages}


def report_cells(n: int) -> tuple[int, int]:
    """Cells of qwb's ranking workbook (every sheet) and of the CSV written beside it, if any."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(OUT / f"report-{n}.xlsx"))
    cells = 0
    for name in book.sheet_names:
        cells += sum(1 for row in book.get_sheet_by_name(name).to_python() for v in row if v != "")
    csv_cells = 0
    from qwb.report.raw import csv_path

    beside = csv_path(OUT / f"report-{n}.xlsx")
    if beside.exists():
        import csv

        with beside.open(encoding="utf-8-sig", newline="") as f:
            csv_cells = sum(sum(1 for v in row if v != "") for row in csv.reader(f))
    return cells, csv_cells


def time_write_floor(cells: int, csv_cells: int, width: int = 13) -> float:
    """Writing as many cells as qwb's report holds with xlsxwriter in constant_memory mode, rows of text and
    numbers, and the CSV cells with the csv module: what any writer of that workbook must spend."""
    import csv
    import io

    import xlsxwriter

    start = time.perf_counter()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    ws = book.add_worksheet("floor")
    text = ["县区0001自评.xlsx", "采用", "填报", "D12", "u0001|1.1-1|Y|值"]
    for r in range(cells // width + 1):
        ws.write_row(r, 0, [*text, r, r * 0.5, "计分", r + 1.25, "县区", 3, 4.5, "说明"][: width if
                                                                                  r < cells // width else cells % width])
    book.close()
    if csv_cells:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for r in range(csv_cells // width + 1):
            writer.writerow([*text, r, r * 0.5, "计分", r + 1.25, "县区", 3, 4.5, "说明"])
        out.getvalue().encode("utf-8")
    return time.perf_counter() - start


def time_pandas_openpyxl(files: list[Path]) -> float:
    import pandas as pd

    start = time.perf_counter()
    for f in files:
        pd.read_excel(f, sheet_name=[ENTRY_SHEET, IDENTITY_SHEET], header=None, engine="openpyxl")
    return time.perf_counter() - start


def time_calamine_floor(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for f in files:
        book = CalamineWorkbook.from_path(str(f))
        book.get_sheet_by_name(ENTRY_SHEET).to_python(skip_empty_area=False)
        book.get_sheet_by_name(IDENTITY_SHEET).to_python(skip_empty_area=False)
    return time.perf_counter() - start


def run(sizes: list[int], sample_a: int, workers: int) -> list[dict[str, Any]]:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 150))
    _compile_qwb()
    results = []
    for n in sizes:
        scheme, scheme_path = bench_scheme(n)
        items = len(scheme.indicators)
        folder = OUT / f"returns-{n}"
        gen = time_template_generation(scheme, OUT / f"blank-{n}")
        stamp = f"{n} {scheme.fingerprint()}"  # returns are reused only for the same number and scheme
        if not _ready(folder, n, stamp):
            generate(scheme_path, n, folder, filled=True, workers=workers, stamp=stamp)
        files = sorted(folder.glob("*.xlsx"))
        runs = sorted((time_consolidate(scheme_path, folder, n, workers, sample=False) for _ in range(REPEATS)),
                      key=lambda run: run["wall_s"])
        q = runs[len(runs) // 2]
        memory = time_consolidate(scheme_path, folder, n, workers, sample=True)
        qwb_s = q["wall_s"]
        sample = files[: min(n, sample_a)]
        a_s = time_pandas_openpyxl(sample) * n / len(sample)
        read_s = median(time_calamine_floor(files) for _ in range(REPEATS))
        cells, csv_cells = report_cells(n)
        write_s = median(time_write_floor(cells, csv_cells) for _ in range(REPEATS))
        floor_s = read_s + write_s
        stages = {k: round(v, 2) for k, v in q["stages"].items()}
        row = {
            "n": n, "items": items, "qwb_consolidate_s": round(qwb_s, 2),
            "qwb_runs_s": [round(run["wall_s"], 2) for run in runs], "pandas_openpyxl_s": round(a_s, 2),
            "pandas_openpyxl_sampled_files": len(sample), "calamine_read_s": round(read_s, 2),
            "report_cells": cells, "csv_cells": csv_cells, "floor_write_s": round(write_s, 2),
            "floor_s": round(floor_s, 2), "speedup_vs_pandas": round(a_s / qwb_s, 2),
            "ratio_to_floor": round(qwb_s / floor_s, 2), "peak_memory_mib": round(memory["peak_kib"] / 1024),
            "peak_rss_sum_mib": round(memory["peak_rss_kib"] / 1024), "sampled_run_s": round(memory["wall_s"], 2),
            "stages_s": stages, "print_share": round(stages.get("print", 0) / qwb_s, 4),
            "templates_per_s": round(n / gen, 1), "workers": workers, "cpus": os.cpu_count(),
        }
        results.append(row)
        console.print(row)
    table = Table(title="qwb benchmark (ratios measured in the same run)")
    for col in ("N", "qwb consolidate", "(a) pandas+openpyxl", "(b) floor: read + write", "qwb vs (a)",
                "qwb / (b)", "peak MiB (PSS / RSS)", "read", "score", "report", "json", "print", "templates/s"):
        table.add_column(col, justify="right")
    for r in results:
        a_note = "" if r["pandas_openpyxl_sampled_files"] == r["n"] else f" (from {r['pandas_openpyxl_sampled_files']})"
        st = r["stages_s"]
        table.add_row(str(r["n"]), f"{r['qwb_consolidate_s']:.2f} s", f"{r['pandas_openpyxl_s']:.1f} s{a_note}",
                      f"{r['calamine_read_s']:.2f} + {r['floor_write_s']:.2f} s", f"{r['speedup_vs_pandas']:.1f}x",
                      f"{r['ratio_to_floor']:.2f}", f"{r['peak_memory_mib']} / {r['peak_rss_sum_mib']}",
                      *(f"{st.get(k, 0):.2f}" for k in ("read", "score", "report", "json", "print")),
                      f"{r['templates_per_s']:.0f}")
    console.print(table)
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


def _compile_qwb() -> None:
    """qwb's modules compiled to bytecode, as `pip install` leaves them: an editable checkout (or
    PYTHONDONTWRITEBYTECODE) would otherwise compile them again in every timed run."""
    import compileall

    import qwb

    compileall.compile_dir(str(Path(qwb.__file__).parent), quiet=1)


def _ready(folder: Path, n: int, stamp: str) -> bool:
    """Returns generated by an earlier run (they take minutes at 3,000): reused when all N are there and were
    made from the same scheme (a changed bundled scheme would otherwise be read against old returns)."""
    done = folder / ".complete"
    return (folder.is_dir() and done.exists() and len(list(folder.glob("*.xlsx"))) == n
            and done.read_text(encoding="utf-8") == stamp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qwb.bench")
    parser.add_argument("--sizes", default="30,300,1000,3000")
    parser.add_argument("--sample-a", type=int, default=300,
                        help="files read by baseline (a) per size; its time is scaled to N (it is slow)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    run([int(x) for x in args.sizes.split(",")], args.sample_a, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
