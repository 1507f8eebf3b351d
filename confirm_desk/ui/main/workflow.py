"""What the main window's menus do: open an applicant, print, photos, import, the later steps of the day
(batches, conflicts, roster and statistics, staff list and coverage, follow-up, day pack), preferences and
help. A controller the window owns; it opens dialogs over `host` and reads the selection from the list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.applicant_list import ApplicantListPanel

if TYPE_CHECKING:  # the window is built before SQLAlchemy is loaded: what needs it is imported when used
    from confirm_desk.services.accounts import Account
    from confirm_desk.services.confirming.confirmation import CheckState
    from confirm_desk.services.importing.applicants import ImportResult
    from confirm_desk.services.photos.intake import PhotoImportResult
    from confirm_desk.ui.ops import Store
    from confirm_desk.ui.ops.settings import PreferencesStore

RealWork = Callable[["Workflow"], None]
PHOTO_LINES_SHOWN = 25  # of a photos-only import's report in its message box (the rest: `photos import` in a shell)


def _save_path(host: QWidget, title: str, default: str) -> str:
    """An .xlsx to write, chosen by the clerk ("" when cancelled). QFileDialog and the message boxes load when
    first used: the window's first paint does without them."""
    from confirm_desk.ui.widgets.file_dialogs import ask_save

    path, _ = ask_save(host, title, default, "Excel (*.xlsx)")
    return path


def _show_info(host: QWidget, text: str) -> None:
    from confirm_desk.ui.widgets.messages import show_info

    show_info(host, text)


