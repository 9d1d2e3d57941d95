"""Templates: the fill-in workbooks departments and units complete (docs/template.md).

The package imports its modules on first use, so ``qwb.templates.names`` (the sheet and header names
every reader needs) can be imported without loading the writer.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qwb.templates.names import ENTRY_SHEET, IDENTITY_SHEET

if TYPE_CHECKING:
    from qwb.scheme.model import Scheme
    from qwb.templates.layout import Assignee, assignees, entry_rows, file_name

__all__ = ["ENTRY_SHEET", "IDENTITY_SHEET", "Assignee", "assignees", "entry_rows", "file_name", "write_templates"]

_LAYOUT = {"Assignee", "assignees", "entry_rows", "file_name"}


def __getattr__(name: str) -> Any:
    if name in _LAYOUT:
        return getattr(importlib.import_module("qwb.templates.layout"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def write_templates(scheme: Scheme, kind: str, out_dir: Path, password: str | None = None) -> list[Path]:
    """One workbook per department (kind='department') or per assessed unit (kind='unit')."""
    from qwb.files import write_atomic
    from qwb.templates.layout import assignees, file_name
    from qwb.templates.writer import build_workbook

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
