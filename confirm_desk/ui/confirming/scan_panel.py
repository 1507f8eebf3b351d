"""The check dialog's scan bar: capture an original (watched folder, drag and drop, paste, file picker, camera),
read it offline in a worker, and fill the compare marks — 一致 marked, 不一致 highlighted with the value read
put into 原件显示. The clerk still decides; marks a scan set are audited with their confidence on save."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.decisions import CompareMark
from confirm_desk.services.scanning.compare import DIFFERS, MATCH, RESULT_LABELS, FieldComparison
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import scanning as ops
from confirm_desk.ui.widgets import messages
from confirm_desk.ui.widgets.file_dialogs import ask_open, ask_save

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
DIFFERS_STYLE = "background:#fdecea; border:1px solid #b3261e;"
SETTLE_MS = 600  # a document camera writes its file over a moment: read it once its size stops changing


class ScanBar(QWidget):
    """`ScanBar(dialog)`; `outcome` (ScanOutcome) after each picture is read and kept."""

    outcome = Signal(object)

    def __init__(self, dialog, folder: str = "", camera: int = -1, runner: JobRunner | None = None) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.runner = runner or JobRunner(self)
        self.camera = camera
        self.applied: dict[str, FieldComparison] = {}  # marks set by a scan and not yet saved
        self.setObjectName("scan_bar")
        self.setAcceptDrops(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        title = QLabel("扫描原件：")
        title.setToolTip("教师资格证书、居民身份证（正面）：拖入图片、粘贴、选择文件，或高拍仪保存到监视文件夹")
        self.pick_button = QPushButton("选择图像…")
        self.pick_button.clicked.connect(self.pick_file)
        self.paste_button = QPushButton("粘贴图像")
        self.paste_button.setToolTip("Ctrl+Shift+V")
        self.paste_button.clicked.connect(self.paste)
        QShortcut(QKeySequence("Ctrl+Shift+V"), dialog, self.paste)
        self.camera_button = QPushButton("拍照")
        self.camera_button.setVisible(camera >= 0)
        self.camera_button.clicked.connect(self.capture_camera)
        self.status = QLabel("拖入或粘贴证件图像，自动识别比对")
        self.status.setObjectName("scan_status")
        self.kept = QComboBox()
        self.kept.setObjectName("scan_images")
        self.kept.setMinimumWidth(160)
        self.view_button = QPushButton("查看")
        self.view_button.clicked.connect(self.view_selected)
        self.print_button = QPushButton("打印留证…")
        self.print_button.clicked.connect(self.print_evidence)
        for widget in (title, self.pick_button, self.paste_button, self.camera_button):
            row.addWidget(widget)
        row.addWidget(self.status, 1)
        for tail in (self.kept, self.view_button, self.print_button):
            row.addWidget(tail)
        for button in (self.pick_button, self.paste_button, self.camera_button, self.view_button,
                       self.print_button):
            button.setAutoDefault(False)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._folder_changed)
        self.folder: Path | None = None
        self._seen: set[str] = set()
        self._sizes: dict[str, int] = {}
        self.watch(folder)
        self.refresh()

    # --- where pictures come from --------------------------------------------------------------------
    def watch(self, folder: str) -> None:
        """Reads every new picture saved into `folder` (the document camera's own software saves there)."""
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        self.folder = Path(folder) if folder else None
        if self.folder is None or not self.folder.is_dir():
            self.folder = None
            return
        self._seen = {p.name for p in self.folder.iterdir()}  # what was there before this dialog opened
        self.watcher.addPath(str(self.folder))

    def _folder_changed(self, _path: str) -> None:
        if self.folder is None:
            return
        for path in sorted(self.folder.iterdir()):
            if path.name not in self._seen and path.suffix.lower() in IMAGE_SUFFIXES and path.is_file():
                self._sizes[path.name] = -1
        if self._sizes:
            QTimer.singleShot(SETTLE_MS, self._settled)

    def _settled(self) -> None:
        if self.folder is None:
            return
        for name, before in list(self._sizes.items()):
            path = self.folder / name
            try:
                size = path.stat().st_size
            except OSError:
                del self._sizes[name]
                continue
            if size and size == before:
                del self._sizes[name]
                self._seen.add(name)
                self.read_file(path)
            else:
                self._sizes[name] = size
        if self._sizes:
            QTimer.singleShot(SETTLE_MS, self._settled)

    def pick_file(self) -> None:
        path, _ = ask_open(self, "选择证件图像", "", "图像 (*.jpg *.jpeg *.png *.bmp *.tif *.tiff)")
        if path:
            self.read_file(Path(path))

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None and mime.hasUrls():
            files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
            for path in files:
                self.read_file(path)
            if files:
                return
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            messages.show_error(self.dialog, "剪贴板中没有图像。")
            return
        self.read_bytes(_jpeg_of(image), "剪贴板图像.jpg")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasImage() or any(Path(u.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES for u in mime.urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        files = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        for path in files:
            self.read_file(path)
        if not files and mime.hasImage():
            self.read_bytes(_jpeg_of(QImage(mime.imageData())), "拖入图像.jpg")
        event.acceptProposedAction()

    def capture_camera(self) -> None:
        device = self.camera

        def work(_progress) -> bytes:
            return grab_frame(device)

        self.status.setText("正在拍照…")
        self.runner.run("拍照", work, lambda data: self.read_bytes(data, f"摄像头{device}.jpg"), self._failed)

    # --- reading ------------------------------------------------------------------------------------
    def read_file(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            messages.show_error(self.dialog, f"无法读取图像文件：{path}（{exc.strerror or exc}）")
            return
        self.read_bytes(data, path.name)

    def read_bytes(self, data: bytes, name: str) -> None:
        d = self.dialog
        values = {key: row.current_value() for key, row in d.fields.rows.items()}
        operator = getattr(d.operator, "username", d.operator) or ""
        self.status.setText(f"正在识别 {name}…")
        job = ops.scan_job(d.store, d.applicant_id, data, name, values, operator)
        self.runner.run("识别证件", job, self._done, self._failed)

    def _failed(self, exc: BaseException) -> None:
        from confirm_desk.domain.errors import KnownError

        self.refresh()
        if isinstance(exc, KnownError):
            self.status.setText("未能识别：" + exc.message[:40])
            messages.show_error(self.dialog, exc.message)
        else:
            self.status.setText("识别出错")
            messages.show_bug(self.dialog, exc)

    def _done(self, outcome: ops.ScanOutcome) -> None:
        counts = {MATCH: 0, DIFFERS: 0, "unread": 0}
        for c in outcome.results.values():
            counts[c.result] += 1
        applied = 0 if self.dialog.read_only else self.apply(outcome.results)
        self.status.setText(
            f"{outcome.reading.kind.label}：一致 {counts[MATCH]}，不一致 {counts[DIFFERS]}，未读出 {counts['unread']}"
            + (f"；已标记 {applied} 项，请核对" if applied else "")
        )
        self.refresh(select=outcome.scan_id)
        self.outcome.emit(outcome)

    def apply(self, results: dict[str, FieldComparison]) -> int:
        """Marks on the fields nobody has marked yet; a mark the clerk set is never changed."""
        rows = self.dialog.fields.rows
        count = 0
        for key, c in results.items():
            row = rows.get(key)
            if row is None or c.result not in (MATCH, DIFFERS) or row.cell.value() is not None:
                continue
            tip = f"扫描{RESULT_LABELS[c.result]}：读出“{c.scanned}”，置信度 {c.confidence:.2f}"
            row.cell.set_value(c.result == MATCH)
            row.cell.setToolTip(tip)
            if c.result == DIFFERS:
                row.original.setText(c.scanned)
                row.original.setStyleSheet(DIFFERS_STYLE)
                row.original.setToolTip(tip + "。请对照原件确认或改正")
            self.applied[key] = c
            count += 1
        return count

    def after_save(self, compares: dict[str, CompareMark]) -> None:
        """The dialog saved: audit which saved marks a scan set (the clerk kept them as the scan left them)."""
        used = {k: c for k, c in self.applied.items()
                if k in compares and compares[k].matches == (c.result == MATCH)}
        self.applied = {}
        d = self.dialog
        try:
            ops.record_scan_marks(d.store, d.applicant_id, getattr(d.operator, "username", d.operator) or "", used)
        except Exception:  # the save itself succeeded; the extra audit line must not undo the clerk's work
            log.exception("recording scan marks failed")

    # --- kept pictures ------------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        scans = ops.list_scans(self.dialog.store, self.dialog.applicant_id)
        self.kept.clear()
        for scan in scans:
            self.kept.addItem(f"#{scan.id} {scan.kind_label} {scan.captured_at:%m-%d %H:%M}", scan.id)
        if select is not None:
            self.kept.setCurrentIndex(max(0, self.kept.findData(select)))
        has = bool(scans)
        self.kept.setPlaceholderText("无留证图像")
        for widget in (self.view_button, self.print_button):
            widget.setEnabled(has)

    def view_selected(self) -> None:
        scan_id = self.kept.currentData()
        if scan_id is None:
            return
        pixmap = QPixmap()
        pixmap.loadFromData(ops.scan_image(self.dialog.store, int(scan_id)))
        viewer = QDialog(self.dialog)
        viewer.setWindowTitle(self.kept.currentText())
        label = QLabel()
        label.setPixmap(pixmap.scaled(1100, 640, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation))
        area = QScrollArea()
        area.setWidget(label)
        QVBoxLayout(viewer).addWidget(area)
        viewer.resize(1140, 700)
        viewer.open()

    def print_evidence(self, path: str | None = None) -> None:
        d = self.dialog
        if not path:
            default = f"核验留证_{d.state.values['application_no']}.pdf"
            path, _ = ask_save(self, "保存核验留证 PDF", default, "PDF (*.pdf)")
        if not path:
            return
        operator = getattr(d.operator, "username", d.operator) or ""
        self.runner.run("生成核验留证", ops.evidence_pdf_job(d.store, d.applicant_id, path, operator),
                        lambda out: self.status.setText(f"已生成核验留证：{out}"))


def _jpeg_of(image: QImage) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, b"JPG", 92)
    return bytes(data.data())


def grab_frame(device: int) -> bytes:
    """One picture from a camera (a document camera shows up as one) through OpenCV; KnownError if none."""
    import cv2

    from confirm_desk.domain.errors import KnownError

    capture = cv2.VideoCapture(device)
    try:
        if not capture.isOpened():
            raise KnownError(f"无法打开摄像头 {device}：请检查连接，或在“选项 → 本机”中选择其他摄像头。")
        frame = None
        for _ in range(5):  # the first frames are often dark while the exposure settles
            ok, grabbed = capture.read()
            if ok:
                frame = grabbed
        if frame is None:
            raise KnownError(f"摄像头 {device} 没有返回画面。")
        ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
        if not ok:
            raise KnownError("无法保存摄像头画面。")
        return encoded.tobytes()
    finally:
        capture.release()


def make_scan_bar(dialog) -> ScanBar:
    """The bar for a check dialog, with this seat's watched folder and camera from the preferences."""
    from confirm_desk.ui.ops.settings import PreferencesStore

    prefs = PreferencesStore(dialog.store, parent=dialog)
    folder = str(prefs.value("scan_folder") or "")
    camera = prefs.value("scan_camera")
    return ScanBar(dialog, folder, camera if isinstance(camera, int) else -1)
