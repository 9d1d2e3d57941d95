"""Unit templates by cloning: every assessed unit's self-evaluation workbook has the same rows, so
qwb writes one prototype with a placeholder unit and copies it, substituting the unit's id and name.

xlsxwriter spends ~100 ms on a 124-item workbook (it escapes and checks every cell and formula);
the copy costs a few milliseconds, which is what makes thousands of units practical.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import escape

from qwb.scheme.model import Scheme, Unit
from qwb.templates.layout import Assignee, assignees
from qwb.templates.writer import build_workbook

PLACEHOLDER_ID = "qwbplaceholderunit0"
PLACEHOLDER_NAME = "〔qwb占位被考核单位〕"


def prototype(scheme: Scheme, password: str | None = None) -> bytes:
    """The unit template of a placeholder unit, with the real scheme's identity."""
    stand_in = dataclasses.replace(scheme, units=[Unit(PLACEHOLDER_ID, PLACEHOLDER_NAME)])
    stand_in.__dict__["_fingerprint"] = scheme.fingerprint()
    return build_workbook(stand_in, Assignee("unit", PLACEHOLDER_ID, PLACEHOLDER_NAME), password)


def substitute(proto: bytes, assignee: Assignee) -> bytes:
    """The prototype with the placeholder replaced in every XML part; entry order and names are kept."""
    old_id, old_name = PLACEHOLDER_ID.encode(), escape(PLACEHOLDER_NAME).encode()
    new_id = escape(assignee.id, {'"': "&quot;"}).encode()
    new_name = escape(assignee.name, {'"': "&quot;"}).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(proto)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                data = data.replace(old_id, new_id).replace(old_name, new_name)
            target.writestr(info, data)
    return out.getvalue()


def unit_workbooks(scheme: Scheme, password: str | None = None) -> Iterator[tuple[Assignee, bytes]]:
    if any(rule.varies_by_unit for ind in scheme.indicators for rule in (ind.rule, *dict(ind.rules).values())):
        for assignee in assignees(scheme, "unit"):  # each unit's own targets are in its text and formulas
            yield assignee, build_workbook(scheme, assignee, password)
        return
    proto = prototype(scheme, password)
    for assignee in assignees(scheme, "unit"):
        yield assignee, substitute(proto, assignee)
