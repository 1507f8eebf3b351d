"""编辑 → 首选项: one tab per group of the preference table, a widget per declared preference."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.errors import KnownError
from confirm_desk.preferences import PREFERENCES, TABS, Kind, Preference, Scope, Value
from confirm_desk.services.accounts import Account
from confirm_desk.ui.ops.settings import PreferencesStore
from confirm_desk.ui.widgets.file_dialogs import ask_folder

NO_DATE = QDate(2000, 1, 1)  # the QDateEdit minimum stands for "not set" (shown as 未设置)


class PreferenceEditor:
    """One preference's widget: reads and shows a typed value."""

    def __init__(self, pref: Preference, parent: QWidget) -> None:
        self.pref = pref
        self.widget = self._make(parent)
        if not self.widget.objectName():
            self.widget.setObjectName(pref.key)
        self.widget.setToolTip(pref.help)

    def _make(self, parent: QWidget) -> QWidget:
        pref = self.pref
        if pref.kind is Kind.INT:
            box = QSpinBox(parent)
            box.setRange(pref.minimum, pref.maximum)
            box.setSuffix(pref.suffix)
            return box
        if pref.kind is Kind.CHOICE:
            combo = QComboBox(parent)
            combo.addItems(pref.choices)
            return combo
        if pref.kind is Kind.PRINTER:
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItem("")
            combo.addItems(_printer_names())
            editor = combo.lineEdit()
            assert editor is not None  # an editable combo box has one
            editor.setPlaceholderText("系统默认打印机")
            return combo
        if pref.kind is Kind.DATE:
            date = QDateEdit(parent)
            date.setCalendarPopup(True)
            date.setDisplayFormat("yyyy-MM-dd")
            date.setMinimumDate(NO_DATE)
            date.setSpecialValueText("未设置")
            return date
        line = QLineEdit(parent)
        if pref.kind is Kind.FOLDER:
            self.line = line
            line.setObjectName(pref.key)
            holder = QWidget(parent)
            holder.setObjectName(f"{pref.key}_row")
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(line, 1)
            browse = QPushButton("浏览…", holder)
            browse.setObjectName(f"{pref.key}_browse")
            browse.clicked.connect(self._browse)
            row.addWidget(browse)
            return holder
        return line

    def _browse(self) -> None:
        folder = ask_folder(self.widget, self.pref.label, self.line.text())
        if folder:
            self.line.setText(folder)

    def set_value(self, value: Value) -> None:
        w = self.widget
        if isinstance(w, QSpinBox):
            w.setValue(value if isinstance(value, int) else 0)
        elif isinstance(w, QComboBox) and w.isEditable():
            w.setCurrentText(str(value or ""))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(max(0, w.findText(str(value))))
        elif isinstance(w, QDateEdit):
            w.setDate(QDate(value.year, value.month, value.day) if isinstance(value, dt.date) else NO_DATE)
        else:
            self._line().setText(str(value or ""))

    def value(self) -> Value:
        w = self.widget
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QComboBox):
            return w.currentText().strip()
        if isinstance(w, QDateEdit):
            day = w.date()
            return None if day == NO_DATE else dt.date(day.year(), day.month(), day.day())
        return self._line().text().strip()

    def _line(self) -> QLineEdit:
        return self.line if self.pref.kind is Kind.FOLDER else self.widget  # type: ignore[return-value]

    def set_enabled(self, enabled: bool) -> None:
        self.widget.setEnabled(enabled)


def _printer_names() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames())


class PreferencesDialog(QDialog):
    """`PreferencesDialog(PreferencesStore(store), account, parent)`. Store-wide preferences are the
    administrator's; a confirmer sees them read-only."""

    def __init__(self, prefs: PreferencesStore, account: Account | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs, self.account = prefs, account
        self.setWindowTitle("首选项")
        self.setMinimumWidth(520)
        may_edit_shared = account is None or account.is_admin
        self.editors: dict[str, PreferenceEditor] = {}
        self.tabs = QTabWidget(self)
        for tab in TABS:
            page = QWidget()
            form = QFormLayout(page)
            for pref in (p for p in PREFERENCES if p.tab == tab):
                editor = PreferenceEditor(pref, page)
                editor.set_enabled(may_edit_shared or pref.scope is Scope.SEAT)
                self.editors[pref.key] = editor
                form.addRow(pref.label, editor.widget)
            shared = any(p.scope is Scope.STORE for p in PREFERENCES if p.tab == tab)
            note = QLabel("以上设置保存在数据库中，所有确认席位共用。" if shared
                          else "以上设置只对这台电脑有效。")
            if shared and not may_edit_shared:
                note.setText(note.text() + "仅管理员可修改。")
            note.setStyleSheet("color:#666;")
            form.addRow(note)
            self.tabs.addTab(page, tab)
        self.error = QLabel()
        self.error.setObjectName("preferences_error")
        self.error.setStyleSheet("color:#b3261e;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.defaults_button = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaults_button.setText("恢复本页默认值")
        self.defaults_button.clicked.connect(self.restore_tab_defaults)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.load()

    def load(self) -> None:
        for key, value in self.prefs.values().items():
            self.editors[key].set_value(value)

    def collected(self) -> dict[str, Value]:
        return {key: e.value() for key, e in self.editors.items() if e.widget.isEnabled()}

    def restore_tab_defaults(self) -> None:
        tab = self.tabs.tabText(self.tabs.currentIndex())
        for editor in self.editors.values():
            if editor.pref.tab == tab and editor.widget.isEnabled():
                editor.set_value(editor.pref.default)

    def save(self) -> None:
        operator = self.account.username if self.account else ""
        try:
            self.prefs.save(self.collected(), operator)
        except KnownError as err:
            self.error.setText(err.message)
            return
        self.accept()
