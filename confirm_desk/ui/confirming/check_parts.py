"""Pieces of the check dialog's top: the photo with keyboard hints, the findings summary, scroll areas."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QWidget

from confirm_desk.domain.checks import FINDING_LABELS
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.services.confirming.confirmation import CheckState
from confirm_desk.ui.confirming.check_fields import SEVERITY_COLOR
from confirm_desk.ui.widgets.photo_pixmap import pixmap_from_bytes


def photo_and_keys(s: CheckState, mark_all_keys: tuple[str, ...]) -> QWidget:
    """The photo with the keyboard hints beside it."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    photo = QLabel()
    photo.setObjectName("photo")
    photo.setFixedSize(118, 160)
    photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
    photo.setStyleSheet("border:1px solid #999; background:#fafafa;")
    pixmap = pixmap_from_bytes(s.photo_bytes)
    photo.setPixmap(pixmap) if pixmap is not None else photo.setText("无照片")
    row.addWidget(photo)
    keys = QLabel(
        "键盘：Tab / Enter 到下一项；在“一致/不一致”处按 Y 或 1 = 一致，N 或 2 = 不一致；\n"
        f"{' 或 '.join(mark_all_keys)} 把其余未核对字段全部标为一致；Ctrl+S 保存。\n"
        "✎ 表示确认点可修改的字段；修改后须重打申请表并重新签字。"
    )
    keys.setStyleSheet("color:#555;")
    row.addWidget(keys, 1)
    return box


def findings_summary(s: CheckState) -> QLabel:
    """A one-glance summary; each finding is also shown beside its field."""
    if not s.findings:
        text = "<span style='color:#1b7f3b'>自动检查：✓ 未发现问题</span>"
    else:
        text = "自动检查：" + "　".join(
            f"<span style='color:{SEVERITY_COLOR[f.severity]}'>⚠ {FINDING_LABELS.get(f.code, f.message)}"
            f"（{FIELDS_BY_KEY[f.field].label}）</span>"
            for f in s.findings
        )
    label = QLabel(text)
    label.setObjectName("findings_summary")
    label.setWordWrap(True)
    return label


def scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    return area
