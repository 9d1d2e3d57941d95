"""Outputs before and after a change: the same, byte for byte (but for the returns' SHA-256) (summary JSON, CSV) and cell for cell (workbooks).

    PYTHONPATH=<old checkout> python tests/compare_outputs.py demo OUT_OLD
    PYTHONPATH=<new checkout> python tests/compare_outputs.py demo OUT_NEW
    python tests/compare_outputs.py compare OUT_OLD OUT_NEW

``demo`` runs `qwb demo` for the five bundled schemes into OUT/<scheme>; ``compare`` compares every .json and .csv
file byte for byte and every .xlsx file's cell values (python-calamine), sheet by sheet, and exits 1 on a difference.
The demo writes its returns anew each run, and a workbook's bytes hold the time it was written: every SHA-256 of a
return (64 hex digits) is read as the same.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

SCHEMES = ("changzhou", "yongzhou", "xianning", "tieling", "yangjiang")


def demo(out: Path) -> None:
    for scheme in SCHEMES:
        subprocess.run([sys.executable, "-m", "qwb", "demo", "--scheme", scheme, "--out", str(out / scheme)],
                       check=True, stdout=subprocess.DEVNULL)


SHA = re.compile("[0-9a-f]{64}")


def cells(path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: [[SHA.sub("SHA", v) if isinstance(v, str) else v for v in row]
                   for row in book.get_sheet_by_name(name).to_python()] for name in book.sheet_names}


def text(path: Path) -> str:
    return SHA.sub("SHA", path.read_text(encoding="utf-8"))


def compare(old: Path, new: Path) -> list[str]:
    problems = []
    files = sorted(p.relative_to(old) for p in old.rglob("*") if p.suffix in (".json", ".csv", ".xlsx"))
    outputs = [f for f in files if "模板" not in f.parts and "退回" not in f.parts]  # inputs written by the demo
    for rel in outputs:
        a, b = old / rel, new / rel
        if not b.exists():
            problems.append(f"missing: {rel}")
        elif rel.suffix == ".xlsx":
            sheets_a, sheets_b = cells(a), cells(b)
            if list(sheets_a) != list(sheets_b):
                problems.append(f"sheets differ: {rel}")
            problems += [f"cells differ: {rel} / {name}" for name in sheets_a if sheets_a[name] != sheets_b.get(name)]
        elif text(a) != text(b):
            problems.append(f"bytes differ: {rel}")
    print(f"{len(outputs)} output files compared, {len(problems)} differences")
    return problems


def main(argv: list[str]) -> int:
    if argv[0] == "demo":
        demo(Path(argv[1]))
        return 0
    problems = compare(Path(argv[1]), Path(argv[2]))
    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
