"""Why qwb reads returns with python-calamine directly: the same two sheets of 30 returns from ``qwb demo``.

    PYTHONPATH=. python -m tests.measure_read          # or: make measure-read

Reads the identity and entry sheets of the first 30 returns of the five bundled schemes' demos (from memory,
best of five runs) three ways: python-calamine as qwb calls it (:func:`qwb.returns.read_sheets`),
``pandas.read_excel(engine="calamine")`` and ``pandas.read_excel`` with its default engine, openpyxl.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from qwb.cli import main
from qwb.returns import ENTRY_SHEET, IDENTITY_SHEET, read_sheets
from qwb.scheme import bundled

COUNT, RUNS = 30, 5


def demo_returns(folder: Path) -> list[bytes]:
    """The returns ``qwb demo`` writes for every bundled scheme, the first COUNT of them by path."""
    for path in bundled():
        main(["demo", "--scheme", path.stem.split("-")[0], "--out", str(folder / path.stem)])
    return [p.read_bytes() for p in sorted(folder.glob("*/退回/*.xlsx"))[:COUNT]]


def best(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(datas: list[bytes]) -> dict[str, float]:
    import pandas as pd

    def with_pandas(engine: str) -> Callable[[], object]:
        return lambda: [pd.read_excel(io.BytesIO(d), sheet_name=[IDENTITY_SHEET, ENTRY_SHEET], header=None,
                                      engine=engine) for d in datas]

    return {"python-calamine（qwb）": best(lambda: [read_sheets(d) for d in datas]),
            "pandas.read_excel(engine=\"calamine\")": best(with_pandas("calamine")),
            "pandas.read_excel（openpyxl）": best(with_pandas("openpyxl"))}


if __name__ == "__main__":
    import contextlib

    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        datas = demo_returns(Path(tmp))
    results = measure(datas)
    floor = min(results.values())
    print(f"{len(datas)} 份退回文件（{sum(map(len, datas)) // 1024} KiB），读取同样两张表，{RUNS} 次中最快的一次：")
    for name, seconds in results.items():
        print(f"  {name}: {seconds * 1000:.0f} ms（每份 {seconds / len(datas) * 1000:.1f} ms，{seconds / floor:.1f}×）")
