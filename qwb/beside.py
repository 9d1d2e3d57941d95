"""Outputs written beside the ranking workbook, at the same time: each in a forked process.

A run of a thousand returns spends about a second writing its JSON summary and its raw-data CSV after
the workbook, one after the other, on one core. A forked child inherits the whole consolidation without
copying or pickling it, so both are written while the main process writes the workbook. The child writes
its file under a temporary name (qwb.files.Pending) and says which; the parent puts it in place only once
everything succeeded, as a run written in one process would.

Only where fork is safe (Linux, and a process with no other thread: a thread holding a lock at the fork,
as in ``qwb serve``, would leave it held for ever in the child) and while the copies it makes fit the memory
budget (MEMORY_BUDGET); otherwise (the Excel console on Windows, the server, a run of thousands of returns)
the job runs in the calling process when it is started.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qwb.files import OutputError, Pending

#: fork the side jobs (Linux only: on macOS a forked child of a process with system frameworks loaded may
#: crash, and Windows has no fork)
FORK = sys.platform.startswith("linux") and hasattr(os, "fork")
#: the memory a run may take, main process and children together. A forked writer shares the main process's
#: memory but copies every page it reads (reading an object writes its reference count): with the JSON and
#: the CSV both forked, a run's memory was measured to grow by 80-85 %. So they fork only while twice the
#: main process's resident size fits: 1,000 returns of a 124-item scheme (183 MiB) fork, 3,000 (489 MiB)
#: write one file after another.
MEMORY_BUDGET = 600 * 1024 * 1024


@dataclass
class Job:
    """One output being written; ``result`` waits for it."""

    pid: int = 0
    pipe: int = -1
    #: (the file, the child's seconds, a message for people, or the traceback of a bug)
    outcome: tuple[Pending | None, float, str, str] | None = None

    def result(self) -> tuple[Pending, float]:
        """The file written (not yet in place) and the seconds the child spent; OutputError if it failed."""
        if self.outcome is None:
            self.outcome = self._collect()
        pending, seconds, error, bug = self.outcome
        if bug:
            raise RuntimeError(f"writing an output failed in a forked process:\n{bug}")
        if pending is None:
            raise OutputError(error)
        return pending, seconds

    @property
    def forked(self) -> bool:
        """Written in a child process, at the same time as what the caller does next (else already written)."""
        return self.pid != 0

    def discard(self) -> None:
        """Wait for the job and remove its file: another output failed."""
        try:
            pending, _seconds = self.result()
        except (OutputError, RuntimeError):  # it failed too (or was interrupted with the run): nothing to remove
            return
        pending.discard()

    def _collect(self) -> tuple[Pending | None, float, str, str]:
        chunks = []
        while chunk := os.read(self.pipe, 65536):
            chunks.append(chunk)
        os.close(self.pipe)
        _pid, status = os.waitpid(self.pid, 0)
        if not chunks or os.waitstatus_to_exitcode(status) != 0:
            return None, 0.0, "", f"the child exited with status {os.waitstatus_to_exitcode(status)}"
        return pickle.loads(b"".join(chunks))


def start(write: Callable[[], Pending], path: Path) -> Job:
    """Run ``write`` (it writes ``path`` with qwb.files.write_pending) in a forked child, or here and now
    where there is no fork."""
    if not (FORK and threading.active_count() == 1 and 2 * resident_bytes() <= MEMORY_BUDGET):
        return Job(outcome=_run(write, path, forked=False))
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: write, report, and leave without running the parent's exit handlers
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(_run(write, path, forked=True))
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return Job(pid, read_end)


def resident_bytes() -> int:
    """This process's resident memory (Linux), or more than any budget where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 1 << 62


def _run(write: Callable[[], Pending], path: Path, forked: bool) -> tuple[Pending | None, float, str, str]:
    started = time.perf_counter()
    try:
        return write(), time.perf_counter() - started, "", ""
    except OutputError as exc:
        return None, 0.0, str(exc), ""
    except OSError as exc:
        return None, 0.0, (f"无法写入“{path}”：{exc.strerror or type(exc).__name__}。请检查路径是否正确、文件夹是否可写，"
                           "或文件是否正在 Excel/WPS 中打开。"), ""
    except Exception:  # noqa: BLE001 - a bug: its traceback goes to the parent, which raises it
        if not forked:
            raise
        return None, 0.0, "", traceback.format_exc()
