"""File helpers: atomic writes and checksums."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


class OutputError(Exception):
    """An output could not be written; the message is for people."""


def write_atomic(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write via a temporary file in the same folder, then rename: never a half-written file. ``data`` is the
    bytes, or a function writing them to the open file (a large output is streamed, never held whole)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~qwb-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared like any saved file
        os.replace(tmp, path)
    except PermissionError as exc:
        raise OutputError(f"无法写入“{path}”：文件可能正在 Excel/WPS 中打开，请关闭后重试（{exc}）") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
