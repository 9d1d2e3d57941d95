"""Fill a template the way the contract allows: write 填报值 cells only, matched by 编码 (see qwb.fill)."""

from __future__ import annotations

from qwb.fill import Text, fill, header_map, read_scores, sort_rows

__all__ = ["Text", "fill", "header_map", "need_soffice", "read_scores", "sort_rows"]


def need_soffice() -> None:
    """Skip without LibreOffice, unless QWB_REQUIRE_SOFFICE=1 (CI), where its absence is a failure."""
    import os

    import pytest

    from qwb import soffice

    if soffice.find() is None:
        if os.environ.get("QWB_REQUIRE_SOFFICE") == "1":
            pytest.fail("QWB_REQUIRE_SOFFICE=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
