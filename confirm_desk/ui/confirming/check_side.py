"""The check dialog's right side: materials (CONF-4), the 7 registration conditions, the decision."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.conditions import EVIDENCE_NUMBERS, ConditionResult, Suggestion
from confirm_desk.domain.decisions import MET_LABEL, NOT_MET_LABEL, OUTCOMES, ConditionMark
from confirm_desk.domain.statuses import Status
from confirm_desk.ui.widgets.checklist import ChecklistBox


def _set_tristate(group: QButtonGroup, buttons: list[QRadioButton], chosen: int | None) -> None:
    """Check one radio of an exclusive group, or none (an exclusive group cannot be cleared directly)."""
    group.setExclusive(False)
    for i, button in enumerate(buttons):
        button.setChecked(i == chosen)
    group.setExclusive(True)


class MaterialsBox(QGroupBox):
    """The checklist; a material this applicant does not owe (认定申请表复印件 for a locally issued
    certificate) is shown as 不需要 and never counts as missing. Clicking a material's text toggles it."""

    changed = Signal()

    def __init__(self, materials: dict[str, bool], required: Sequence[str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("申请材料（已交的打勾）", parent)
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        self.required = list(materials) if required is None else [m for m in materials if m in required]
        self.boxes: dict[str, QCheckBox] = {}
        for i, (label, present) in enumerate(materials.items(), start=1):
            box = ChecklistBox(f"{i}. {label}" + ("" if label in self.required else "　（本申请人不需要）"))
            box.setObjectName(f"material_{i}")
            box.setChecked(present)
            if label not in self.required:
                box.setStyleSheet("color:#777;")
                box.setToolTip("证书由本地认定机构认定，或本确认点尚未在首选项中填写“本地认定机构”：不要求交此材料")
            box.toggled.connect(lambda _c: self.changed.emit())
            layout.addWidget(box)
            self.boxes[label] = box

    def values(self) -> dict[str, bool]:
        return {label: box.isChecked() for label, box in self.boxes.items()}

    def missing(self) -> list[str]:
        return [label for label, box in self.boxes.items() if not box.isChecked() and label in self.required]


class ConditionsBox(QGroupBox):
    changed = Signal()

    def __init__(
        self, labels: list[str], marks: list[ConditionMark], prefilled: bool, parent: QWidget | None = None,
        evidence: list[ConditionResult] | None = None, suggestion: Suggestion | None = None,
    ) -> None:
        super().__init__("注册条件具备情况" + ("（已按数据预填，请核对）" if prefilled else ""), parent)
        grid = QGridLayout(self)
        grid.setColumnStretch(2, 1)  # the reason box takes the width
        grid.setVerticalSpacing(2)
        self.rows: list[tuple[QButtonGroup, list[QRadioButton], QLineEdit]] = []
        self.evidence = {r.number: r for r in evidence or ()}
        self.evidence_labels: dict[int, QLabel] = {}
        for n, (label, mark) in enumerate(zip(labels, marks, strict=True), start=1):
            text = QLabel(f"{n}. {label}")
            text.setWordWrap(True)
            result = self.evidence.get(n)
            if result is not None and (result.met is not None or n in EVIDENCE_NUMBERS):
                # The evidence in numbers under the condition's name (培训学时 312/360，差 48 学时).
                text.setText(f"{n}. {label}<br><span style='color:#555'>证明材料：{result.label}　"
                             f"{escape(result.reason)}</span>")
                text.setObjectName(f"cond_{n}_evidence")
                self.evidence_labels[n] = text
            group = QButtonGroup(self)
            met, not_met = QRadioButton(MET_LABEL), QRadioButton(NOT_MET_LABEL)
            met.setObjectName(f"cond_{n}_met")
            not_met.setObjectName(f"cond_{n}_not_met")
            group.addButton(met)
            group.addButton(not_met)
            reason = QLineEdit(mark.reason)
            reason.setObjectName(f"cond_{n}_reason")
            reason.setPlaceholderText("不具备的原因")
            _set_tristate(group, [met, not_met], None if mark.met is None else (0 if mark.met else 1))
            grid.addWidget(text, 2 * n - 2, 0, 1, 3)
            grid.addWidget(met, 2 * n - 1, 0)
            grid.addWidget(not_met, 2 * n - 1, 1)
            grid.addWidget(reason, 2 * n - 1, 2)
            group.buttonToggled.connect(lambda _b, _c, r=reason, nm=not_met: self._sync(r, nm))
            reason.textChanged.connect(lambda _t: self.changed.emit())
            self.rows.append((group, [met, not_met], reason))
            self._sync(reason, not_met)
        if suggestion is not None:
            self.suggestion_label = QLabel(suggestion_text(suggestion))
            self.suggestion_label.setObjectName("suggestion")
            self.suggestion_label.setWordWrap(True)
            grid.addWidget(self.suggestion_label, 2 * len(self.rows), 0, 1, 3)

    def _overrides(self, not_met: QRadioButton) -> bool:
        """True when the clerk's choice contradicts the evidence of this row (a reason is then required)."""
        for number, (_group, (met, nm), _reason) in enumerate(self.rows, start=1):
            if nm is not_met:
                result = self.evidence.get(number)
                chosen = True if met.isChecked() else (False if nm.isChecked() else None)
                return (number in EVIDENCE_NUMBERS and result is not None and result.met is not None
                        and chosen is not None and chosen != result.met)
        return False

    def _sync(self, reason: QLineEdit, not_met: QRadioButton) -> None:
        override = bool(self.evidence) and self._overrides(not_met)
        reason.setPlaceholderText("与证明材料不同，请写明原因" if override else "不具备的原因")
        reason.setEnabled((not_met.isChecked() or override) and self.isEnabled())
        self.changed.emit()

    def set_mark(self, number: int, met: bool | None, reason: str = "") -> None:
        group, buttons, edit = self.rows[number - 1]
        _set_tristate(group, buttons, None if met is None else (0 if met else 1))
        edit.setText(reason)
        self._sync(edit, buttons[1])

    def values(self) -> list[ConditionMark]:
        out = []
        for _group, (met, not_met), reason in self.rows:
            value = True if met.isChecked() else (False if not_met.isChecked() else None)
            keep = value is False or (bool(self.evidence) and self._overrides(not_met))
            out.append(ConditionMark(value, reason.text().strip() if keep else ""))
        return out


def suggestion_text(s: Suggestion) -> str:
    """The desk's suggested conclusion, said as a suggestion."""
    category = f"（{s.category}）" if s.category else ""
    reasons = "；".join(s.reasons)
    detail = "：" + escape(reasons) if reasons else ""
    return f"建议结论：<b>{s.conclusion}{category}</b>{detail}（仅供参考，以注册机构结论为准）"


class DecisionBox(QGroupBox):
    changed = Signal()

    def __init__(self, material_labels: list[str], parent: QWidget | None = None) -> None:
        super().__init__("确认结论", parent)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.buttons: dict[Status, QRadioButton] = {}
        for status in OUTCOMES:
            button = QRadioButton(status.label)
            button.setObjectName(f"outcome_{status.value}")
            self.group.addButton(button)
            row.addWidget(button)
            self.buttons[status] = button
        row.addStretch(1)
        layout.addLayout(row)
        self.reason = QLineEdit()
        self.reason.setObjectName("decision_reason")
        self.reason.setPlaceholderText("原因 / 说明（确认未通过时必填）")
        layout.addWidget(self.reason)
        self.missing_label = QLabel("缺少的材料（申请材料不全时勾选）：")
        layout.addWidget(self.missing_label)
        self.missing = QWidget()  # check boxes: clicking a material's text toggles it, as in every checklist
        self.missing.setObjectName("missing_materials")
        missing_layout = QVBoxLayout(self.missing)
        missing_layout.setContentsMargins(0, 0, 0, 0)
        missing_layout.setSpacing(1)
        self.missing_boxes: list[QCheckBox] = []
        for n, label in enumerate(material_labels, start=1):
            box = ChecklistBox(label)
            box.setObjectName(f"missing_{n}")
            box.toggled.connect(lambda _c: self.changed.emit())
            missing_layout.addWidget(box)
            self.missing_boxes.append(box)
        layout.addWidget(self.missing)
        self.group.buttonToggled.connect(lambda _b, _c: self._outcome_changed())
        self.reason.textChanged.connect(lambda _t: self.changed.emit())
        self._outcome_changed()

    def _outcome_changed(self) -> None:
        incomplete = self.outcome() is Status.INCOMPLETE
        self.missing.setEnabled(incomplete and self.isEnabled())
        self.missing_label.setEnabled(incomplete)
        self.changed.emit()

    def outcome(self) -> Status | None:
        return next((s for s, b in self.buttons.items() if b.isChecked()), None)

    def set_outcome(self, outcome: Status | None) -> None:
        statuses = list(self.buttons)
        _set_tristate(self.group, list(self.buttons.values()), statuses.index(outcome) if outcome else None)
        self._outcome_changed()

    def set_missing(self, labels: list[str]) -> None:
        for box in self.missing_boxes:
            box.setChecked(box.text() in labels)

    def missing_materials(self) -> list[str]:
        return [box.text() for box in self.missing_boxes if box.isChecked()]
