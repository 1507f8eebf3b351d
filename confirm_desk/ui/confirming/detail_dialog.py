"""Read-only detail of one applicant: all fields grouped as the registry groups them, photo, findings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.checks import Severity
from confirm_desk.domain.fields import GROUPS, fields_in
from confirm_desk.services.applicants.listing import ApplicantDetail
from confirm_desk.ui.widgets.photo_pixmap import pixmap_from_bytes

SEVERITY_STYLE = {
    Severity.ERROR: "color:#b3261e; font-weight:bold;",
    Severity.WARNING: "color:#b26a00; font-weight:bold;",
    Severity.NOTICE: "color:#1a5fb4;",
}


class DetailDialog(QDialog):
    """`DetailDialog(ops.confirming.load_detail(store, id))`: the read-only view of what was loaded."""

    def __init__(self, detail: ApplicantDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail = detail
        d = self.detail
        self.setWindowTitle(f"申请人详情 — {d.values['name']}（{d.values['application_no']}）")
        self.resize(900, 700)
        self.finding_labels: dict[str, QLabel] = {}

        header = QLabel(f"<b>{d.values['name']}</b>　报名号 {d.values['application_no']}　"
                        f"确认状态：<b>{d.status.label}</b>" + ("　<span style='color:#b26a00'>需重打申请表</span>"
                                                          if d.reprint_needed else ""))
        findings_box = self._findings_box(d)
        body = QWidget()
        grid = QGridLayout(body)
        for i, group in enumerate(GROUPS):
            grid.addWidget(self._group_box(d, group), i // 2, i % 2)
        grid.addWidget(self._photo_box(d), len(GROUPS) // 2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(findings_box)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)

    def _findings_box(self, d: ApplicantDetail) -> QWidget:
        box = QGroupBox("自动检查")
        layout = QVBoxLayout(box)
        if not d.findings:
            layout.addWidget(QLabel("<span style='color:#1b7f3b'>✓ 未发现问题</span>"))
        for f in d.findings:
            label = QLabel(f"⚠ {f.message}")
            label.setStyleSheet(SEVERITY_STYLE[f.severity])
            label.setWordWrap(True)
            label.setObjectName(f"finding_{f.code}")
            layout.addWidget(label)
            self.finding_labels[f.code] = label
        return box

    def _group_box(self, d: ApplicantDetail, group) -> QGroupBox:
        box = QGroupBox(str(group))
        form = QFormLayout(box)
        flagged = {f.field: f for f in d.findings}
        for field in fields_in(group):
            value = QLabel(d.values[field.key] or "—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setObjectName(f"value_{field.key}")
            label = QLabel(field.label)
            finding = flagged.get(field.key)
            if finding is not None:
                label.setStyleSheet(SEVERITY_STYLE[finding.severity])
                value.setStyleSheet(SEVERITY_STYLE[finding.severity])
                value.setToolTip(finding.message)
                label.setText(f"⚠ {field.label}")
            form.addRow(label, value)
        return box

    def _photo_box(self, d: ApplicantDetail) -> QGroupBox:
        box = QGroupBox("照片")
        layout = QHBoxLayout(box)
        photo = QLabel()
        photo.setFixedSize(118, 160)
        photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        photo.setStyleSheet("border:1px solid #999; background:#fafafa;")
        pixmap = pixmap_from_bytes(d.photo_bytes)
        if pixmap is None:
            photo.setText("无照片")
        else:
            photo.setPixmap(pixmap)
        layout.addWidget(photo)
        state = {"none": "未提供照片", "original": "原始照片（尚未规范为114×156）", "normalized": "已规范为114×156"}
        note = QLabel(state.get(d.photo_state, d.photo_state) + (f"\n{d.photo_problem}" if d.photo_problem else ""))
        note.setWordWrap(True)
        layout.addWidget(note, 1)
        return box
