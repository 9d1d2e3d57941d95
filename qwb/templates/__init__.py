"""Templates: the fill-in workbooks departments and units complete (SCHEME.md section 2)."""

from __future__ import annotations

from pathlib import Path

from qwb.files import write_atomic
from qwb.scheme.model import Scheme
from qwb.templates.layout import Assignee, assignees, entry_rows, file_name
from qwb.templates.writer import ENTRY_SHEET, IDENTITY_SHEET, build_workbook

__all__ = ["ENTRY_SHEET", "IDENTITY_SHEET", "Assignee", "assignees", "entry_rows", "file_name", "write_templates"]


def write_templates(scheme: Scheme, kind: str, out_dir: Path, password: str | None = None) -> list[Path]:
    """One workbook per department (kind='department') or per assessed unit (kind='unit')."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if kind == "unit":
        from qwb.templates.clone import unit_workbooks

        workbooks = unit_workbooks(scheme, password)
    else:
        workbooks = ((a, build_workbook(scheme, a, password)) for a in assignees(scheme, kind))
    paths = []
    for assignee, data in workbooks:
        path = out_dir / file_name(scheme, assignee)
        write_atomic(path, data)
        paths.append(path)
    return paths
