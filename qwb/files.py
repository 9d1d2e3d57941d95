"""File helpers: atomic writes and checksums."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


class OutputError(Exception):
    """An output could not be written; the message is for people."""


def write_atomic(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write via a temporary file in the same folder, then rename: never a half-written file. ``data`` is the
    bytes, or a function writing them to the open file (a large output is streamed, never held whole)."""
    write_pending(path, data).commit()


@dataclass(frozen=True)
class Pending:
    """A file written whole under a temporary name beside ``path``: ``commit`` puts it in place (one rename),
    ``discard`` removes it. Lets outputs written at the same time appear only once all of them succeeded."""

    path: Path
    tmp: str

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except PermissionError as exc:
            self.discard()
            raise _in_use(self.path, exc) from exc
        except OSError as exc:
            self.discard()
            raise OutputError(f"无法写入“{self.path}”：{exc.strerror or type(exc).__name__}。请检查路径是否正确、"
                              "文件夹是否可写。") from exc
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def write_pending(path: Path, data: bytes | Callable[[BinaryIO], None]) -> Pending:
    """The first half of write_atomic: the whole file written and synced under a temporary name."""
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
    except PermissionError as exc:
        os.unlink(tmp)
        raise _in_use(path, exc) from exc
    except BaseException:
        os.unlink(tmp)
        raise
    return Pending(path, tmp)


def _in_use(path: Path, exc: PermissionError) -> OutputError:
    return OutputError(f"无法写入“{path}”：文件可能正在 Excel/WPS 中打开，请关闭后重试（{exc}）")


def sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
