"""Every file the desk writes is whole or absent, and private.

`atomic_output(path)` yields a temporary path beside the target (same folder, so the final rename is atomic
on one file system), created user-only (0600, whatever the umask); when the block ends without an error the
file is flushed to disk (fsync), renamed over the target (os.replace) and the folder entry is synced. On
an error, or a full disk, the temporary file is removed and the target is left as it was. A kill leaves
only the temporary file: each one is registered in the data folder while it exists, and
`clean_stale_outputs()` (run at app start-up and by every CLI command) removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

PART_SUFFIX = ".part"
PENDING_DIR = "pending-outputs"
WORK_DIR = "work"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by the user only; an existing folder of ours is
    tightened to 0700 too. On Windows the folder lives under the user's profile (its ACL is the user's)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if os.name == "posix":
        with contextlib.suppress(OSError):  # a folder we do not own (e.g. a mount point): leave it
            os.chmod(path, PRIVATE_DIR)
    return path


def make_private(path: Path) -> None:
    """Tighten an existing file to user-only (0600) on POSIX."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_FILE)


def _pending_dir() -> Path | None:
    try:
        from confirm_desk.paths import data_dir

        return private_dir(data_dir() / PENDING_DIR)
    except OSError:
        return None


def _register(temp: Path) -> Path | None:
    folder = _pending_dir()
    if folder is None:
        return None
    marker = folder / f"{os.getpid()}-{secrets.token_hex(6)}.json"
    try:
        marker.write_text(json.dumps({"pid": os.getpid(), "path": str(temp)}), encoding="utf-8")
    except OSError:
        return None
    return marker


def temp_name(target: Path) -> Path:
    """`.roster.xlsx.1a2b3c.part` beside `roster.xlsx` (hidden on POSIX; never mistaken for the file)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(3)}{PART_SUFFIX}")


@contextlib.contextmanager
def atomic_output(path: Path | str, *, make_parents: bool = False) -> Iterator[Path]:
    """Write to the yielded temporary path; it becomes `path` only when the block completes."""
    target = Path(path)
    if make_parents:
        private_dir(target.parent)
    temp = temp_name(target)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)
    make_private(temp)  # umask-independent
    marker = _register(temp)
    try:
        yield temp
        _fsync_file(temp)
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    finally:
        if marker is not None:
            with contextlib.suppress(OSError):
                marker.unlink()


@contextlib.contextmanager
def private_work_dir(prefix: str) -> Iterator[Path]:
    """A user-only scratch folder inside the data folder (not /tmp: its files may hold ID numbers and
    photos), removed afterwards; one left by a killed process is removed by clean_stale_outputs."""
    import shutil
    import tempfile

    from confirm_desk.paths import data_dir

    base = private_dir(data_dir() / WORK_DIR)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}-{os.getpid()}-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_bytes(path: Path | str, data: bytes) -> None:
    """`path.write_bytes(data)`, whole or absent, user-only."""
    with atomic_output(path) as temp:
        temp.write_bytes(data)


def write_text(path: Path | str, text: str, encoding: str = "utf-8") -> None:
    with atomic_output(path) as temp:
        temp.write_text(text, encoding=encoding)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows: NTFS journals the rename; directories cannot be opened for fsync
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # an open file cannot be removed on Windows: unlink below fails and it is kept
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_outputs(extra_folders: tuple[Path, ...] = ()) -> list[Path]:
    """Remove the temporary files of writes that never finished (a kill, a power cut): those registered in
    the data folder by a process that is gone, and `*.part`/`*.partial` leftovers in the data folder, its
    backups and `extra_folders`. Returns what was removed; never raises."""
    removed: list[Path] = []
    folder = _pending_dir()
    if folder is not None:
        for marker in sorted(folder.glob("*.json")):
            try:
                info = json.loads(marker.read_text(encoding="utf-8"))
                pid, temp = int(info["pid"]), Path(info["path"])
            except (OSError, ValueError, KeyError, TypeError):
                with contextlib.suppress(OSError):
                    marker.unlink()
                continue
            if _alive(pid):
                continue
            try:
                if temp.name.endswith(PART_SUFFIX) and temp.exists():
                    temp.unlink()
                    removed.append(temp)
                marker.unlink()
            except OSError:
                continue
    try:
        from confirm_desk.paths import data_dir

        home = data_dir()
        folders = [home, home / "backups", *extra_folders]
    except OSError:
        home, folders = Path(), list(extra_folders)
    for scratch in (home / WORK_DIR).glob("*-*-*") if folders and (home / WORK_DIR).is_dir() else ():
        try:
            pid = int(scratch.name.split("-")[-2])
        except (ValueError, IndexError):
            continue
        if not _alive(pid):
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
            removed.append(scratch)
    for place in folders:
        if not place.is_dir():
            continue
        for pattern in ("*.part", "*.partial", "*.partial-journal"):
            for leftover in place.glob(pattern):
                if _owned_by_running_write(leftover):
                    continue
                with contextlib.suppress(OSError):
                    leftover.unlink()
                    removed.append(leftover)
    return removed


def _owned_by_running_write(path: Path) -> bool:
    """A temporary file registered by a process still running (another window writing right now)."""
    folder = _pending_dir()
    if folder is None:
        return False
    for marker in folder.glob("*.json"):
        try:
            info = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if Path(info.get("path", "")) == path and _alive(int(info.get("pid", 0))):
            return True
    return False


def describe_write_error(exc: OSError) -> str:
    """A plain Chinese message for a failed file operation, naming the file as the user knows it (the target,
    not our temporary name)."""
    import errno
    import re

    if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        why = "磁盘空间已满或超出文件大小限制"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "没有写入权限"
    elif exc.errno == errno.ENOENT:
        why = "文件或文件夹不存在"
    else:
        why = exc.strerror or exc.__class__.__name__
    name = ""
    if exc.filename:
        path = Path(str(exc.filename))
        shown = re.fullmatch(r"\.(.+)\.[0-9a-f]{6}" + re.escape(PART_SUFFIX), path.name)
        name = f"“{path.with_name(shown[1]) if shown else path}”"
    return f"文件操作失败{name}：{why}。未保存的文件不会以不完整的内容留下"


__all__ = ["atomic_output", "clean_stale_outputs", "describe_write_error", "make_private", "private_dir",
           "write_bytes", "write_text"]


def clean_at_start() -> None:
    """Temporary files of writes a kill interrupted, removed when the CLI or the GUI starts; a failure is logged
    and never stops the program (cleaning up is a courtesy)."""
    import logging

    log = logging.getLogger(__name__)
    try:
        removed = clean_stale_outputs()
        if removed:
            log.info("removed %d unfinished output file(s) left by an interrupted write", len(removed))
    except Exception:
        log.exception("cleaning unfinished output files failed")
