"""Cropping one applicant's photo to 114×156: the frame on the photo, live previews, rotate, save."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut, QTransform
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.errors import KnownError
from confirm_desk.domain.photo_frame import (
    TARGET_H,
    TARGET_W,
    Frame,
    default_frame,
    face_frame,
    fit_frame,
    move_frame,
    rotated_size,
    scale_frame,
)
from confirm_desk.services.photos.normalize import NormalizedPhoto
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops.photos import faces_in_view, load_photo_source, save_photo_crop, view_image
from confirm_desk.ui.photos.crop_canvas import CropCanvas
from confirm_desk.ui.widgets.messages import show_error

KEYS_HELP = ("方向键 移动裁剪框（Shift 加速）　+ / − 放大缩小裁剪框\n"
             "滚轮 或 Ctrl++ / Ctrl+− 缩放显示　R 旋转 90°　Ctrl+0 重置\n"
             "Ctrl+S 保存　Esc 取消")


def _qimage(pil_image) -> QImage:
    data = pil_image.tobytes()
    return QImage(data, pil_image.width, pil_image.height, 3 * pil_image.width,
                  QImage.Format.Format_RGB888).copy()  # copy: the bytes object goes away


class PhotoCropDialog(QDialog):
    def __init__(self, store: Store, applicant_id: int, operator: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.applicant_id, self.operator = store, applicant_id, operator
        self.saved: NormalizedPhoto | None = None
        self.rotation = 0
        self.base_image = QImage()
        self.upright = (1, 1)
        self.faces: list[Frame] = []  # in upright pixels (rotation 0)
        self.setWindowTitle("裁剪照片")
        self.resize(980, 700)

        self.canvas = CropCanvas(self)
        self.canvas.frame_changed.connect(self._update_preview)
        self.preview_1x = self._preview_label(1, "114×156 实际大小（1:1）")
        self.preview_2x = self._preview_label(2, "放大两倍（2:1）")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#b26a00;")
        keys = QLabel(KEYS_HELP)
        keys.setStyleSheet("color:#555;")
        keys.setWordWrap(True)

        self.rotate_button = QPushButton("旋转 90°（R）")
        self.reset_button = QPushButton("重置（Ctrl+0）")
        self.save_button = QPushButton("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        cancel = QPushButton("取消（Esc）")
        self.rotate_button.clicked.connect(self.rotate)
        self.reset_button.clicked.connect(self.reset)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)

        side = QVBoxLayout()
        previews = QGridLayout()
        previews.addWidget(QLabel("1:1"), 0, 0, Qt.AlignmentFlag.AlignHCenter)
        previews.addWidget(QLabel("2:1"), 0, 1, Qt.AlignmentFlag.AlignHCenter)
        previews.addWidget(self.preview_1x, 1, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        previews.addWidget(self.preview_2x, 1, 1, Qt.AlignmentFlag.AlignTop)
        side.addLayout(previews)
        side.addWidget(self.info)
        side.addWidget(self.warning)
        side.addStretch(1)
        side.addWidget(keys)
        buttons = QGridLayout()
        buttons.addWidget(self.rotate_button, 0, 0)
        buttons.addWidget(self.reset_button, 0, 1)
        buttons.addWidget(self.save_button, 1, 0)
        buttons.addWidget(cancel, 1, 1)
        side.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(side)
        self._shortcuts()
        self._load()
        self.canvas.setFocus()

    def _preview_label(self, scale: int, name: str) -> QLabel:
        label = QLabel()
        label.setFixedSize(TARGET_W * scale + 2, TARGET_H * scale + 2)
        label.setFrameShape(QFrame.Shape.Box)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAccessibleName(name)
        label.setToolTip(name)
        return label

    def _shortcuts(self) -> None:
        def bind(keys: str | QKeySequence.StandardKey, slot) -> None:
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WindowShortcut)

        for key, (dx, dy) in {"Left": (-1, 0), "Right": (1, 0), "Up": (0, -1), "Down": (0, 1)}.items():
            bind(key, lambda dx=dx, dy=dy: self.nudge(dx, dy))
            bind(f"Shift+{key}", lambda dx=dx, dy=dy: self.nudge(dx * 10, dy * 10))
        for key in ("+", "="):
            bind(key, lambda: self.resize_frame(1.05))
        bind("-", lambda: self.resize_frame(1 / 1.05))
        bind("Ctrl++", lambda: self.canvas.zoom_by(1.25))
        bind("Ctrl+=", lambda: self.canvas.zoom_by(1.25))
        bind("Ctrl+-", lambda: self.canvas.zoom_by(0.8))
        bind("R", self.rotate)
        bind("Ctrl+0", self.reset)
        bind("Ctrl+S", self.save)

    # --- state ----------------------------------------------------------------------------
    def _load(self) -> None:
        try:
            source = load_photo_source(self.store, self.applicant_id)
            pil_image, self.upright = view_image(source)
        except KnownError as err:
            self.error = err.message
            self.info.setText(err.message)
            for button in (self.save_button, self.rotate_button, self.reset_button):
                button.setEnabled(False)
            return
        self.error = ""
        self.setWindowTitle(f"裁剪照片 — {source.name}（{source.application_no}）")
        self.base_image = _qimage(pil_image)
        self.faces = faces_in_view(pil_image, self.upright)
        self.rotation = source.rotation
        self._show(source.frame)

    def _show(self, frame: Frame | None) -> None:
        """Turn the photo to self.rotation and put the frame on it (None: the automatic frame)."""
        image = self.base_image.transformed(QTransform().rotate(self.rotation)) if self.rotation \
            else self.base_image
        w, h = self.image_size
        frame = fit_frame(frame, w, h) if frame else self.auto_frame()
        self.canvas.set_image(image, w, h, frame)
        self._update_preview()

    def auto_frame(self) -> Frame:
        """Face-centred when exactly one face was found on the upright photo, else the default frame."""
        w, h = self.image_size
        if self.rotation == 0 and len(self.faces) == 1:
            return face_frame(self.faces[0], w, h)
        return default_frame(w, h)

    def face_note(self) -> str:
        if len(self.faces) == 1:
            return "已按人脸居中放置裁剪框" if self.rotation == 0 else ""
        if not self.faces:
            return "未检测到人脸，请手动放置裁剪框"
        return f"检测到 {len(self.faces)} 张人脸，请手动放置"

    @property
    def image_size(self) -> tuple[int, int]:
        return rotated_size(*self.upright, self.rotation)

    @property
    def frame(self) -> Frame:
        return self.canvas.frame

    def set_frame(self, frame: Frame) -> None:
        self.canvas.set_frame(fit_frame(frame, *self.image_size))

    # --- actions --------------------------------------------------------------------------
    def nudge(self, dx: float, dy: float) -> None:
        """Arrow keys: 1% of the photo's height per press (10% with Shift)."""
        step = self.image_size[1] / 100
        self.canvas.set_frame(move_frame(self.frame, dx * step, dy * step, *self.image_size))

    def resize_frame(self, factor: float) -> None:
        self.canvas.set_frame(scale_frame(self.frame, factor, *self.image_size))

    def rotate(self) -> None:
        """90° clockwise; the frame starts again from the default, as the photo's shape has changed."""
        if self.error:
            return
        self.rotation = (self.rotation + 90) % 360
        self._show(None)

    def reset(self) -> None:
        if self.error:
            return
        self.rotation = 0
        self._show(None)

    def save(self) -> None:
        if self.error:
            return
        try:
            self.saved = save_photo_crop(self.store, self.applicant_id, self.frame, self.rotation,
                                         self.operator)
        except KnownError as err:
            show_error(self, err.message)
            return
        self.accept()

    # --- preview --------------------------------------------------------------------------
    def _update_preview(self) -> None:
        if self.base_image.isNull():
            return
        view = self.canvas.photo_pixmap()
        scale = view.width() / self.image_size[0]
        f = self.frame
        region = QRect(round(f.x * scale), round(f.y * scale), max(1, round(f.w * scale)),
                       max(1, round(f.h * scale)))
        small = view.copy(region).scaled(TARGET_W, TARGET_H, Qt.AspectRatioMode.IgnoreAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation)
        self.preview_1x.setPixmap(small)
        # 2:1 shows the very pixels that will be saved, each as a 2×2 block.
        self.preview_2x.setPixmap(small.scaled(TARGET_W * 2, TARGET_H * 2,
                                               Qt.AspectRatioMode.IgnoreAspectRatio,
                                               Qt.TransformationMode.FastTransformation))
        x, y, w, h = f.rounded()
        self.info.setText(f"裁剪框：左 {x}，上 {y}，宽 {w}，高 {h}（像素）\n"
                          f"照片 {self.image_size[0]}×{self.image_size[1]}，旋转 {self.rotation}°\n"
                          f"{self.face_note()}")
        self.warning.setText("" if h >= TARGET_H else
                             f"裁剪区域只有 {w}×{h} 像素，保存时会放大到 114×156，可能模糊。")

    def preview_image(self, scale: int = 1) -> QImage:
        label = self.preview_1x if scale == 1 else self.preview_2x
        pixmap: QPixmap = label.pixmap()
        return pixmap.toImage()
