"""The ranking workbook `qwb consolidate --out` writes (xlsxwriter), one module per sheet.

总排名 (with charts), 指标得分, 部门 (部门得分 when one place is assessed),
校验问题, 提交情况, 原始数据, 自评与核查 (when both kinds came back), 方案.

No text from a return is ever written as a formula or a link: every string
goes through ``write_string`` and the workbook converts nothing on its own.
The same consolidation gives the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from qwb import beside
from qwb.files import OutputError, write_atomic
from qwb.report import adjust_sheet, compare, departments, matrix, problems, ranking, raw, scheme_sheet, submissions
from qwb.report.base import Report
from qwb.version import __version__
from qwb.xlsx import new_workbook


def build_report(c: Any, out: Path) -> bytes:
    """The ranking workbook as .xlsx bytes; ``out`` is where it will be saved (links to returns are relative)."""
    return _build(c, out)[0]


def _build(c: Any, out: Path) -> tuple[bytes, Report]:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    r = Report(c, workbook, Path(out))
    workbook.set_properties({
        "title": f"{r.heading}结果{r.as_of_text}",
        "subject": "质量工作考核排名",
        "author": c.scheme.issuer or "qwb",
        "company": c.scheme.issuer or "",
        "comments": f"qwb {__version__}，方案 {c.scheme.id}（指纹 {c.scheme.fingerprint()}）",
        "created": r.created(),
    })
    workbook.set_calc_mode("auto")
    ranking.write(r)
    matrix.write(r)
    departments.write(r)
    problems.write(r)
    adjust_sheet.write(r)
    submissions.write(r)
    raw.write(r)
    if c.self_result is not None:
        compare.write(r)
    scheme_sheet.write(r)
    workbook.close()
    return buffer.getvalue(), r


def write_report(c: Any, out: Path) -> None:
    """Write the ranking workbook atomically: a file that cannot be written leaves the previous one intact.
    A raw-data CSV beside it is written at the same time (qwb.beside) and put in place first."""
    out = Path(out)
    csv_job = beside.start(lambda: raw.write_csv(c, out), raw.csv_path(out)) if raw.goes_to_csv(c) else None
    try:
        data, _r = _build(c, out)
        if csv_job is not None:
            csv_job.result()[0].commit()
        write_atomic(out, data)
    except OutputError:
        raise
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"无法写入排名工作簿“{out}”：{reason}。请检查路径是否正确、文件夹是否可写，"
                          "或文件是否正在 Excel/WPS 中打开。") from exc
    finally:
        if csv_job is not None:
            csv_job.discard()  # nothing left behind when the workbook failed (after commit: nothing to remove)


__all__ = ["OutputError", "build_report", "write_report"]