class Workflow(QObject):
    """`Workflow(store, account, runner, host, applicants, preferences, home=…, in_real_store=…)`. `store`
    holds the applicants shown, `home` the real store (accounts, preferences, backups; the same one outside
    demo mode). Real data (an import, a staff list, evidence) goes through `in_real_store(work)`: the window
    leaves the demo first and calls `work` with the real store's workflow. Emits `saved(applicant_id)` after a
    check-dialog save and `message(text, ms)` for the status bar; `open_dialogs` holds what is open."""

    saved = Signal(int)
    message = Signal(str, int)
    printed = Signal(int)  # prints recorded (how many applicants): the dashboard's 待打印 follows

    def __init__(self, store: Store, account: Account | None, runner: JobRunner, host: QWidget,
                 applicants: ApplicantListPanel, preferences: PreferencesStore, *, home: Store | None = None,
                 in_real_store: Callable[[RealWork], None] | None = None) -> None:
        super().__init__(host)
        self.store, self.account, self.runner = store, account, runner
        self.home = home or store
        self.in_demo = self.home is not store
        self.operator = account.username if account else ""
        self.host, self.applicants, self.preferences = host, applicants, preferences
        self.in_real_store: Callable[[RealWork], None] = in_real_store or (lambda work: work(self))
        self.open_dialogs: list[QWidget] = []

    def show_dialog(self, dialog: QDialog) -> None:
        """Open without blocking (tests drive open dialogs); keep a reference until it closes."""
        self.open_dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.open_dialogs.remove(d) if d in self.open_dialogs else None)
        dialog.open()

    def _need_current(self) -> int | None:
        applicant_id = self.applicants.current_id()
        if applicant_id is None:
            self.message.emit("请先在列表中选择申请人", 3000)
        return applicant_id

    # --- one applicant -----------------------------------------------------------------------
    def open_applicant(self, applicant_id: int) -> None:
        """The confirmer's work: the check dialog (read-only detail when nobody is logged in)."""
        if self.account is None:
            self.show_detail(applicant_id)
            return
        from confirm_desk.ui.confirming.check_dialog import CheckDialog

        store, account = self.store, self.account

        def loaded(state: tuple[CheckState, list[str]]) -> None:  # read before the dialog opens
            dialog = CheckDialog(store, applicant_id, account, self.host, runner=self.runner, loaded=state)
            dialog.saved.connect(self.saved.emit)
            self.show_dialog(dialog)

        self.runner.fetch(lambda: _confirming_ops().load_for_check(store, applicant_id), loaded)

    def open_selected(self) -> None:
        applicant_id = self.applicants.current_id()
        if applicant_id is not None:
            self.open_applicant(applicant_id)

    def show_detail(self, applicant_id: int) -> None:
        from confirm_desk.ui.confirming.detail_dialog import DetailDialog

        store = self.store
        self.runner.fetch(lambda: _confirming_ops().load_detail(store, applicant_id),
                          lambda detail: self.show_dialog(DetailDialog(detail, self.host)))

    def show_detail_of_selected(self) -> None:
        applicant_id = self.applicants.current_id()
        if applicant_id is not None:
            self.show_detail(applicant_id)

    def show_audit(self) -> None:
        from confirm_desk.ui.audit.view import AuditView

        self.show_dialog(AuditView(self.store, self.applicants.current_id(), self.host, operator=self.operator,
                                   runner=self.runner))

    def manage_users(self) -> None:
        if not (self.account and self.account.is_admin):
            return
        from confirm_desk.ui.accounts.user_admin_dialog import UserAdminDialog

        self.show_dialog(UserAdminDialog(self.home, self.account, self.host, runner=self.runner))

    # --- printing ------------------------------------------------------------------------------
    def print_selected(self, kind: str) -> None:
        ids = self.applicants.selected_ids()
        if not ids:
            self.message.emit("请先在列表中选择申请人（可多选）", 3000)
            return
        from confirm_desk.ui.printing import print_ops

        print_ops.print_applicants(self.host, self.store, ids, kind, self.operator, self.runner,
                                   on_recorded=self._printed, on_preview=self.open_dialogs.append)

    def print_unprinted(self, kind: str) -> None:
        from confirm_desk.ui.printing import print_ops

        print_ops.print_all_unprinted(self.host, self.store, kind, self.operator, self.runner,
                                      on_recorded=self._printed, on_preview=self.open_dialogs.append)

    def _printed(self, count: int) -> None:
        self.applicants.refresh()
        self.printed.emit(count)

    def print_list(self, kind: str) -> None:
        """公示名单 or 材料交接清单 of everyone decided."""
        from confirm_desk.ui.printing import print_ops

        print_ops.print_list(self.host, self.store, kind, self.operator, self.runner,
                             on_preview=self.open_dialogs.append)

    def print_cards(self) -> None:
        """网报填写卡: one page per teacher of the staff list, or of one school (before online filing opens)."""
        from confirm_desk.ui.printing.cards_dialog import CardsDialog

        self.show_dialog(CardsDialog(self.store, self.runner, self.host, on_preview=self.open_dialogs.append))

    # --- photos ----------------------------------------------------------------------------------
    def crop_photo(self) -> None:
        applicant_id = self._need_current()
        if applicant_id is None:
            return
        from confirm_desk.ui.photos.crop_dialog import PhotoCropDialog

        dialog = PhotoCropDialog(self.store, applicant_id, self.operator, self.host)
        dialog.accepted.connect(lambda: self.applicants.model.invalidate(applicant_id))
        self.show_dialog(dialog)

    def review_photos(self) -> None:
        from confirm_desk.ui.photos.review import PhotoReviewDialog

        dialog = PhotoReviewDialog(self.store, operator=self.operator, parent=self.host, runner=self.runner)
        dialog.finished.connect(lambda _r: self.applicants.refresh())
        self.show_dialog(dialog)

    def prepare_staff_photos(self) -> None:
        """网报前照片批处理: a folder of staff photos -> 114×156 <身份证号码>.jpg (nothing in the store changes)."""
        from confirm_desk.ui.photos.readiness_dialog import ReadinessDialog

        self.show_dialog(ReadinessDialog(self.store, self.runner, self.host))

    def normalize(self, applicant_ids: list[int] | None) -> None:
        if applicant_ids is not None and not applicant_ids:
            self.message.emit("请先在列表中选择申请人", 3000)
            return
        question = "把所有尚未规范的照片按默认裁剪方式规范为 114×156？\n已规范（含手工裁剪）的照片保持不变。"
        from confirm_desk.ui.widgets.messages import ask

        if applicant_ids is None and not ask(self.host, question):
            return
        from confirm_desk.ui.photos.batch import normalize_photos

        normalize_photos(self.host, self.store, applicant_ids, self.operator, self.runner,
                         on_done=lambda _r: self.applicants.refresh())

    # --- import ------------------------------------------------------------------------------------
    def import_applicants(self) -> None:
        from confirm_desk.ui.importing.import_dialog import ImportDialog

        dialog = ImportDialog(self.host)
        dialog.accepted.connect(lambda: self._import_chosen(*dialog.paths(), sheet=dialog.sheet()))
        self.show_dialog(dialog)

    def _import_chosen(self, file: Path | None, photos: Path | None, sheet: str | None) -> None:
        if file is not None:
            self.run_import(file, photos, sheet=sheet)
        elif photos is not None:
            self.attach_photos(photos)

    def attach_photos(self, photos: Path) -> None:
        """Photos alone, for the applicants already in the store; what was attached and what was not is shown.
        Not in the demo: its applicants are made up (no photo is theirs) and the real store has none yet."""
        from confirm_desk.ui.ops import importing as import_ops
        from confirm_desk.ui.widgets.messages import show_error, show_info

        if self.in_demo:
            show_error(self.host, "演示数据中不能单独导入照片：演示申请人是虚构的，照片不会属于他们。\n"
                                  "请先导入正式名单（文件 → 导入申请人…，可同时选择照片），以后再单独补充照片。")
            return

        def done(result: PhotoImportResult) -> None:
            self.applicants.refresh()
            lines = result.summary_lines()
            more = len(lines) - PHOTO_LINES_SHOWN
            show_info(self.host, "\n".join(lines[:PHOTO_LINES_SHOWN]) + (f"\n……另有 {more} 条" if more > 0 else ""))

        self.runner.run(f"正在导入照片 {photos.name}", import_ops.photos_job(self.store, photos, self.operator), done)

    def run_import(self, file: Path, photos: Path | None = None, manual: dict[str, str] | None = None,
                   sheet: str | None = None) -> None:
        """Import into the real store (`home`). From the demo, the window leaves the demo only once the import
        is in: a refused file (an import is all-or-nothing) leaves the clerk in the demo, as before."""
        from confirm_desk.ui.importing.mapping_dialog import ask_mapping
        from confirm_desk.ui.ops import importing as import_ops

        def failed(exc: BaseException) -> None:  # the mapping step, then the same import again
            if not ask_mapping(self.host, exc, lambda chosen: self.run_import(file, photos, chosen, sheet)):
                self.runner.show_failure(exc)

        def done(result: ImportResult) -> None:  # from the demo, shown once the window is the real store's
            self.in_real_store(lambda flow: flow.show_import_result(result))

        self.runner.run(f"正在导入 {file.name}",
                        import_ops.import_job(self.home, file, photos, self.operator, manual, sheet), done, failed)

    def show_import_result(self, result: ImportResult) -> None:
        from confirm_desk.ui.importing.result_dialog import ImportResultDialog

        self.applicants.reload()
        self.message.emit(result.summary_zh(), 10000)
        self.show_dialog(ImportResultDialog(result, self.host))
        if result.conflicts and self.account is not None:
            self.review_conflicts()  # local work kept: the clerk decides field by field
        if any(result.national.values()):
            from confirm_desk.ui.keying.menu import show_national

            show_national(self)  # the newer export disagrees with the desk: never silently

    # --- the later steps of the day ------------------------------------------------------------------
    def export_batch(self) -> None:
        from confirm_desk.ui.batches.export_dialog import BatchExportDialog

        dialog = BatchExportDialog(self.store, self.account, runner=self.runner, parent=self.host)
        dialog.exported.connect(lambda _n: self.applicants.reload())
        self.show_dialog(dialog)

    def review_conflicts(self) -> None:
        from confirm_desk.ui.importing.conflict_dialog import ConflictReviewDialog

        dialog = ConflictReviewDialog(self.store, self.account, parent=self.host, runner=self.runner)
        dialog.resolved.connect(self._invalidate_all)
        self.show_dialog(dialog)

    def _invalidate_all(self, ids: list[int]) -> None:
        for applicant_id in ids:
            self.applicants.model.invalidate(applicant_id)

    def export_sheet(self, kind: str) -> None:
        """花名册 (roster) or 统计表 (stats) to an .xlsx the clerk chooses, written off the GUI thread."""
        title, default = {"roster": ("导出花名册", "花名册.xlsx"), "stats": ("导出统计表", "统计表.xlsx")}[kind]
        path = _save_path(self.host, title, default)
        if path:
            self.write_sheet(kind, Path(path))

    def write_sheet(self, kind: str, path: Path) -> None:
        from confirm_desk.ui.ops import batches as ops

        self.runner.run("正在导出…", ops.sheet_job(self.store, kind, path),
                        lambda _r: _show_info(self.host, f"已导出到 {path}"))

    def export_county_sheet(self, kind: str) -> None:
        """附件1 持证情况汇总表 (summary) or 附件4 初审花名册 (county_roster), written off the GUI thread."""
        title, default = {"summary": ("导出持证情况汇总表（附件1）", "附件1 持证情况汇总表.xlsx"),
                          "county_roster": ("导出初审花名册（附件4）", "附件4 初审花名册.xlsx")}[kind]
        path = _save_path(self.host, title, default)
        if path:
            self.write_county_sheet(kind, Path(path))

    def write_county_sheet(self, kind: str, path: Path) -> None:
        from confirm_desk.services.reports.county import SheetResult
        from confirm_desk.ui.ops.papers import county_sheet_job

        def done(result: SheetResult) -> None:
            who = "名教师" if kind == "summary" else "名申请人"
            _show_info(self.host, f"已导出 {result.people} {who}（{result.schools} 所学校）到 {path}")

        self.runner.run("正在导出…", county_sheet_job(self.store, kind, path, self.operator), done)

    def import_staff(self) -> None:
        from confirm_desk.ui.coverage.staff_import_dialog import StaffImportDialog

        self.show_dialog(StaffImportDialog(self.store, self.operator, self.runner, self.host))

    def import_evidence(self) -> None:
        from confirm_desk.ui.evidence.import_dialog import EvidenceImportDialog

        self.show_dialog(EvidenceImportDialog(self.store, self.operator, self.runner, self.host,
                                              imported=lambda _r: self.applicants.reload()))

    def show_coverage(self) -> None:
        from confirm_desk.ui.coverage.view import CoverageView

        self.show_dialog(CoverageView(self.store, self.host, open_applicant=self.open_applicant,
                                      operator=self.operator, runner=self.runner))

    def show_follow_up(self) -> None:
        from confirm_desk.ui.confirming.follow_up_view import FollowUpView

        self.show_dialog(FollowUpView(self.store, self.account, self.runner, self.host,
                                      open_applicant=self.open_applicant))

    def export_day(self) -> None:
        from confirm_desk.ui.batches.day_pack import export_day_pack

        export_day_pack(self.host, self.store, self.operator, self.runner)

    # --- backup and restore ---------------------------------------------------------------------------
    def backup_data(self, out: str | Path | None = None) -> None:
        from confirm_desk.ui.backup.actions import backup_now

        folder = str(self.preferences.value("backup_folder") or "")
        backup_now(self.host, self.home, self.account, self.runner, folder, Path(out) if out else None)

    def restore_data(self, path: str | Path | None = None) -> None:
        from confirm_desk.ui.backup.actions import restore_from

        restore_from(self.host, self.home, self.account, self.runner, Path(path) if path else None,
                     on_restored=self.applicants.reload)

    # --- preferences and help ------------------------------------------------------------------------
    def edit_preferences(self) -> None:
        from confirm_desk.ui.settings.preferences_dialog import PreferencesDialog

        self.show_dialog(PreferencesDialog(self.preferences, self.account, self.host))

    def show_help(self) -> None:
        from confirm_desk.ui.settings.help_dialog import HelpDialog

        self.show_dialog(HelpDialog(self.host))

    def show_about(self) -> None:
        from confirm_desk.ui.settings.help_dialog import AboutDialog

        self.show_dialog(AboutDialog(self.host))


def _confirming_ops():
    from confirm_desk.ui.ops import confirming

    return confirming
