"""Fill a template the way the contract allows: write 填报值 cells only, matched by 编码 (see qwb.fill)."""

from __future__ import annotations

from qwb.fill import Text, fill, header_map, read_scores, sort_rows

__all__ = ["Text", "fill", "header_map", "need_soffice", "read_scores", "sort_rows"]


def need_calibri_metrics() -> None:
    """Skip unless a font with Calibri's metrics (Carlito) stands in for it, as Excel measures column widths
    with Calibri: without one LibreOffice's columns print about a quarter wider. Under QWB_REQUIRE_SOFFICE=1
    (CI) its absence is a failure."""
    import os
    import shutil
    import subprocess

    import pytest

    found = shutil.which("fc-match") and subprocess.run(["fc-match", "Calibri"], capture_output=True,
                                                        text=True).stdout
    if not found or "Carlito" not in found:
        if os.environ.get("QWB_REQUIRE_SOFFICE") == "1":
            pytest.fail("QWB_REQUIRE_SOFFICE=1 but no font with Calibri's metrics: apt-get install fonts-crosextra-carlito")
        pytest.skip("no font with Calibri's metrics: apt-get install fonts-crosextra-carlito")


def need_soffice() -> None:
    """Skip without LibreOffice, unless QWB_REQUIRE_SOFFICE=1 (CI), where its absence is a failure."""
    import os

    import pytest

    from qwb import soffice

    if soffice.find() is None:
        if os.environ.get("QWB_REQUIRE_SOFFICE") == "1":
            pytest.fail("QWB_REQUIRE_SOFFICE=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
