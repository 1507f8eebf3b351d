"""The photo with a 114:156 crop frame: drag inside to move, drag a corner to resize, wheel to zoom.

Scene coordinates are the pixels of the full-size upright (and turned) photo, so the frame is the
crop box as stored; the geometry itself lives in domain/photo_frame.py.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

from confirm_desk.domain.photo_frame import Frame, contains, drag_corner, hit_corner, move_frame

HANDLE_PX = 10  # corner handles, in screen pixels at any zoom
MAX_ZOOM = 16.0  # relative to "whole photo fits"
CURSORS = {"tl": Qt.CursorShape.SizeFDiagCursor, "br": Qt.CursorShape.SizeFDiagCursor,
           "tr": Qt.CursorShape.SizeBDiagCursor, "bl": Qt.CursorShape.SizeBDiagCursor}


class CropCanvas(QGraphicsView):
    frame_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._pixmap = QGraphicsPixmapItem()
        self._pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._pixmap)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("#3c3f41")))
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("照片裁剪区域")
        self.setMinimumSize(360, 360)
        self.image_width, self.image_height = 1, 1
        self.frame = Frame(0, 0, 1, 1)
        self.zoom = 1.0
        self._drag: tuple[str, QPointF] | None = None  # ("move"|corner, last scene point)

    # --- content --------------------------------------------------------------------------
    def set_image(self, image: QImage, width: int, height: int, frame: Frame) -> None:
        """Show `image` (maybe downscaled) as a photo of width×height full pixels, with `frame`."""
        self._pixmap.setPixmap(QPixmap.fromImage(image))
        self._pixmap.setScale(width / max(image.width(), 1))
        self.image_width, self.image_height = width, height
        self.scene().setSceneRect(QRectF(0, 0, width, height))
        self.set_frame(frame)
        self.fit()

    def set_frame(self, frame: Frame) -> None:
        if frame != self.frame:
            self.frame = frame
            self.viewport().update()
            self.frame_changed.emit()

    def photo_pixmap(self) -> QPixmap:
        return self._pixmap.pixmap()

    def frame_rect(self) -> QRectF:
        return QRectF(self.frame.x, self.frame.y, self.frame.w, self.frame.h)

    # --- zoom -----------------------------------------------------------------------------
    def fit(self) -> None:
        self.resetTransform()
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom = 1.0

    def zoom_by(self, factor: float) -> None:
        factor = max(1.0 / self.zoom, min(factor, MAX_ZOOM / self.zoom))
        if abs(factor - 1.0) > 1e-6:
            self.zoom *= factor
            self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.25 ** steps)
        event.accept()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.zoom == 1.0:  # still "whole photo": keep it whole as the window changes
            self.fit()

    # --- mouse ----------------------------------------------------------------------------
    def _scene_point(self, event) -> QPointF:
        return self.mapToScene(event.position().toPoint())

    def _tolerance(self) -> float:
        return HANDLE_PX / max(self.transform().m11(), 1e-6)

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        p = self._scene_point(event)
        corner = hit_corner(self.frame, p.x(), p.y(), self._tolerance())
        if corner:
            self._drag = (corner, p)
        elif contains(self.frame, p.x(), p.y()):
            self._drag = ("move", p)
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        p = self._scene_point(event)
        if self._drag is None:
            corner = hit_corner(self.frame, p.x(), p.y(), self._tolerance())
            inside = contains(self.frame, p.x(), p.y())
            self.viewport().setCursor(CURSORS[corner] if corner else
                                      Qt.CursorShape.OpenHandCursor if inside else Qt.CursorShape.ArrowCursor)
            return
        kind, last = self._drag
        w, h = self.image_width, self.image_height
        if kind == "move":
            self.set_frame(move_frame(self.frame, p.x() - last.x(), p.y() - last.y(), w, h))
        else:
            self.set_frame(drag_corner(self.frame, kind, p.x(), p.y(), w, h))
        self._drag = (kind, p)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        self._drag = None
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        event.accept()

    # --- drawing --------------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        frame = self.frame_rect()
        outside = QPainterPath()
        outside.addRect(self.sceneRect())
        inner = QPainterPath()
        inner.addRect(frame)
        painter.fillPath(outside.subtracted(inner), QColor(0, 0, 0, 130))
        pen = QPen(QColor("#ffd54f"), 2)
        pen.setCosmetic(True)  # the same width at any zoom
        painter.setPen(pen)
        painter.drawRect(frame)
        guide = QPen(QColor(255, 255, 255, 110), 1, Qt.PenStyle.DashLine)
        guide.setCosmetic(True)
        painter.setPen(guide)
        for i in (1, 2):  # thirds: the eyes sit near the upper line in a head-and-shoulders photo
            y = frame.top() + frame.height() * i / 3
            painter.drawLine(QPointF(frame.left(), y), QPointF(frame.right(), y))
        size = self._tolerance()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#ffd54f"))
        for corner in (frame.topLeft(), frame.topRight(), frame.bottomLeft(), frame.bottomRight()):
            painter.drawRect(QRectF(corner.x() - size / 2, corner.y() - size / 2, size, size))
