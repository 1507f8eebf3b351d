"""Application-wide widget policies, installed once on the QApplication (app start-up, self-test, tests):

- the mouse wheel never changes data: a combo box, spin box or date edit reacts to the wheel only when it has
  keyboard focus; otherwise the wheel goes on to the scroll area around it (one event filter for every window);
- a window never opens larger than the screen (a dialog made for 1360×860 fits a 1366×768 laptop);
- Qt's own Chinese translation (qtbase_zh_CN: OK/Cancel/Yes/No, file and print dialogs).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QSize, Qt, QTranslator
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

log = logging.getLogger(__name__)
GUARDED = (QComboBox, QAbstractSpinBox)  # QSpinBox, QDoubleSpinBox, QDateEdit, QTimeEdit, QDateTimeEdit


class WheelGuard(QObject):
    """Event filter: a guarded editor takes keyboard focus only by click or Tab (never by the wheel), and a
    wheel turned over it while it has no focus is passed on to its parents (the scroll area scrolls).
    It also fits each window to the screen the first time it is shown (fit_to_screen)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Wheel:
            # An editable combo's or a spin box's inner line edit ignores the wheel, so it reaches the box here.
            if isinstance(watched, GUARDED) and not watched.hasFocus():
                event.ignore()  # QApplication hands an ignored wheel event on to the parent widget
                return True
        elif kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # default WheelFocus: the wheel would focus it
        elif kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow() \
                and watched.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog) \
                and not watched.property(_FITTED):
            watched.setProperty(_FITTED, True)  # once: later the clerk's own size is kept
            fit_to_screen(watched)
        return False


_FITTED = "confirm_desk_fitted"
FRAME_ALLOWANCE = QSize(8, 36)  # the window frame and title bar around the client area (Windows 10, 100 %)


def screen_of(window: QWidget) -> QScreen | None:
    """The screen a window is on (or opens on), found by the static look-ups, never `window.screen()`: for each
    call of that, PySide makes the screen's wrapper a child of the window's wrapper, and when the collector
    later frees that window in a reference cycle, clearing the cycle hands the screen to Python, which deletes
    Qt's own QScreen. Every window closed or shown after that segfaulted (QCursor::pos, geometry): the
    "garbage-collecting inside WheelGuard.eventFilter" crash of the UI tests."""
    return QGuiApplication.screenAt(window.frameGeometry().center()) or QGuiApplication.primaryScreen()


def fit_to_screen(window: QWidget) -> None:
    """Shrink a window that is larger than the screen it opens on (a 1360×860 dialog on a 1366×768 laptop)
    and move it fully into view. Its minimum size still wins (layouts keep it usable)."""
    screen = screen_of(window)
    if screen is None or window.isMaximized() or window.isFullScreen():
        return
    area = screen.availableGeometry()
    width = min(window.width(), area.width() - FRAME_ALLOWANCE.width())
    height = min(window.height(), area.height() - FRAME_ALLOWANCE.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    x = max(area.left(), min(window.x(), area.right() - window.width() - FRAME_ALLOWANCE.width()))
    y = max(area.top(), min(window.y(), area.bottom() - window.height() - FRAME_ALLOWANCE.height()))
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)


_installed: dict[str, QObject] = {}


def install_wheel_guard(app: QApplication) -> WheelGuard:
    guard = _installed.get("wheel")
    if not isinstance(guard, WheelGuard) or guard.parent() is not app:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
        _installed["wheel"] = guard
    return guard


# Strings of Qt 6's own file dialog that qtbase_zh_CN still has only in their Qt 5 form ("Look in:" without the
# "&"): the dialog Qt draws itself (where the system has no file dialog of its own) showed them in English.
_QT6_GAPS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "Computer"): "计算机",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
}


class QtGapsTranslator(QTranslator):
    """_QT6_GAPS, asked before qtbase_zh_CN (Qt asks the translator installed last first). None passes the string
    on to the next translator: it arrives in Qt as a null string, where "" would be taken as the translation."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return _QT6_GAPS.get((context, source))

    def isEmpty(self) -> bool:
        return False


def install_qt_translation(app: QApplication) -> bool:
    """Load qtbase_zh_CN from Qt's translations folder (the built app carries it, see build_installer.spec), and
    the strings it lacks for Qt 6 after it."""
    if "qt" in _installed and _installed["qt"].parent() is app:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        log.warning("Qt's Chinese translation (qtbase_zh_CN) not found in %s", folder)
        return False
    app.installTranslator(translator)
    gaps = QtGapsTranslator(app)
    app.installTranslator(gaps)
    _installed["qt"], _installed["qt_gaps"] = translator, gaps
    return True


def apply_policies(app: QApplication) -> bool:
    """Installs both; False when Qt's Chinese translation is missing (the self-test reports it)."""
    install_wheel_guard(app)
    return install_qt_translation(app)
