"""The fixed names of a fill-in template: what the writer spells and every reader looks for.

These are the contract with returned files (docs/template.md): change one and
returns of templates already sent out can no longer be read. Imports nothing from
qwb, so any module can use it.
"""

from __future__ import annotations

#: sheets, in the order they appear (汇总 and 自评报告 in unit templates only, 印证材料 when an item asks for evidence)
README_SHEET = "说明"
ENTRY_SHEET = "填报"
SUMMARY_SHEET = "汇总"
EVIDENCE_SHEET = "印证材料"
REPORT_SHEET = "自评报告"
#: hidden: long drop-down lists, and the template's identity
LIST_SHEET = "_lists"
IDENTITY_SHEET = "_qwb"

#: entry-table headers a reader finds its columns by
KEY_HEADER = "编码"
FIELD_HEADER = "填报项"
VALUE_HEADER = "填报值"
SCORE_HEADER = "得分"
POINTS_HEADER = "分值"  # the item's points, shown beside it (read back to explain a changed scheme)

#: labels above the entry table; the person filling in writes in the cell to the right of each
FILLER_LABEL = "填报单位"
PERSON_LABEL = "填报人"
PHONE_LABEL = "联系电话"
DATE_LABEL = "填报日期"
HEADER_FIELDS = (FILLER_LABEL, PERSON_LABEL, PHONE_LABEL, DATE_LABEL)

#: rows searched for the entry table's header (row 5 of a template; a filler may insert rows above it)
HEADER_SCAN_ROWS = 30

#: the identity sheet's ``format`` value
TEMPLATE_FORMAT = "qwb-template/1"


class Identity:
    """Keys in column A of the identity sheet (the value is in column B)."""

    FORMAT = "format"
    SCHEME = "scheme"
    SCHEME_NAME = "scheme_name"
    YEAR = "year"
    FINGERPRINT = "fingerprint"
    KIND = "kind"
    ASSIGNEE = "assignee"
    ASSIGNEE_NAME = "assignee_name"
    VERSION = "qwb_version"
    ROWS = "rows"
    ENTRY_SHEET = "entry_sheet"
    HEADER_ROW = "header_row"
    DATE_CELL = "date_cell"
