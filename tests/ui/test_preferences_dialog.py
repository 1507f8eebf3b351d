"""Preferences dialog: values persist across a restart (isolated INI in CONFIRM_DESK_HOME + the store),
confirmers cannot change store-wide ones, the idle lock follows the preference."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QLineEdit, QSpinBox

from confirm_desk.preferences import TABS
from confirm_desk.services import settings
from confirm_desk.ui.ops.settings import PreferencesStore, settings_path
from confirm_desk.ui.settings.preferences_dialog import PreferencesDialog
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401
from tests.ui.helpers import type_text


def open_dialog(qtbot, store, account=None) -> PreferencesDialog:
    dialog = PreferencesDialog(PreferencesStore(store), account)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click_save(qtbot, dialog: PreferencesDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_values_persist_across_a_restart(qtbot, store, isolated_home) -> None:
    admin, _clerk = make_operators(store)
    dialog = open_dialog(qtbot, store, admin)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == list(TABS)
    assert TABS == ("确认点", "注册计划", "规则", "照片", "本机", "扫描", "打印")
    assert dialog.findChild(QSpinBox, "training_hours_periodic").value() == 360
    assert dialog.findChild(QSpinBox, "idle_lock_minutes").value() == 15
    type_text(dialog.findChild(QLineEdit, "point_name"), "定海区教师发展中心确认点")
    dialog.findChild(QSpinBox, "photo_max_kb").setValue(45)
    dialog.findChild(QSpinBox, "training_hours_first").setValue(200)
    dialog.findChild(QDateEdit, "campaign_end").setDate(QDate(2026, 5, 31))
    dialog.findChild(QSpinBox, "idle_lock_minutes").setValue(7)
    dialog.findChild(QLineEdit, "backup_folder").setText("/media/usb/备份")
    dialog.findChild(QComboBox, "paper_size").setCurrentText("A5")
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted

    # "Restart": new settings objects over the same files, as the next start would make them.
    assert settings_path().parent == isolated_home and settings_path().is_file()
    ini = QSettings(str(settings_path()), QSettings.Format.IniFormat)
    assert ini.value("seat/idle_lock_minutes") == "7" and ini.value("seat/paper_size") == "A5"
    again = open_dialog(qtbot, store, admin)
    assert again.findChild(QLineEdit, "point_name").text() == "定海区教师发展中心确认点"
    assert again.findChild(QSpinBox, "photo_max_kb").value() == 45
    assert again.findChild(QSpinBox, "training_hours_first").value() == 200
    assert again.findChild(QDateEdit, "campaign_end").date().toPython() == dt.date(2026, 5, 31)
    assert again.findChild(QSpinBox, "idle_lock_minutes").value() == 7
    assert again.findChild(QLineEdit, "backup_folder").text() == "/media/usb/备份"
    assert again.findChild(QComboBox, "paper_size").currentText() == "A5"
    with store.session() as session:  # what the photo service reads
        assert settings.load(session)["photo_max_kb"] == 45


def test_restore_defaults_of_one_tab(qtbot, store) -> None:
    prefs = PreferencesStore(store)
    prefs.save({"idle_lock_minutes": 3, "training_hours_periodic": 300})
    dialog = open_dialog(qtbot, store)
    dialog.tabs.setCurrentIndex(TABS.index("本机"))
    qtbot.mouseClick(dialog.defaults_button, Qt.MouseButton.LeftButton)
    assert dialog.findChild(QSpinBox, "idle_lock_minutes").value() == 15
    assert dialog.findChild(QSpinBox, "training_hours_periodic").value() == 300  # another tab: kept


def test_a_confirmer_changes_only_this_seat(qtbot, store) -> None:
    _admin, clerk = make_operators(store)
    dialog = open_dialog(qtbot, store, clerk)
    assert not dialog.findChild(QLineEdit, "point_name").isEnabled()
    assert not dialog.findChild(QSpinBox, "photo_max_kb").isEnabled()
    assert dialog.findChild(QSpinBox, "idle_lock_minutes").isEnabled()
    dialog.findChild(QSpinBox, "idle_lock_minutes").setValue(20)
    click_save(qtbot, dialog)
    assert PreferencesStore(store).value("idle_lock_minutes") == 20


def test_main_window_menu_opens_preferences_and_applies_idle_minutes(qtbot, store, make_window) -> None:
    admin, _clerk = make_operators(store)
    window = make_window(store, admin)
    assert window.menus.act_prefs in window.menus.edit_menu.actions()
    assert window.menus.act_prefs.shortcut().toString() == "Ctrl+,"
    window.menus.act_prefs.trigger()
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, PreferencesDialog)
    dialog.findChild(QSpinBox, "idle_lock_minutes").setValue(2)
    click_save(qtbot, dialog)
    assert window.idle_lock.minutes == 2 and window.idle_lock.timer.interval() == 120_000


def test_saving_the_desks_points_refreshes_the_lists_flags(qtbot, imported_store) -> None:
    """What the dialog saves goes through findings.save_settings: the stored flags follow the desk's points and
    authorities at once (settings.save alone leaves them to its caller)."""
    from confirm_desk.services.applicants.listing import ListCriteria, list_records

    def flags() -> dict[str, str]:
        with imported_store.session() as session:
            return {r["application_no"]: r["flags"] for r in list_records(session, ListCriteria())}

    assert "point_outside" not in flags()["2025320000003"]
    PreferencesStore(imported_store).save({"point_name": "定海区教师发展中心确认点",
                                           "point_authorities": "定海区教师发展中心确认点=舟山市普陀区教育局"})
    assert "point_outside" in flags()["2025320000003"]  # a 鼓楼区 applicant
