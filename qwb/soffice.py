"""LibreOffice headless: the real spreadsheet application qwb tests and renders with.

A fresh user profile with OOXMLRecalcMode=0 makes LibreOffice recalculate every
formula when it loads an .xlsx, as a department's machine shows it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def find() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _profile() -> Path:
    root = Path(tempfile.gettempdir()) / f"qwb-soffice-profile-{os.getuid()}"
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_PROFILE, encoding="utf-8")
    return root


def convert(source: Path, target_format: str, out_dir: Path, timeout: float = 180) -> Path:
    """Convert ``source`` with LibreOffice (e.g. 'xlsx' re-saves with recalculated formulas, 'pdf' renders)."""
    return convert_many([source], target_format, out_dir, timeout)[0]


def convert_many(sources: list[Path], target_format: str, out_dir: Path, timeout: float = 600) -> list[Path]:
    """Convert several files in one LibreOffice start-up; results keep the source names."""
    exe = find()
    if exe is None:
        raise RuntimeError("未找到 LibreOffice（soffice）。请安装 libreoffice-calc-nogui。")
    out_dir.mkdir(parents=True, exist_ok=True)
    fmt = {"xlsx": "xlsx:Calc MS Excel 2007 XML"}.get(target_format, target_format)
    cmd = [
        exe, f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--norestore",
        "--convert-to", fmt, "--outdir", str(out_dir), *map(str, sources),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    results = [out_dir / f"{source.stem}.{target_format}" for source in sources]
    for result in results:
        if not result.exists():
            raise RuntimeError(f"LibreOffice 未生成 {result}")
    return results
