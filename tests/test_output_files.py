"""Every file the desk writes is whole or absent, and private (issue 26 items 3 and 4): a kill or a full disk
leaves no broken file under the real name, leftovers are removed at the next start, folders and files holding
personal data are user-only whatever the umask."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from confirm_desk.services.output_files import atomic_output, clean_stale_outputs

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "output_worker.py"
KINDS = ("roster", "stats", "audit", "coverage", "pdf", "backup", "sheet", "error_report")
SUFFIX = {"pdf": ".pdf", "sheet": ".pdf", "backup": ".sqlite3"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith((".part", ".partial", "-journal"))]


@pytest.fixture
def demo_url(db_url: str) -> str:
    from confirm_desk.services.applicants.demo import fill_demo
    from confirm_desk.store.db import open_store

    store = open_store(db_url)
    fill_demo(store, count=12)
    store.dispose()
    return db_url


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "CONFIRM_DESK_HOME": str(home), "PYTHONPATH": str(ROOT)}


def test_atomic_output_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        target = tmp_path / "out.bin"
        with atomic_output(target) as temp:
            assert temp.parent == tmp_path and temp.name.endswith(".part") and not target.exists()
            temp.write_bytes(b"whole")
        assert target.read_bytes() == b"whole" and _mode(target) == 0o600
    finally:
        os.umask(old)
    assert _leftovers(tmp_path) == []


def test_an_error_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "roster.xlsx"
    target.write_bytes(b"yesterday")
    with pytest.raises(RuntimeError), atomic_output(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("cancelled")
    assert target.read_bytes() == b"yesterday"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("mode", ["kill-raw", "kill-pdf"])
def test_a_kill_leaves_nothing_under_the_real_name(mode: str, demo_url: str, tmp_path: Path,
                                                   isolated_home: Path) -> None:
    out = tmp_path / "exports" / "receipts.pdf"
    out.parent.mkdir()
    with subprocess.Popen([sys.executable, str(WORKER), mode, demo_url, str(out)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(isolated_home),
                          text=True) as proc:
        line = proc.stdout.readline()  # the worker's own signal: it is inside the write now
        if line.strip() == "WRITING":
            os.kill(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        _, err = proc.communicate()
    assert line.strip() == "WRITING", err
    assert not out.exists()
    assert len(_leftovers(out.parent)) == 1  # the temporary file, beside the target, hidden
    # The next start (any CLI command) removes it.
    done = subprocess.run([sys.executable, "-m", "confirm_desk", "--db", demo_url, "user", "list"],
                          env=_env(isolated_home), capture_output=True, text=True)
    assert done.returncode in (0, 2), done.stderr
    assert _leftovers(out.parent) == []
    assert not list((isolated_home / "pending-outputs").glob("*.json"))


def test_a_full_disk_leaves_the_old_file(demo_url: str, tmp_path: Path, isolated_home: Path) -> None:
    """Every writer, starved by a file-size limit (RLIMIT_FSIZE, as a full disk) in a subprocess: the old
    file stays as it was and no temporary file is left; with room, the same writer writes a private file."""
    folder = tmp_path / "exports"
    folder.mkdir()
    old = b"the previous, complete file"
    for kind in KINDS:
        (folder / f"out-{kind}{SUFFIX.get(kind, '.xlsx')}").write_bytes(old)
    done = subprocess.run([sys.executable, str(WORKER), "fsize", demo_url, str(folder), ",".join(KINDS), "3000"],
                          env=_env(isolated_home), capture_output=True, text=True, timeout=600)
    lines = set(done.stdout.splitlines())
    for kind in KINDS:
        assert any(line.startswith(f"{kind} starved FAILED KEPT") for line in lines), (kind, done.stdout,
                                                                                       done.stderr)
        assert f"{kind} room WRITTEN" in lines, (kind, done.stdout, done.stderr)
        out = folder / f"out-{kind}{SUFFIX.get(kind, '.xlsx')}"
        assert out.read_bytes() != old and out.stat().st_size > 1000 and _mode(out) == 0o600
    assert _leftovers(folder) == []


def test_stale_leftovers_are_cleaned(isolated_home: Path, tmp_path: Path) -> None:
    backups = isolated_home / "backups"
    backups.mkdir()
    stale = [backups / "confirm_desk-2026.sqlite3.partial", isolated_home / ".x.part"]
    for p in stale:
        p.write_bytes(b"x")
    removed = clean_stale_outputs()
    assert set(stale) <= set(removed)
    assert not any(p.exists() for p in stale)


def test_backup_into_a_missing_folder(demo_url: str, tmp_path: Path, isolated_home: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.accounts_helpers import login_env, use_fast_hasher

    use_fast_hasher(monkeypatch)
    login_env(monkeypatch, demo_url)  # a backup holds everyone's data: an operator runs it
    folder = tmp_path / "新建文件夹" / "备份"
    done = subprocess.run([sys.executable, "-m", "confirm_desk", "--db", demo_url, "backup", f"{folder}/"],
                          env=_env(isolated_home), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].suffix == ".sqlite3"
    assert _mode(folder) == 0o700 and _mode(files[0]) == 0o600


def test_data_folder_and_log_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "fresh-home"
    monkeypatch.setenv("CONFIRM_DESK_HOME", str(home))
    old = os.umask(0)
    try:
        # `--user` named: the store is opened (and made private) before the log-in is refused.
        done = subprocess.run([sys.executable, "-m", "confirm_desk", "user", "list", "--user", "nobody"],
                              env={**_env(home), "CONFIRM_DESK_PASSWORD": "x"},
                              capture_output=True, text=True)
    finally:
        os.umask(old)
    assert done.returncode in (0, 2), done.stderr
    assert _mode(home) == 0o700
    assert _mode(home / "logs") == 0o700
    assert _mode(home / "logs" / "confirm_desk.log") == 0o600
    assert _mode(home / "confirm_desk.sqlite3") == 0o600


def test_cli_export_on_a_full_disk_says_so(demo_url: str, tmp_path: Path, isolated_home: Path) -> None:
    """`export roster` starved of disk space: a plain message naming the file, exit 2, nothing written."""
    import resource

    from confirm_desk.services import accounts
    from confirm_desk.store.db import open_store

    store = open_store(demo_url)
    with store.session() as session:
        accounts.create_first_admin(session, "admin", "管理员甲", "Admin#2026")
    store.dispose()
    out = tmp_path / "花名册.xlsx"

    def starve() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (3000, resource.RLIM_INFINITY))

    done = subprocess.run([sys.executable, "-m", "confirm_desk", "--db", demo_url, "export", "roster", str(out),
                           "--user", "admin"], env={**_env(isolated_home), "CONFIRM_DESK_PASSWORD": "Admin#2026"},
                          capture_output=True, text=True, preexec_fn=starve)
    assert done.returncode == 2, (done.stdout, done.stderr)
    # Whichever write meets the limit first (the file, or the store's audit event) says so plainly.
    assert "磁盘" in done.stderr and "程序内部错误" not in done.stderr
    assert not out.exists() and _leftovers(tmp_path) == []


def test_a_failed_write_names_the_real_file() -> None:
    import errno

    from confirm_desk.services.output_files import describe_write_error

    text = describe_write_error(OSError(errno.EFBIG, "File too large", "/exports/.花名册.xlsx.a1b2c3.part"))
    assert "“/exports/花名册.xlsx”" in text and "磁盘空间已满" in text
    assert "没有写入权限" in describe_write_error(PermissionError(errno.EACCES, "denied", "/x/a.pdf"))
