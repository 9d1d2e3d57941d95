"""The picture of the console workbook in docs/excel.md, rendered by LibreOffice.

    PYTHONPATH=. python -m tests.render_console      # rewrites docs/images/console.png

The console is built as ``qwb console`` builds it, with example settings. Form buttons are not printed (as in
Excel), so the copy rendered here marks them printable; nothing else changes. LibreOffice renders the PDF
(``soffice --headless --convert-to pdf``) and poppler the PNG of its first page (``pdftoppm -png -r 80``).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from qwb.console import AS_OF, OUT, RETURNS, SCHEME, TEMPLATES
from qwb.console_book import console_bytes

ROOT = Path(__file__).resolve().parent.parent
PICTURE = ROOT / "docs" / "images" / "console.png"
EXAMPLE = {SCHEME: "tieling", RETURNS: "D:\\质量考核\\退回", OUT: "D:\\质量考核\\汇总排名.xlsx", AS_OF: "半年",
           TEMPLATES: "D:\\质量考核\\模板"}
#: the part of the page (at 80 dpi) that holds the sheet: x, y, width, height in pixels
CROP = (40, 50, 800, 410)


def printable_buttons(xlsm: bytes) -> bytes:
    """The workbook with its form buttons marked printable, so that the PDF shows them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsm)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".vml"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"<x:PrintObject>True</x:PrintObject>")
            dst.writestr(info, data)
    return out.getvalue()


def render(picture: Path = PICTURE) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        book = work / "qwb_console.xlsm"
        book.write_bytes(printable_buttons(console_bytes(EXAMPLE)))
        profile = (work / "profile").as_uri()
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(work), str(book)], check=True, capture_output=True, timeout=180)
        x, y, w, h = CROP
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-x", str(x), "-y", str(y), "-W", str(w),
                        "-H", str(h), "-singlefile", str(work / "qwb_console.pdf"), str(work / "page")], check=True)
        picture.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page.png", picture)
    return picture


if __name__ == "__main__":
    print(f"rewrote: {render().relative_to(ROOT)}")
