"""The check dialog: compare with the originals, edit, materials, conditions, decision; saved at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain import guards
from confirm_desk.domain.actors import ActorLike
from confirm_desk.domain.checks import check_applicant
from confirm_desk.domain.errors import KnownError, StaleRecord
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.statuses import Status
from confirm_desk.services.audit_trail import local_time
from confirm_desk.services.confirming.check_marks import condition_labels, material_labels
from confirm_desk.services.confirming.confirmation import (
    CheckInput,
    CheckState,
    SaveResult,
)
from confirm_desk.ui.confirming.check_fields import FieldsPanel
from confirm_desk.ui.confirming.check_parts import findings_summary, photo_and_keys, scrolled
from confirm_desk.ui.confirming.check_seats import KeptInputBar, SeatBanner, apply_input
from confirm_desk.ui.confirming.check_side import ConditionsBox, DecisionBox, MaterialsBox
from confirm_desk.ui.confirming.scan_panel import make_scan_bar
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import confirming as ops
from confirm_desk.ui.widgets import messages
from confirm_desk.ui.widgets.prompts import ask_text

MARK_ALL_KEYS = ("F9", "Ctrl+Shift+Y")
FIELD_LABELS = {f.key: f.label for f in FIELDS}


class CheckDialog(QDialog):
    """`CheckDialog(store, applicant_id, operator)`; emits `saved(applicant_id)` after each save."""

    saved = Signal(int)

    def __init__(
        self,
        store: Store,
        applicant_id: int,
        operator: ActorLike,
        parent: QWidget | None = None,
        *,
        reopen_reason: str | None = None,
        runner: JobRunner | None = None,
        loaded: tuple[CheckState, list[str]] | None = None,
    ) -> None:
        """`loaded` is `ops.confirming.load_for_check(...)` when the caller read it before opening (the main
        window does, through its runner); without it the dialog reads it itself (synchronously, via ops)."""
        super().__init__(parent)
        self.store, self.applicant_id, self.operator = store, applicant_id, operator
        self.runner = runner or JobRunner(self)
        self.reopen_reason = reopen_reason or ""
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1360, 860)
        self.layout_ = QVBoxLayout(self)
        # Above the rebuilt body: other seats with this applicant open, and a refused save's kept input.
        self.seat_banner = SeatBanner(store, applicant_id, operator, self, runner=self.runner)
        self.kept_bar = KeptInputBar(self)
        self.kept_bar.reapply.connect(self.reapply_kept)
        self.layout_.addWidget(self.seat_banner)
        self.layout_.addWidget(self.kept_bar)
        self.scan_bar = make_scan_bar(self)  # scanning the originals (ui/confirming/scan_panel.py)
        self.layout_.addWidget(self.scan_bar)
        self.finished.connect(lambda _r: self.seat_banner.release())
        self._build(*(loaded or ops.load_for_check(store, applicant_id)))
        if self.state.needs_reopen_reason and not self.reopen_reason:
            self.ask_reopen()
        for keys in MARK_ALL_KEYS:
            QShortcut(QKeySequence(keys), self, self.mark_all_remaining)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    # --- building ----------------------------------------------------------------------------
    def _load(self, then: Callable[[], None] | None = None) -> None:
        """Rebuild the form from what is stored now (after a save, or when another seat saved first)."""
        store, applicant_id = self.store, self.applicant_id

        def loaded(result: tuple[CheckState, list[str]]) -> None:
            self._build(*result)
            if then is not None:
                then()

        self.runner.fetch(lambda: ops.load_for_check(store, applicant_id), loaded)

    def _build(self, state: CheckState, points: list[str]) -> None:
        self.state = state
        old = getattr(self, "body", None)
        if old is not None:  # after a save the whole form is rebuilt from the store
            self.layout_.removeWidget(old)
            old.deleteLater()
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.body)
        s = self.state
        self.setWindowTitle(f"核对与确认 — {s.values['name']}（{s.values['application_no']}）")
        self.header = QLabel()
        self.header.setObjectName("check_header")
        self.header.setWordWrap(True)
        self.fields = FieldsPanel(s, points)
        self.materials = MaterialsBox(s.materials, s.required_materials)
        self.conditions = ConditionsBox(condition_labels(), s.conditions, not s.conditions_saved,
                                        evidence=s.evidence, suggestion=s.suggestion)
        self.decision = DecisionBox(material_labels())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(photo_and_keys(s, MARK_ALL_KEYS))
        left_layout.addWidget(self.fields, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        for box in (self.materials, self.conditions, self.decision):
            right_layout.addWidget(box)
        right_layout.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(scrolled(left))
        splitter.addWidget(scrolled(right))
        splitter.setSizes([800, 520])
        layout.addWidget(self.header)
        layout.addWidget(findings_summary(s))
        layout.addWidget(splitter, 1)
        layout.addLayout(self._buttons())
        for widget in (self.fields, self.materials, self.conditions, self.decision):
            widget.changed.connect(self._update)
        self.materials.changed.connect(self._sync_missing)
        self.decision.group.buttonToggled.connect(lambda _b, _c: self._sync_missing())
        self.initial = self.collect()
        self._apply_mode()
        self.focus_first_compare()

    def focus_first_compare(self) -> None:
        """The first unmarked 一致/不一致 cell takes the keyboard: the clerk's first Y/N/1/2 marks it."""
        rows = list(self.fields.rows.values())
        target = next((r.cell for r in rows if r.cell.value() is None and r.cell.isEnabled()), None)
        if target is None and rows and rows[0].cell.isEnabled():
            target = rows[0].cell
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.status_note = QLabel()
        self.reopen_button = QPushButton("重新打开…")
        self.reopen_button.clicked.connect(self.ask_reopen)
        self.mark_button = QPushButton("其余全部一致 (F9)")
        self.mark_button.clicked.connect(self.mark_all_remaining)
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.save)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        for button in (self.reopen_button, self.mark_button, self.save_button, close):
            button.setAutoDefault(False)  # Enter moves between fields; it never saves by accident
        row.addWidget(self.status_note, 1)
        for button in (self.reopen_button, self.mark_button, self.save_button, close):
            row.addWidget(button)
        return row

    # --- state -------------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        s = self.state
        return not s.status.operable or (s.needs_reopen_reason and not self.reopen_reason)

    def _apply_mode(self) -> None:
        read_only = self.read_only
        self.fields.set_read_only(read_only)
        for widget in (self.materials, self.conditions, self.decision, self.save_button, self.mark_button):
            widget.setEnabled(not read_only)
        self.reopen_button.setVisible(self.state.needs_reopen_reason and not self.reopen_reason)
        self._update()

    def _update(self) -> None:
        s = self.state
        parts = [
            f"<b>{s.values['name']}</b>　报名号 {s.values['application_no']}　"
            f"确认状态：<b>{s.status.label}</b>"
        ]
        if s.decision is not None:
            d = s.decision
            parts.append(
                f"（{d.operator} {local_time(d.decided_at):%Y-%m-%d %H:%M}"
                + (f"，{d.reason}" if d.reason else "")
                + (f"，缺：{'、'.join(d.missing)}" if d.missing else "")
                + "）"
            )
        if s.reprint_needed:
            parts.append("　<span style='color:#b26a00'>需重打申请表</span>")
        if not s.status.operable:
            parts.append(
                "<br><span style='color:#b3261e'>"
                "网报未完成的记录不能进行现场确认，仅供查看。</span>"
            )
        elif self.read_only:
            parts.append(
                "<br><span style='color:#b26a00'>已作出结论；如需修改，请点“重新打开…”并填写原因。</span>"
            )
        elif self.reopen_reason and s.needs_reopen_reason:
            parts.append(f"<br>重新打开原因：{self.reopen_reason}")
        self.header.setText("".join(parts))
        unmarked = len(self.fields.unmarked())
        self.status_note.setText(
            f"未核对字段 {unmarked} 项" + ("　（有未保存的修改）" if self.is_dirty() else "")
        )

    def _sync_missing(self) -> None:
        # 申请材料不全: the missing list follows the unticked materials (the clerk may still adjust it).
        if self.decision.outcome() is Status.INCOMPLETE:
            self.decision.set_missing(self.materials.missing())

    def collect(self) -> CheckInput:
        outcome = self.decision.outcome()
        return CheckInput(
            compares=self.fields.marks(),
            edits=self.fields.edits(),
            materials=self.materials.values(),
            conditions=self.conditions.values(),
            outcome=outcome,
            reason=self.decision.reason.text().strip(),
            missing=self.decision.missing_materials() if outcome is Status.INCOMPLETE else [],
            reopen_reason=self.reopen_reason,
        )

    def is_dirty(self) -> bool:
        return hasattr(self, "initial") and self.collect() != self.initial

    # --- actions -----------------------------------------------------------------------------
    def mark_all_remaining(self) -> None:
        if not self.read_only:
            count = self.fields.mark_remaining_matching()
            self.status_note.setText(f"已把 {count} 个字段标为一致")

    def ask_reopen(self) -> bool:
        reason = ask_text(self, "重新打开", f"该申请人已是“{self.state.status.label}”。重新打开修改的原因：")
        if reason is None:
            return False
        self.reopen_reason = reason
        self._apply_mode()
        return True

    def save(self) -> bool:
        """Save through the runner. False when refused: at once (read-only, a missing reason), or by the store
        when the runner answered before returning (inline); the outcome otherwise arrives in `saved`."""
        if self.read_only:
            messages.show_error(
                self, "当前记录不能修改" if self.state.status.operable else "网报未完成的记录不能进行现场确认"
            )
            return False
        data = self.collect()
        if data.outcome is Status.CONFIRMED:
            override = self._ask_override()
            if override is None:
                self.status_note.setText("未确认：请先处理列出的问题")
                return False
            data = replace(data, override_reason=override)
        if data.outcome is not None and self.state.window_message:
            window = self._ask_window_override()
            if window is None:
                return False
            data = replace(data, window_override=window)
        store, applicant_id, operator, version = self.store, self.applicant_id, self.operator, self.state.version
        self.refused = False
        self.runner.fetch(lambda: ops.save(store, applicant_id, data, operator, version),
                          lambda result: self._saved(data, result), lambda err: self._refused(data, err))
        return not self.refused

    def _saved(self, data: CheckInput, result: SaveResult) -> None:
        self.kept_bar.clear()
        self.scan_bar.after_save(data.compares)
        self.saved.emit(self.applicant_id)
        if data.outcome is not None:
            self.initial = data
            self.accept()
            return
        self.reopen_reason = "" if result.status is Status.PENDING else self.reopen_reason
        self._load(lambda: self._after_save_without_outcome(result.changes, data.reason))

    def _after_save_without_outcome(self, changes: int, reason: str) -> None:
        """The marks are saved; a 原因/说明 is stored only with a conclusion, so the typed text stays in its box
        (unsaved: closing asks) instead of vanishing with the rebuilt form."""
        note = f"已保存（{changes} 项变更）"
        if reason and self.decision.reason.isEnabled():
            self.decision.reason.setText(reason)
            note += "；“原因 / 说明”要选定结论后才随结论保存"
        self.status_note.setText(note)

    def _refused(self, data: CheckInput, err: BaseException) -> None:
        self.refused = True
        if isinstance(err, StaleRecord):
            # Another seat saved first: show what is stored now, keep this clerk's input to put back.
            def reloaded() -> None:
                self.kept_bar.keep(data, err.message)
                self.saved.emit(self.applicant_id)
                messages.show_error(self, self.kept_bar.label.text())

            self._load(reloaded)
        elif isinstance(err, KnownError):
            messages.show_error(self, err.message)
        else:
            messages.show_bug(self, err)

    def reapply_kept(self) -> None:
        if self.kept_bar.kept is not None:
            if self.kept_bar.kept.reopen_reason and self.state.needs_reopen_reason:
                self.reopen_reason = self.kept_bar.kept.reopen_reason
                self._apply_mode()
            apply_input(self, self.kept_bar.kept)
            self.kept_bar.clear()

    def problems(self) -> list[guards.Problem]:
        """What stands in the way of 确认已通过 with the dialog's input as it is now (the same rule the save
        applies in the service)."""
        s, edits = self.state, self.fields.edits()
        values = {**s.values, **edits}
        findings = check_applicant(values, context=s.check_context) if edits else s.findings
        return guards.confirm_problems(
            unmarked=self.fields.unmarked(), materials=self.materials.values(), required=s.required_materials,
            conditions=self.conditions.values(), findings=findings, field_labels=FIELD_LABELS,
            applicant_point=values.get("confirmation_point") or "", this_point=s.this_point,
        )

    def _ask_override(self) -> str | None:
        """Names each problem; confirming anyway needs a typed reason (audited as an override). "" = no problem,
        None = the clerk went back to the form."""
        problems = self.problems()
        if not problems:
            return ""
        question = ("尚有以下问题：\n" + guards.describe(problems)
                    + "\n\n如确需“确认已通过”，请填写越过检查的原因（记入审计记录）；取消则返回修改。")
        reason = ask_text(self, "不能直接确认已通过", question)
        while reason is not None and (refusal := guards.override_reason_refusal(reason)):
            messages.show_error(self, refusal)
            reason = ask_text(self, "不能直接确认已通过", question, reason)  # the typed text kept to add to
        return reason

    def _ask_window_override(self) -> str | None:
        """CAL-1: outside the 确认 window only an administrator decides, with a reason (None: not now)."""
        if getattr(self.operator, "role", "") != "admin":
            messages.show_error(self, self.state.window_message + "。请管理员登录后作出结论，或先只保存核对。")
            return None
        return ask_text(self, "确认时间以外", self.state.window_message + "。\n请填写原因（记入审计）：")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(
            self.focusWidget(), QPushButton
        ):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        if self.is_dirty() and not messages.ask(self, "有未保存的修改。关闭并放弃这些修改吗？"):
            return
        self.initial = self.collect()  # asked once; closeEvent must not ask again
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty() and not messages.ask(self, "有未保存的修改。关闭并放弃这些修改吗？"):
            event.ignore()
            return
        super().closeEvent(event)
