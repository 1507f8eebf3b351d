"""The PyInstaller build of build_installer.spec really starts: built into a temp folder, its --self-test
runs offscreen. Slow (about 1–2 minutes); set CONFIRM_DESK_SKIP_BUILD=1 to leave it out locally."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The packaging goal was 250 MB; the build is ≈237 MB without face detection. Offline face detection
# (OpenCV + numpy + the YuNet model, issue 13) adds ≈200 MB that cannot be trimmed (the OpenCV libraries
# are linked directly). We keep the detector — a wrongly cropped photo is the commonest reason an
# application comes back — and hold the build to this ceiling so further growth is still caught.
# Scanning the originals (issue 24) adds ONNX Runtime's Python module (≈37 MB; its separate C-API library is
# left out) and RapidOCR with its PP-OCR models (≈32 MB); HEIC photos (pillow-heif) added ≈27 MB. The spec strips
# the libraries' symbol tables (numpy's excepted, −53 MB): ≈ 498 MB measured on 2026-12-02 — the issue's goal.
SIZE_GOAL_MB = 500

pytestmark = pytest.mark.slow


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("CONFIRM_DESK_SKIP_BUILD"):
        pytest.skip("CONFIRM_DESK_SKIP_BUILD is set: the PyInstaller build is left out")
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (pip install -e .[build])")
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
         str(ROOT / "build_installer.spec")],
        cwd=work, capture_output=True, text=True, timeout=900,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-4000:]
    folder = work / "dist" / "ConfirmDesk"
    # Numbers for the log (pytest -s or the CI output); they are reported, not judged.
    print(f"\nPyInstaller build: {seconds:.0f} s, folder {folder_mb(folder):.0f} MB")
    return folder


def run_built(folder: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    exe = folder / ("ConfirmDesk.exe" if sys.platform == "win32" else "ConfirmDesk")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONFIRM_DESK_HOME": str(home)}
    env.pop("CONFIRM_DESK_DB", None)
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, cwd=home, timeout=120)


def test_built_self_test_passes_offscreen(built: Path, tmp_path: Path) -> None:
    done = run_built(built, "--self-test", home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "（打包版）" in done.stdout and "自检通过" in done.stdout
    for step in ("数据库", "演示数据", "打印", "照片", "扫描识别", "界面"):
        assert f"[通过] {step}" in done.stdout
    assert not list(tmp_path.glob("*.sqlite3")), "the self-test must not touch the user's store"


def test_built_version_and_size(built: Path, tmp_path: Path) -> None:
    from confirm_desk import __version__

    done = run_built(built, "--version", home=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == f"ConfirmDesk {__version__}"
    assert folder_mb(built) <= SIZE_GOAL_MB


def test_built_folder_holds_only_what_the_app_uses(built: Path) -> None:
    internal = built / "_internal"
    assert (internal / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    migrations = internal / "confirm_desk" / "store" / "migrations"
    assert (migrations / "script.py.mako").is_file() and (migrations / "env.py").is_file()
    assert sorted(p.name for p in (migrations / "versions").glob("*.py"))[0] == "0001_initial_schema.py"
    translations = sorted(p.name for p in internal.rglob("*.qm"))
    assert translations == ["qtbase_zh_CN.qm"]
    names = " ".join(p.name for p in internal.rglob("*Qt6*"))
    for unused in ("WebEngine", "Qml", "Quick", "Multimedia", "3D"):
        assert unused not in names
