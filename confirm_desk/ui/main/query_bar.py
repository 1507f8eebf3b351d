"""The query conditions above the list: a search box that also takes scanner input, plus filters."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from confirm_desk.domain.statuses import Status
from confirm_desk.domain.sync import SyncState
from confirm_desk.services.applicants.criteria import ListCriteria

DEBOUNCE_MS = 120  # short enough to feel instant, long enough to skip a scanner's keystroke burst


class QueryBar(QWidget):
    criteria_changed = Signal(object)  # ListCriteria
    scanned = Signal(str)  # Enter in the search box: a scanned or typed 报名号 / ID number

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="姓名 / 证件号码 / 报名号（可扫码，回车打开）")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self.school = QComboBox(editable=True)
        editor = self.school.lineEdit()
        assert editor is not None  # an editable combo box has one
        editor.setPlaceholderText("全部学校")
        self.point = QComboBox()
        self.point.addItem("全部确认点", "")  # the points met in the data join it (set_choices)
        self.status = QComboBox()
        self.status.addItem("全部状态", "")
        for status in Status:
            self.status.addItem(status.label, status.value)
        self.sync = QComboBox()
        self.sync.addItem("全部上报状态", "")
        for state in SyncState:
            self.sync.addItem(state.label, state.value)
        # A combo's width follows a few characters, not its longest school name: the bar fits 1280 px
        # (the drop-down list still shows whole names).
        for combo, chars in ((self.school, 8), (self.point, 6), (self.status, 6), (self.sync, 6)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) if combo.count() else 0)
        self.flagged = QCheckBox("仅有问题的")
        self.list_all = QPushButton("列出全部")
        self.list_all.setToolTip("清除所有查询条件")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for label, widget in (("查询", self.search), ("学校", self.school), ("确认点", self.point),
                              ("状态", self.status), ("上报", self.sync)):
            layout.addWidget(QLabel(label))
            layout.addWidget(widget)
        layout.addWidget(self.flagged)
        layout.addWidget(self.list_all)
        layout.addStretch(1)

        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.emit_criteria)
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._on_return)
        self.school.currentTextChanged.connect(lambda _t: self._timer.start())
        self.point.currentIndexChanged.connect(lambda _i: self.emit_criteria())
        self.status.currentIndexChanged.connect(lambda _i: self.emit_criteria())
        self.sync.currentIndexChanged.connect(lambda _i: self.emit_criteria())
        self.flagged.toggled.connect(lambda _b: self.emit_criteria())
        self.list_all.clicked.connect(self.clear)
        self._fit_first_choices()

    def _fit_first_choices(self) -> None:
        """Each filter at least as wide as its first choice (全部…) in the font it is drawn in: a width counted
        in characters is counted in Latin ones, and a Chinese font's are half as wide (全部上报状态 showed as
        全部上报状…)."""
        for combo in (self.point, self.status, self.sync):
            option = QStyleOptionComboBox()
            combo.initStyleOption(option)
            metrics = combo.fontMetrics()
            text = QSize(metrics.horizontalAdvance(combo.itemText(0)), metrics.height())
            combo.setMinimumWidth(combo.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text,
                                                                 combo).width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_first_choices()

    def set_choices(self, schools: list[str], points: list[str]) -> None:
        for combo, values, everything in ((self.school, schools, ""), (self.point, points, "全部确认点")):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for v in values:
                combo.addItem(v, v)
            combo.setCurrentText(current if current != everything else everything)
            combo.blockSignals(False)

    def criteria(self) -> ListCriteria:
        return ListCriteria(
            text=self.search.text(),
            school=self.school.currentText().strip(),
            confirmation_point=self.point.currentData() or "",
            status=self.status.currentData() or "",
            flagged_only=self.flagged.isChecked(),
            sync_state=self.sync.currentData() or "",
        )

    def emit_criteria(self) -> None:
        self._timer.stop()
        self.criteria_changed.emit(self.criteria())

    def clear(self) -> None:
        for w in (self.search, self.school, self.point, self.status, self.sync, self.flagged):
            w.blockSignals(True)
        self.search.clear()
        self.school.setCurrentIndex(0)
        self.school.setEditText("")
        self.point.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.sync.setCurrentIndex(0)
        self.flagged.setChecked(False)
        for w in (self.search, self.school, self.point, self.status, self.sync, self.flagged):
            w.blockSignals(False)
        self.emit_criteria()

    def set_status_filter(self, status: str) -> None:
        index = self.status.findData(status)
        self.status.setCurrentIndex(max(index, 0))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_return(self) -> None:
        text = self.search.text().strip()
        self.emit_criteria()
        self.search.selectAll()  # the next scan replaces this one instead of being appended to it
        if text:
            self.scanned.emit(text)
