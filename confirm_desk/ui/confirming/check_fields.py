"""The check dialog's left side: every field grouped as the registry groups them, with 一致/不一致 marks,
the original's text for 不一致, editors where the rules allow (CONF-2, CERT-2) and the automatic findings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.checks import Finding, Severity
from confirm_desk.domain.decisions import MATCH_LABEL, MISMATCH_LABEL, CompareMark
from confirm_desk.domain.fields import GROUPS, Field, Kind, fields_in
from confirm_desk.services.codes import choices
from confirm_desk.services.confirming.confirmation import CheckState

SEVERITY_COLOR = {Severity.ERROR: "#b3261e", Severity.WARNING: "#b26a00", Severity.NOTICE: "#1a5fb4"}
_CELL_STYLE = """
CompareCell { border: 1px solid transparent; border-radius: 3px; }
CompareCell:focus { border: 2px solid #1a5fb4; background: #e8f0fb; }
QToolButton { padding: 1px 6px; }
QToolButton#match:checked { background: #1b7f3b; color: white; }
QToolButton#mismatch:checked { background: #b3261e; color: white; }
"""


class CompareCell(QWidget):
    """一致 / 不一致 for one field. Keys: Y, 1 or Space = 一致; N, 2 or 0 = 不一致."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_CELL_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 1, 2, 1)
        layout.setSpacing(2)
        self.group = QButtonGroup(self)
        self.match_button = self._button(MATCH_LABEL, "match")
        self.mismatch_button = self._button(MISMATCH_LABEL, "mismatch")
        for button in (self.match_button, self.mismatch_button):
            layout.addWidget(button)
        self.group.buttonClicked.connect(lambda _b: self.changed.emit())

    def _button(self, text: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setCheckable(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the cell takes focus, so Tab stops once per field
        self.group.addButton(button)
        return button

    def value(self) -> bool | None:
        if self.match_button.isChecked():
            return True
        return False if self.mismatch_button.isChecked() else None

    def set_value(self, matches: bool | None) -> None:
        self.group.setExclusive(False)  # an exclusive group cannot be cleared
        self.match_button.setChecked(matches is True)
        self.mismatch_button.setChecked(matches is False)
        self.group.setExclusive(True)
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Y, Qt.Key.Key_1, Qt.Key.Key_Space):
            self.set_value(True)
            self.focusNextChild()
        elif key in (Qt.Key.Key_N, Qt.Key.Key_2, Qt.Key.Key_0):
            self.set_value(False)
            self.focusNextChild()  # the 原件显示 box, now enabled
        else:
            super().keyPressEvent(event)


class FieldRow:
    """The widgets of one field."""

    def __init__(self, field: Field, value: str, editor: QWidget | None) -> None:
        self.field, self.value = field, value
        self.editor = editor
        self.cell = CompareCell()
        self.cell.setObjectName(f"compare_{field.key}")
        self.original = QLineEdit()
        self.original.setObjectName(f"original_{field.key}")
        self.original.setPlaceholderText("原件显示")
        self.original.setEnabled(False)
        self.cell.changed.connect(self._sync)

    def _sync(self) -> None:
        mismatch = self.cell.value() is False
        self.original.setEnabled(mismatch)
        if mismatch and not self.original.text():
            edited = self.current_value()
            if edited != self.value:
                self.original.setText(edited)  # the clerk corrected the field to what the original shows

    def current_value(self) -> str:
        if isinstance(self.editor, QComboBox):
            return self.editor.currentText().strip()
        if isinstance(self.editor, QLineEdit):
            return self.editor.text().strip()
        return self.value

    def mark(self) -> CompareMark | None:
        value = self.cell.value()
        return (
            None if value is None else CompareMark(value, self.original.text().strip() if not value else "")
        )


class FieldsPanel(QWidget):
    """All fields of one applicant; `rows` by key for the dialog and tests."""

    changed = Signal()

    def __init__(
        self, state: CheckState, confirmation_points: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.rows: dict[str, FieldRow] = {}
        self.points = confirmation_points
        findings: dict[str, list[Finding]] = {}
        for finding in state.findings:
            findings.setdefault(finding.field, []).append(finding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group in GROUPS:
            layout.addWidget(self._group_box(state, group, findings))
        layout.addStretch(1)

    def _group_box(self, state: CheckState, group, findings: dict[str, list[Finding]]) -> QGroupBox:
        box = QGroupBox(str(group))
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnMinimumWidth(0, 130)  # the same columns in every group, so the marks line up
        grid.setColumnMinimumWidth(1, 240)
        grid.setVerticalSpacing(3)
        line = 0
        for field in fields_in(group):
            value = state.values[field.key]
            editor = self._editor(field, value) if field.key in state.editable else None
            row = FieldRow(field, value, editor)
            mark = state.compares.get(field.key)
            if mark is not None:
                row.cell.set_value(mark.matches)
                row.original.setText(mark.original)
            label = QLabel(field.label + ("　✎" if editor is not None else ""))
            label.setToolTip("可在确认点修改" if editor is not None else "")
            shown = editor or _value_label(field.key, value)
            grid.addWidget(label, line, 0)
            grid.addWidget(shown, line, 1)
            grid.addWidget(row.cell, line, 2)
            grid.addWidget(row.original, line, 3)
            for finding in findings.get(field.key, []):
                line += 1
                note = QLabel(f"⚠ {finding.message}")
                note.setObjectName(f"finding_{finding.code}")
                note.setWordWrap(True)
                note.setStyleSheet(f"color:{SEVERITY_COLOR[finding.severity]};")
                label.setStyleSheet(f"color:{SEVERITY_COLOR[finding.severity]}; font-weight:bold;")
                grid.addWidget(note, line, 1, 1, 3)
            row.cell.changed.connect(self.changed)
            row.original.textChanged.connect(self.changed)
            self.rows[field.key] = row
            line += 1
        return box

    def _editor(self, field: Field, value: str) -> QWidget:
        options = self.points if field.key == "confirmation_point" else choices(field.code_list)
        if options:
            combo = QComboBox()
            combo.setEditable(field.kind is not Kind.CHOICE)  # code lists are closed; place names are not
            combo.addItems(([value] if value and value not in options else []) + list(options))
            combo.setCurrentText(value)
            combo.currentTextChanged.connect(lambda _t: self.changed.emit())
            editor: QWidget = combo
        else:
            line = QLineEdit(value)
            if field.kind is Kind.DATE:
                line.setPlaceholderText("YYYY-MM-DD")
            line.textChanged.connect(lambda _t: self.changed.emit())
            editor = line
        editor.setObjectName(f"edit_{field.key}")
        return editor

    def marks(self) -> dict[str, CompareMark]:
        return {key: mark for key, row in self.rows.items() if (mark := row.mark()) is not None}

    def edits(self) -> dict[str, str]:
        return {
            key: row.current_value()
            for key, row in self.rows.items()
            if row.editor is not None and row.current_value() != row.value
        }

    def unmarked(self) -> list[str]:
        return [key for key, row in self.rows.items() if row.cell.value() is None]

    def mark_remaining_matching(self) -> int:
        """The one-key shortcut: every field not yet marked becomes 一致."""
        keys = self.unmarked()
        for key in keys:
            self.rows[key].cell.set_value(True)
        return len(keys)

    def set_read_only(self, read_only: bool) -> None:
        for row in self.rows.values():
            for widget in (row.editor, row.cell, row.original):
                if widget is not None:
                    widget.setEnabled(
                        not read_only and (widget is not row.original or row.cell.value() is False)
                    )


def _value_label(key: str, value: str) -> QLabel:
    label = QLabel(value or "—")
    label.setObjectName(f"value_{key}")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label
