"""The workbook reader tried first in a child process, where its abort cannot take the app down.

python-calamine allocates a sheet's whole rectangle (rows × columns) at once; when that fails it aborts the
process: no Python exception, the clerk's window is gone. read.py's scan predicts how far the reader will
reach and refuses far files with a precise message, but a prediction can be fooled (three rounds of files made
to get past it found 13, 13 and 9 ways). In the GUI every workbook is therefore loaded once in a child process
before the app loads it: the reader is deterministic, so a file the child survives is safe to load, and one that
kills the child is refused in plain words. The cost is one more load (+0.5 s wall for a 20,000-row export: the
scan runs meanwhile), paid only where an abort would cost a clerk their window: the CLI is a process of its own,
and an abort there ends one command with nothing stored changed (every import is one transaction).

The child is this program itself (`python -m confirm_desk --probe-sheet FILE [SHEET]`, or the frozen
executable with the same arguments), so the PyInstaller build needs nothing of its own."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from confirm_desk.domain.errors import FileRefused

log = logging.getLogger(__name__)

PROBE_FLAG = "--probe-sheet"
# What a surviving child prints: the reader opened the file (and loaded the sheet), or raised an error of its own
# (a damaged file: the app's own read then says so in its words, as a Python exception is no danger).
_LOADED, _FAILED, _NO_MEMORY = "loaded", "failed", "no-memory"
# The child's address space (POSIX): far above any sheet the scan accepts (10 million cells at 32 bytes plus
# their text), far below what would make the machine swap.
CHILD_ADDRESS_SPACE = 3 << 30

_isolated = False


def isolate(on: bool = True) -> None:
    """From now on, load workbooks in a child first (the GUI calls this at start)."""
    global _isolated
    _isolated = on


def isolated() -> bool:
    return _isolated


def child_command(path: Path, sheet: str | None) -> list[str]:
    """The command line that loads `path` (and its sheet `sheet`) in a child: this program with PROBE_FLAG."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "confirm_desk"]
    return [*program, PROBE_FLAG, str(path), *([sheet] if sheet is not None else [])]


class Trial:
    """The reader's trial run on one workbook, started in a child process and judged later (the app's own scan
    runs meanwhile). `verdict()` returns when the child survived and raises FileRefused when the reader ended
    it; `abandon()` stops a trial whose answer is no longer needed."""

    def __init__(self, path: Path, sheet: str | None) -> None:
        self.path = path
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[3])  # the child imports this very package
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        try:
            self._child: subprocess.Popen[bytes] | None = subprocess.Popen(
                child_command(path, sheet), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL, env=env, creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except OSError as exc:  # no child could be started (policy, resources): the scan still stands guard
            log.warning("could not load %s in a child process (%s); loading it directly", path.name, exc)
            self._child = None

    def abandon(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.communicate()
            self._child = None

    def verdict(self) -> None:
        if self._child is None:
            return
        out, err = self._child.communicate()
        code, self._child = self._child.returncode, None
        said, name = out.decode("ascii", "replace").split(), self.path.name
        if code == 0 and said[:1] in ([_LOADED], [_FAILED]):
            return
        last_words = err.decode("utf-8", "replace")[-300:].strip()
        if code == 1 and not said and b"Traceback" in err:  # the child program itself failed, not the reader
            log.warning("the reader's child could not run on %s; loading it directly: %s", name, last_words)
            return
        log.warning("the reader ended its child on %s (exit %s): %s", name, code, last_words)
        if said[:1] == [_NO_MEMORY] or code != 0:
            raise FileRefused(
                f"无法读取“{name}”：读取时表格的数据范围大得异常（或文件结构异常），已停止读取，程序和已有数据未受影响。"
                "请在 Excel 中打开它，只保留需要的行和列，另存为新的 .xlsx 文件后再导入")
        raise FileRefused(f"无法读取“{name}”：读取检查没有给出结果（{' '.join(said)[:80]}），已停止读取")


def start_trial(path: Path, sheet: str | None) -> Trial | None:
    """Open `path` (a workbook) and load its sheet `sheet` (None: only open it; an .xls or .ods loads every
    sheet when opened) in a child process; None unless isolate() was called."""
    return Trial(path, sheet) if _isolated else None


@contextmanager
def tried_in_child(path: Path, sheet: str | None) -> Iterator[None]:
    """Run the block (the app's own checks) while the child tries the file; when the block ends, wait for the
    child's verdict (FileRefused when the reader ended it). A block that raises abandons the child."""
    trial = start_trial(path, sheet)
    if trial is None:
        yield
        return
    try:
        yield
    except BaseException:
        trial.abandon()
        raise
    trial.verdict()


def child_main(argv: list[str]) -> int:
    """The child: open the workbook and load the sheet, then say so. An abort here ends only this process."""
    if not argv or len(argv) > 2:
        print(f"usage: {PROBE_FLAG} FILE [SHEET]", file=sys.stderr)
        return 2
    if sys.platform != "win32":  # lower only: a limit the parent already runs under stands
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = min(x for x in (CHILD_ADDRESS_SPACE, soft, hard) if x != resource.RLIM_INFINITY)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    from python_calamine import CalamineWorkbook

    try:
        with open(argv[0], "rb") as fh:
            workbook = CalamineWorkbook.from_filelike(fh)
        if len(argv) == 2:
            sheet = workbook.get_sheet_by_name(argv[1])
            print(_LOADED, sheet.height, sheet.width)
        else:
            print(_LOADED)
    except MemoryError:
        print(_NO_MEMORY)
    except Exception as exc:  # a damaged file: the app's own read raises this again and words it
        print(_FAILED, type(exc).__name__)
    return 0
