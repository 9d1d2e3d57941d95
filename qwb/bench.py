"""`make bench`: consolidation speed at scale, as ratios against baselines measured in the same run.

For N = 30, 300, 3000 filled self-evaluation returns of a scheme the size of
永州's (about 124 items) it measures:
  - qwb consolidate (read, validate, score, report, summary), start-up included, as a subprocess;
  - (a) the loop a user would write: pandas.read_excel with its default openpyxl engine, reading only;
  - (b) the read floor: python-calamine loading the same sheets, in one process;
  - peak memory of the consolidation, and the template generation rate.
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
from typing import Any

from qwb.scheme import bundled, load
from qwb.scheme.model import Scheme, Unit
from qwb.templates.names import ENTRY_SHEET, IDENTITY_SHEET

OUT = Path("bench-out")


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


def generate(scheme_path: Path, n: int, folder: Path, filled: bool, workers: int) -> float:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    jobs = [(scheme_path, i, folder, filled) for i in range(n)]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_write_return, jobs, chunksize=max(1, n // (workers * 8))))
    return time.perf_counter() - start


def time_template_generation(scheme: Scheme, folder: Path) -> float:
    """`qwb template --by unit`: one prototype written by xlsxwriter, then copied per unit."""
    from qwb.templates import write_templates

    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    write_templates(scheme, "unit", folder)
    return time.perf_counter() - start


def time_consolidate(scheme_path: Path, folder: Path, n: int) -> tuple[float, int]:
    code = (
        "import sys, resource\n"
        "from qwb.cli import main\n"
        f"rc = main(['consolidate', {str(scheme_path)!r}, {str(folder)!r}, '--out', {str(OUT / f'report-{n}.xlsx')!r},"
        f" '--json', {str(OUT / f'summary-{n}.json')!r}])\n"
        "hwm = int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])\n"
        "child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print('PEAK', hwm, child)\n"
        "sys.exit(rc)\n"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    hwm, child = (int(x) for x in done.stdout.split("PEAK")[-1].split()[:2])
    return elapsed, hwm + child  # KiB: the main process plus the largest worker


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

    console = Console()
    results = []
    for n in sizes:
        scheme, scheme_path = bench_scheme(n)
        items = len(scheme.indicators)
        folder = OUT / f"returns-{n}"
        gen = time_template_generation(scheme, OUT / f"blank-{n}")
        generate(scheme_path, n, folder, filled=True, workers=workers)
        files = sorted(folder.glob("*.xlsx"))
        qwb_s, peak_kib = time_consolidate(scheme_path, folder, n)
        sample = files[: min(n, sample_a)]
        a_s = time_pandas_openpyxl(sample) * n / len(sample)
        b_s = time_calamine_floor(files)
        row = {
            "n": n, "items": items, "qwb_consolidate_s": round(qwb_s, 2), "pandas_openpyxl_s": round(a_s, 2),
            "pandas_openpyxl_sampled_files": len(sample), "calamine_floor_s": round(b_s, 2),
            "speedup_vs_pandas": round(a_s / qwb_s, 2), "ratio_to_floor": round(qwb_s / b_s, 2),
            "peak_memory_mib": round(peak_kib / 1024), "templates_per_s": round(n / gen, 1),
            "workers": workers, "cpus": os.cpu_count(),
        }
        results.append(row)
        console.print(row)
    table = Table(title="qwb benchmark (ratios measured in the same run)")
    for col in ("N", "items", "qwb consolidate", "(a) pandas+openpyxl", "(b) calamine floor",
                "qwb vs (a)", "qwb / (b)", "peak MiB", "templates/s"):
        table.add_column(col, justify="right")
    for r in results:
        a_note = "" if r["pandas_openpyxl_sampled_files"] == r["n"] else f" (from {r['pandas_openpyxl_sampled_files']})"
        table.add_row(str(r["n"]), str(r["items"]), f"{r['qwb_consolidate_s']:.2f} s",
                      f"{r['pandas_openpyxl_s']:.1f} s{a_note}", f"{r['calamine_floor_s']:.2f} s",
                      f"{r['speedup_vs_pandas']:.1f}x", f"{r['ratio_to_floor']:.2f}", str(r["peak_memory_mib"]),
                      f"{r['templates_per_s']:.0f}")
    console.print(table)
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qwb.bench")
    parser.add_argument("--sizes", default="30,300,3000")
    parser.add_argument("--sample-a", type=int, default=300,
                        help="files read by baseline (a) per size; its time is scaled to N (it is slow)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    run([int(x) for x in args.sizes.split(",")], args.sample_a, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
