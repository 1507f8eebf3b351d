"""The check dialog among several seats: who else has the applicant open, and a save that came second."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from confirm_desk.domain.actors import ActorLike
from confirm_desk.services.audit_trail import local_time
from confirm_desk.services.confirming import seats
from confirm_desk.services.confirming.confirmation import CheckInput
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import confirming as ops

log = logging.getLogger(__name__)
WARN_STYLE = "background:#fff4ce; color:#5c4400; padding:4px 8px; border:1px solid #e0c060;"


class SeatBanner(QLabel):
    """Claims the applicant for this seat, renews the claim while shown, names the other seats that
    have it open, and releases it with `release()` (the dialog calls it when it closes)."""

    def __init__(
        self, store: Store, applicant_id: int, operator: ActorLike, parent: QWidget | None = None,
        *, renew_seconds: int = seats.RENEW_SECONDS, runner: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.applicant_id, self.operator = store, applicant_id, operator
        self.runner = runner or JobRunner(self)
        self.setObjectName("seat_banner")
        self.setWordWrap(True)
        self.setStyleSheet(WARN_STYLE)
        self.others: list[seats.Holder] = []
        self.timer = QTimer(self)
        self.timer.setInterval(renew_seconds * 1000)
        self.timer.timeout.connect(self.renew)
        self.renew()
        self.timer.start()

    def renew(self) -> None:
        store, applicant_id, operator = self.store, self.applicant_id, self.operator
        self.runner.fetch(lambda: ops.claim_seat(store, applicant_id, operator), self._claimed)

    def _claimed(self, others: list[seats.Holder] | None) -> None:
        if others is not None:  # None: not renewed this time (logged); the banner stays as it was
            self.others = others
            self._show()

    def _show(self) -> None:
        if not self.others:
            self.hide()
            return
        names = "、".join(
            f"{h.operator}（{h.host}，{local_time(h.claimed_at):%H:%M} 起）" for h in self.others
        )
        self.setText(f"⚠ {names} 也打开了这位申请人。请先商量，避免重复核对；后保存的一方会被拒绝。")
        self.show()

    def release(self) -> None:
        self.timer.stop()
        store, applicant_id, operator = self.store, self.applicant_id, self.operator
        # Not this banner's runner: the dialog is closing, and the release must happen after it is gone.
        JobRunner(None, synchronous=self.runner.synchronous).fetch(
            lambda: ops.release_seat(store, applicant_id, operator), lambda _r: None)


class KeptInputBar(QWidget):
    """After a refused save: says who got there first and offers to put back what this clerk typed."""

    reapply = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kept_input_bar")
        self.kept: CheckInput | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet(WARN_STYLE)
        self.button = QPushButton("重新填入我的填写")
        self.button.setObjectName("reapply")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.reapply)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()

    def keep(self, data: CheckInput, message: str) -> None:
        self.kept = data
        self.label.setText(f"{message}已载入最新内容；你刚才的填写已保留，可点右侧按钮填回后核对再保存。")
        self.show()

    def clear(self) -> None:
        self.kept = None
        self.hide()


def apply_input(dialog, data: CheckInput) -> None:
    """Puts a CheckInput back into the dialog's widgets (the clerk's own typing after a reload)."""
    for key, mark in data.compares.items():
        if (row := dialog.fields.rows.get(key)) is not None:
            row.cell.set_value(mark.matches)
            row.original.setText(mark.original)
    for key, value in data.edits.items():
        editor = getattr(dialog.fields.rows.get(key), "editor", None)
        if isinstance(editor, QComboBox):
            editor.setCurrentText(value)
        elif isinstance(editor, QLineEdit):
            editor.setText(value)
    for label, present in data.materials.items():
        if (box := dialog.materials.boxes.get(label)) is not None:
            box.setChecked(present)
    for number, condition in enumerate(data.conditions or [], start=1):
        dialog.conditions.set_mark(number, condition.met, condition.reason)
    dialog.decision.set_outcome(data.outcome)
    dialog.decision.reason.setText(data.reason)
    dialog.decision.set_missing(data.missing)
