"""Where the file dialogs open: in the folder the clerk last chose a file in (this session), else in their
Documents folder. A bare file name given to Qt's dialogs opens in the working directory, which for a desk started
from its shortcut is the program's own folder: not where a clerk looks for their files, and often not writable.

The three functions take and give what QFileDialog's static functions do (ask_save and ask_open a (path,
filter) pair, ask_folder a path; "" when cancelled)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

_last: dict[str, Path] = {}  # "folder": where the clerk last chose a file or folder


def documents() -> Path:
    """The user's Documents folder, or their home when there is none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_in(name: str = "") -> str:
    """`name` placed in the folder a dialog opens in; a path that names its folder is kept as it is."""
    if name and Path(name).is_absolute():
        return name
    folder = _last.get("folder")
    if folder is None or not folder.is_dir():  # a U盘 taken out since: Qt would fall back to the working directory
        folder = documents()
    return str(folder / name) if name else str(folder)


def _chosen(path: str, is_folder: bool = False) -> str:
    if path:
        _last["folder"] = Path(path) if is_folder else Path(path).parent
    return path


def ask_save(parent: QWidget | None, title: str, name: str, file_filter: str) -> tuple[str, str]:
    path, chosen_filter = QFileDialog.getSaveFileName(parent, title, start_in(name), file_filter)
    return _chosen(path), chosen_filter


def ask_open(parent: QWidget | None, title: str, start: str, file_filter: str) -> tuple[str, str]:
    path, chosen_filter = QFileDialog.getOpenFileName(parent, title, start_in(start), file_filter)
    return _chosen(path), chosen_filter


def ask_folder(parent: QWidget | None, title: str, start: str) -> str:
    return _chosen(QFileDialog.getExistingDirectory(parent, title, start_in(start)), is_folder=True)
