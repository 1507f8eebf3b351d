"""Issue 18 item 4: the desk fits the screens schools have (1366×768 and 1280×720 laptops). Every top-level
window the clerk can open has a minimum size that fits 1366×728 (the screen less the taskbar), the check
dialog's save and close buttons are never inside a scroll area, and windows open no larger than the screen."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QWidget

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.ui.widgets.app_policy import fit_to_screen
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401
from tests.ui.test_check_dialog import CERT_EDITABLE, open_dialog

SCREEN = QSize(1366, 728)  # 1366×768 less a Windows taskbar
SMALL = QSize(1280, 680)  # 1280×720 less the taskbar


def minimum_of(window: QWidget) -> QSize:
    return window.minimumSize().expandedTo(window.minimumSizeHint())


def open_every_window(window) -> list[QWidget]:
    """Everything the menus open without a file chooser, over a selected applicant."""
    number = CERT_EDITABLE
    with window.store.session() as session:
        applicant_id = resolve(session, number)
        version = load_check(session, applicant_id).version
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED,
                                                     override_reason="测试：越过检查"), "admin", version)  # printable
    assert window.applicants.select_id(applicant_id)
    acts = window.menus
    for act in (acts.act_open, acts.act_detail, acts.act_audit, acts.act_users, acts.act_crop,
                acts.act_export_batch, acts.act_conflicts, acts.act_import_staff, acts.act_coverage,
                acts.act_follow_up, acts.act_photo_review, acts.act_prefs, acts.act_help, acts.act_about,
                acts.act_import, acts.act_print_receipt,
                *(getattr(acts, name) for name in ("act_keying", "act_national", "act_import_evidence")
                  if hasattr(acts, name))):
        act.trigger()
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()
            and w.windowType().name in ("Window", "Dialog")]


def test_every_window_fits_a_1366_by_768_screen(qtbot, imported_store, make_window) -> None:
    admin = make_operators(imported_store)[0]
    window = make_window(imported_store, admin)
    windows = open_every_window(window)
    titles = {w.windowTitle() for w in windows}
    assert len(windows) >= 17, titles
    assert any(t.startswith("打印受理凭证") for t in titles) and any(t.startswith("核对与确认") for t in titles)
    too_big = {w.windowTitle() or type(w).__name__: minimum_of(w).toTuple() for w in windows
               if minimum_of(w).width() > SCREEN.width() or minimum_of(w).height() > SCREEN.height()}
    assert too_big == {}
    assert minimum_of(window).width() <= SMALL.width() and minimum_of(window).height() <= SMALL.height()


def test_check_dialog_buttons_stay_outside_the_scroll_areas(qtbot, imported_store, logged_in_clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)
    for name in ("保存 (Ctrl+S)", "关闭"):
        button = next(b for b in dialog.findChildren(QPushButton) if b.text() == name)
        parent = button.parentWidget()
        while parent is not None and parent is not dialog:
            assert not isinstance(parent, QScrollArea), name
            parent = parent.parentWidget()
    dialog.resize(1366 - 8, 728 - 36)
    qtbot.waitUntil(lambda: dialog.save_button.isVisible())
    bottom = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomLeft()).y()
    assert bottom <= dialog.height()


def test_a_window_larger_than_the_screen_is_fitted_when_shown(qtbot) -> None:
    area = QApplication.primaryScreen().availableGeometry()
    big = QWidget()
    qtbot.addWidget(big)
    big.resize(area.width() + 500, area.height() + 300)
    big.show()  # the application-wide policy fits it (tests/ui/conftest.py installs it like app start-up)
    qtbot.waitExposed(big)
    assert big.width() <= area.width() and big.height() <= area.height()
    assert area.contains(big.geometry().topLeft())
    fit_to_screen(big)  # idempotent
    assert big.width() <= area.width()


def test_issue_23_windows_fit_a_1366_by_768_screen(qtbot, store, samples, make_window) -> None:
    """网报前照片批处理 and the 网报填写卡 preview."""
    from confirm_desk.services.coverage.staff import import_staff

    import_staff(store, samples / "staff_list.xlsx")
    window = make_window(store)
    window.menus.act_photo_readiness.trigger()
    window.menus.act_print_cards.trigger()
    titles = {w.windowTitle(): minimum_of(w).toTuple() for w in window.open_dialogs}
    assert "网报前照片批处理" in titles and any(t.startswith("网报填写卡") for t in titles), titles
    assert all(w <= SCREEN.width() and h <= SCREEN.height() for w, h in titles.values()), titles
    for dialog in list(window.open_dialogs):
        dialog.reject()


def test_windows_fitted_then_freed_by_the_collector_leave_the_screen_to_qt(qtbot) -> None:
    """fit_to_screen once asked each window for `window.screen()`: PySide then holds the screen's wrapper as
    that window's child, and the collector freeing the window in a reference cycle handed the QScreen to
    Python, which deleted Qt's screen (the next window shown or closed segfaulted)."""
    import gc

    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QTableView

    from confirm_desk.ui.widgets.app_policy import screen_of

    screens = len(QApplication.screens())
    for _ in range(5):
        view, model = QTableView(), QStringListModel(["甲"])
        view.setModel(model)
        view.show()  # the wheel guard fits it to the screen
        view.cycle = (view, model)  # type: ignore[attr-defined]  # only the collector frees it
    del view, model
    gc.collect()
    assert len(QApplication.screens()) == screens
    later = QWidget()
    qtbot.addWidget(later)
    later.show()
    assert screen_of(later) is not None
    later.close()
