"""照片审核: every applicant's photo in one grid with its problems; crop one, auto-crop all, print a sheet."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.photos.review import ReviewItem
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops.photos import (
    auto_crop_job,
    choose_preset,
    contact_sheet_job,
    load_review,
    load_review_photos,
    presets_and_active,
)
from confirm_desk.ui.photos.review_model import FILTERS, ItemRole, PhotoReviewModel, ReviewFilter
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import show_info

FILTER_LABELS = {"all": "全部", "problems": "只看有问题的", "no_photo": "无照片"}
HELP = "方向键 选择　Enter 裁剪所选照片　鼠标停留 查看问题"


class ReviewGrid(QListView):
    """The grid keeps Enter: QListView passes it on after `activated`, and QDialog would then press a
    default button of any child dialog (the crop dialog's 保存) — so it is consumed here."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentIndex().isValid():
                self.activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class PhotoReviewDialog(QDialog):
    def __init__(self, store: Store, operator: str = "", parent: QWidget | None = None,
                 runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store, self.operator = store, operator
        self.runner = runner or JobRunner(self)
        self.crop_dialog: QDialog | None = None
        self.setWindowTitle("照片审核")
        self.resize(1100, 760)

        self.model = PhotoReviewModel(lambda ids: load_review_photos(store, ids), self)
        self.proxy = ReviewFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = ReviewGrid()
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setModel(self.proxy)
        self.view.setIconSize(QSize(114, 156))
        self.view.setGridSize(QSize(140, 204))
        self.view.setUniformItemSizes(True)  # thousands of items: no per-item size queries
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(200)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setWordWrap(True)
        self.view.setAccessibleName("照片网格")
        self.view.activated.connect(self.open_crop)
        self.view.selectionModel().currentChanged.connect(self._show_current)

        self.filter_box = QComboBox()
        for key in FILTERS:
            self.filter_box.addItem(FILTER_LABELS[key], key)
        self.filter_box.currentIndexChanged.connect(lambda _i: self.set_filter(self.filter_box.currentData()))
        self.preset_box = QComboBox()
        self.preset_box.setToolTip("按哪种照片规格检查（背景色、文件大小）；各点共用")
        presets, active = presets_and_active(store)
        for p in presets:
            self.preset_box.addItem(p.name, p.key)
        self.preset_box.setCurrentIndex(self.preset_box.findData(active.key))
        self.preset_box.currentIndexChanged.connect(
            lambda _i: choose_preset(store, self.preset_box.currentData()))
        self.count = QLabel()
        self.auto_button = QPushButton("自动裁剪全部")
        self.auto_button.setToolTip("把尚未规范的照片全部按人脸居中裁剪为 114×156（已手动裁剪的保留）")
        self.crop_button = QPushButton("裁剪所选（Enter）")
        self.sheet_button = QPushButton("打印核对表…")
        for button in (self.auto_button, self.crop_button, self.sheet_button):
            button.setAutoDefault(False)  # Enter belongs to the grid (it opens the crop dialog)
        self.auto_button.clicked.connect(self.auto_crop_all)
        self.crop_button.clicked.connect(lambda: self.open_crop(self.view.currentIndex()))
        self.sheet_button.clicked.connect(lambda: self.print_sheet())
        self.details = QLabel(HELP)
        self.details.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("显示："))
        bar.addWidget(self.filter_box)
        bar.addWidget(QLabel("规格："))
        bar.addWidget(self.preset_box)
        bar.addWidget(self.count, 1)
        bar.addWidget(self.crop_button)
        bar.addWidget(self.auto_button)
        bar.addWidget(self.sheet_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        self.reload()
        self.view.setFocus()

    # --- data -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read every applicant's state again (after a crop or a batch) and keep the selection."""
        current = self.current_item()
        self.model.set_items(load_review(self.store))
        self._update_count()
        if current is not None:
            self.select(current.applicant_id)
        elif self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def _update_count(self) -> None:
        items = self.model.items
        problems = sum(1 for i in items if i.has_problem)
        missing = sum(1 for i in items if not i.has_photo)
        self.count.setText(f"共 {len(items)} 人，显示 {self.proxy.rowCount()} 人；有问题 {problems} 人，"
                           f"无照片 {missing} 人")

    def set_filter(self, mode: str) -> None:
        self.proxy.set_mode(mode)
        if self.filter_box.currentData() != mode:
            self.filter_box.setCurrentIndex(self.filter_box.findData(mode))
        self._update_count()
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def visible_items(self) -> list[ReviewItem]:
        return [self.proxy.index(r, 0).data(ItemRole) for r in range(self.proxy.rowCount())]

    def current_item(self) -> ReviewItem | None:
        index = self.view.currentIndex()
        return index.data(ItemRole) if index.isValid() else None

    def select(self, applicant_id: int) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            if index.data(ItemRole).applicant_id == applicant_id:
                self.view.setCurrentIndex(index)
                return True
        return False

    def _show_current(self, index: QModelIndex, _previous: QModelIndex) -> None:
        item: ReviewItem | None = index.data(ItemRole) if index.isValid() else None
        if item is None:
            self.details.setText(HELP)
            return
        problems = "；".join(item.messages) or ("尚未规范" if item.state == "original" else "没有发现问题")
        if not item.has_photo:
            problems = "没有照片：请导入照片"
        self.details.setText(f"{item.name}（{item.application_no}）：{problems}\n{HELP}")

    # --- actions --------------------------------------------------------------------------
    def open_crop(self, index: QModelIndex | None = None) -> None:
        """Enter / double-click: the crop dialog for that applicant; the grid refreshes when it closes."""
        from confirm_desk.ui.photos.crop_dialog import PhotoCropDialog

        item = index.data(ItemRole) if index is not None and index.isValid() else None
        if item is None:
            return
        if not item.has_photo:
            show_info(self, f"{item.name}（{item.application_no}）还没有照片，请先导入照片。")
            return
        self.crop_dialog = PhotoCropDialog(self.store, item.applicant_id, self.operator, self)
        self.crop_dialog.finished.connect(lambda _r: self.reload())
        self.crop_dialog.open()

    def auto_crop_all(self) -> None:
        def done(result) -> None:
            self.reload()
            self.set_filter("problems")  # what is left for a person
            show_info(self, result.summary_zh() + "。\n网格已只显示仍需人工处理的照片。")

        self.runner.run("正在自动裁剪照片", auto_crop_job(self.store, self.operator), done)

    def print_sheet(self, path: str | None = None, only_problems: bool | None = None) -> None:
        """The contact sheet as a PDF (what the grid shows: everyone, or only those with problems)."""
        if only_problems is None:
            only_problems = self.proxy.mode != "all"
        if path is None:
            path, _ = ask_save(self, "保存照片核对表", "照片核对表.pdf", "PDF (*.pdf)")
            if not path:
                return
        self.runner.run("正在生成照片核对表", contact_sheet_job(self.store, path, only_problems),
                        lambda r: show_info(self, f"已生成 {path}：{r.people} 人，{r.pages} 页。"))
