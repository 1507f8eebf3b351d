"""Every path the app uses, in one place (tests point CONFIRM_DESK_HOME at a temp folder)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "ConfirmDesk"


def data_dir() -> Path:
    """The user's data folder: the same place Qt's AppDataLocation names, without importing Qt."""
    override = os.environ.get("CONFIRM_DESK_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_DIR_NAME, appauthor=False, roaming=True))
    return _private_dir(path)


def _private_dir(path: Path) -> Path:
    """The folder, created user-only (0700) and tightened to it whatever the umask: it holds ID numbers and
    photos. On Windows it is under the user's profile (%APPDATA%), whose ACL admits only that user."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        try:
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o700)
        except OSError:  # not ours to change (a shared mount): leave it
            pass
    return path


def default_db_url() -> str:
    return os.environ.get("CONFIRM_DESK_DB") or f"sqlite:///{data_dir() / 'confirm_desk.sqlite3'}"


def demo_db_url() -> str:
    """The demo data's own store beside the real one: demo people never mix with real work."""
    return f"sqlite:///{data_dir() / 'demo.sqlite3'}"


def bundle_root() -> Path:
    """The folder holding `resources/`, `forms/` and `confirm_desk/`: the checkout, or PyInstaller's
    `_internal` folder (`sys._MEIPASS`) in the frozen build. Never the current directory."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return bundle_root() / "resources"


def forms_dir() -> Path:
    return bundle_root() / "forms"


def migrations_dir() -> Path:
    """Alembic's script_location. Alembic reads env.py and versions/*.py as files, so the frozen build
    ships them as data under the same relative path (build_installer.spec)."""
    return bundle_root() / "confirm_desk" / "store" / "migrations"


def icon_path() -> Path:
    return resources_dir() / "icons" / "confirm_desk.png"


def help_path(name: str = "usage_zh.html") -> Path:
    return resources_dir() / "help" / name


def font_path() -> Path:
    return resources_dir() / "fonts" / "wqy-microhei.ttc"


def log_dir() -> Path:
    return _private_dir(data_dir() / "logs")


def backup_dir() -> Path:
    """Where the daily automatic backups go (user-only: they hold personal data)."""
    return _private_dir(data_dir() / "backups")
